"""The WebSocket endpoint of one served environment: OpenEnv's session protocol, with less work per message.

A client speaks OpenEnv's ``/ws`` protocol: JSON messages ``{"type": "reset", "data": {...}}``, ``{"type": "step",
"data": ACTION}``, ``{"type": "state"}`` and ``{"type": "close"}``, answered by ``{"type": "observation", "data":
{"observation": ..., "reward": ..., "done": ...}}``, ``{"type": "state", "data": ...}`` or ``{"type": "error",
"data": {"message": ..., "code": ...}}`` with OpenEnv's error codes. OpenEnv's own endpoint answers each message
through Starlette's WebSocket and exception layers, pydantic envelope models and an ``inspect.signature`` of
``reset``; :class:`SessionEndpoint` is a plain ASGI application that makes the same checks (the envelope's fields,
the action's model, the reset arguments in :class:`~kernelgym.serve.environment.ServedEnv`) in less time, which is
most of what a cheap environment's step costs through a server (README, "What it costs").

Sessions stay OpenEnv's: the cap on concurrent sessions, the idle reaper and the counts in ``GET /envs`` are
``HTTPEnvServer``'s, through its session methods (``_create_session``, ``_destroy_session``,
``_update_session_activity``; openenv-core is pinned to 0.3).
"""
from __future__ import annotations

import json
import math
from typing import Any

from .guard import Receive, Scope, Send

ENVELOPE_FIELDS = {"reset": {"type", "data"}, "step": {"type", "data"}, "state": {"type"}, "close": {"type"}}
OBSERVATION_EXCLUDE = {"reward", "done", "metadata"}  # sent beside the observation, as OpenEnv does


class SessionEndpoint:
    """The ASGI application of ``/<env_id>/ws``: one session per WebSocket connection, closed with it.

    Args:
        server: OpenEnv's server of the environment, whose sessions these are.
        action_cls: The action model a ``step`` message's data must validate as.
    """

    def __init__(self, server: Any, action_cls: type):
        self.server = server
        self.action_cls = action_cls

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (await receive())["type"] != "websocket.connect":
            return
        await send({"type": "websocket.accept"})
        session = await self._open(send)
        if session is None:
            return await _close(send)
        session_id, env = session
        try:
            await self._serve(session_id, env, receive, send)
        except OSError:  # the client went away while its reply was being sent
            pass
        finally:
            await self.server._destroy_session(session_id)
        await _close(send)

    async def _open(self, send: Send) -> tuple[str, Any] | None:
        """A new session, or None after telling the client why there is none (the server is full)."""
        from openenv.core.env_server.exceptions import EnvironmentFactoryError, SessionCapacityError

        try:
            return await self.server._create_session()
        except SessionCapacityError as exc:
            reply = error_reply(str(exc), "CAPACITY_REACHED", active_sessions=exc.active_sessions,
                                max_sessions=exc.max_sessions)
        except EnvironmentFactoryError as exc:
            reply = error_reply(str(exc), "FACTORY_ERROR", factory_name=exc.factory_name)
        await send({"type": "websocket.send", "text": reply})
        return None

    async def _serve(self, session_id: str, env: Any, receive: Receive, send: Send) -> None:
        """Answer the client's messages in order until it sends ``close`` or disconnects."""
        while True:
            event = await receive()
            if event["type"] != "websocket.receive":
                return
            reply = await self.answer(session_id, env, event.get("text"))
            if reply is None:
                return
            await send({"type": "websocket.send", "text": reply})

    async def answer(self, session_id: str, env: Any, text: str | None) -> str | None:
        """The reply to one message (None for ``close``); a bad message gets an error reply, the session goes on."""
        from pydantic import ValidationError

        if text is None:
            return error_reply("messages are JSON text, not binary", "INVALID_JSON")
        try:
            message = json.loads(text)
        except ValueError as exc:
            return error_reply(f"Invalid JSON: {exc}", "INVALID_JSON")
        kind = message.get("type") if isinstance(message, dict) else None
        if kind not in ENVELOPE_FIELDS:
            return error_reply(f"Unknown message type: {kind!r:.40}", "UNKNOWN_TYPE")
        problem = envelope_problem(message, kind)
        if problem:
            return error_reply(f"Invalid message: {problem}", "VALIDATION_ERROR")
        try:
            if kind == "reset":
                observation = await env.reset_async(**message.get("data", {}))
                self.server._update_session_activity(session_id)
            elif kind == "step":
                action = self.action_cls.model_validate(message["data"])
                observation = await env.step_async(action)
                self.server._update_session_activity(session_id, increment_step=True)
            elif kind == "state":
                return f'{{"type":"state","data":{env.state.model_dump_json()}}}'
            else:
                return None
        except ValidationError as exc:
            errors = exc.errors(include_url=False, include_context=False, include_input=False)
            return error_reply("Invalid message", "VALIDATION_ERROR", errors=errors)
        except Exception as exc:  # the environment's refusal (RequestError, EpisodeError) or its failure
            return error_reply(str(exc), "EXECUTION_ERROR")
        return observation_reply(observation)


def envelope_problem(message: dict[str, Any], kind: str) -> str:
    """What is wrong with a message's envelope ("" when nothing is), by OpenEnv's rules: no unknown fields, and
    ``data`` an object (required for ``step``).

    >>> envelope_problem({"type": "step"}, "step")
    'a step message needs data'
    >>> envelope_problem({"type": "state", "extra": 1}, "state")
    'unknown field extra'
    """
    unknown = sorted(set(message) - ENVELOPE_FIELDS[kind])
    if unknown:
        return f"unknown field {', '.join(unknown)}"[:200]
    if kind == "step" and "data" not in message:
        return "a step message needs data"
    if "data" in message and not isinstance(message["data"], dict):
        return "data must be a JSON object"
    return ""


def observation_reply(observation: Any) -> str:
    """OpenEnv's observation reply, the observation serialised by its own model (non-finite numbers as null).

    >>> from kernelgym.serve.models import KernelGymObservation
    >>> observation_reply(KernelGymObservation(prompt="hi", reward=1.0, done=True))[:60]
    '{"type":"observation","data":{"observation":{"prompt":"hi","'
    """
    reward = observation.reward
    if isinstance(reward, float) and not math.isfinite(reward):
        reward = None
    fields = observation.model_dump_json(exclude=OBSERVATION_EXCLUDE)
    return (f'{{"type":"observation","data":{{"observation":{fields},"reward":{json.dumps(reward)},'
            f'"done":{json.dumps(bool(observation.done))}}}}}')


def error_reply(message: str, code: str, **details: Any) -> str:
    """OpenEnv's error reply.

    >>> error_reply("no", "EXECUTION_ERROR")
    '{"type": "error", "data": {"message": "no", "code": "EXECUTION_ERROR"}}'
    """
    return json.dumps({"type": "error", "data": {"message": message, "code": code, **details}}, default=str)


async def _close(send: Send) -> None:
    try:
        await send({"type": "websocket.close", "code": 1000})
    except (OSError, RuntimeError):  # already closed, or the client is gone
        pass
