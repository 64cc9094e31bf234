"""Clients of a ``kernelgym serve`` process.

- :class:`KernelGymClient` is an OpenEnv ``EnvClient`` (async; ``.sync()`` for a blocking one) for one
  environment id of a server, sending :class:`~kernelgym.serve.models.KernelGymAction` and receiving
  :class:`~kernelgym.serve.models.KernelGymObservation`; it adds the bearer token and turns the server's refusals
  into :class:`ServeError` with the server's reason.
- :class:`RemoteEnv` is the Gymnasium face of a served environment: ``kernelgym.make(env_id, url=URL)`` returns one,
  with the ``reset``/``step`` of the local environment, so a training loop or a benchmark works the same on either.
  It speaks the same OpenEnv messages as the client above, over a blocking connection
  (:class:`~kernelgym.serve.connection.Connection`) that costs less per message than an event loop.
"""
from __future__ import annotations

from typing import Any

import asyncio
import json

import gymnasium
from openenv.core.client_types import StepResult
from openenv.core.env_client import EnvClient

from ..envs.core import EpisodeError, text_space
from .connection import Connection, ServeError, refusal, served_ids
from .models import KernelGymAction, KernelGymObservation, KernelGymState

__all__ = ["KernelGymClient", "RemoteEnv", "ServeError", "served_ids", "observation_of"]


class KernelGymClient(EnvClient[KernelGymAction, KernelGymObservation, KernelGymState]):
    """An OpenEnv client for one environment of a ``kernelgym serve`` server.

    Args:
        base_url: The server, ``http://127.0.0.1:8000``.
        env_id: The environment id, one of those the server serves (``GET /envs``).
        token: The server's bearer token, if it has one.
        message_timeout_s: How long to wait for one reply (a kernel grading can take minutes).
    """

    def __init__(self, base_url: str, env_id: str, token: str | None = None, message_timeout_s: float = 900.0,
                 connect_timeout_s: float = 10.0):
        self.server_url = base_url.rstrip("/")
        self.env_id = env_id
        self._token = token
        super().__init__(f"{self.server_url}/{env_id}", connect_timeout_s=connect_timeout_s,
                         message_timeout_s=message_timeout_s, max_message_size_mb=64.0)

    async def connect(self) -> "KernelGymClient":
        """Open the session's WebSocket, with the token.

        Raises:
            ServeError: The server is down, refuses the token, or does not serve this id.
        """
        if self._ws is not None:
            return self
        from websockets.asyncio.client import connect
        from websockets.exceptions import InvalidStatus

        headers = {"Authorization": f"Bearer {self._token}"} if self._token else None
        try:
            self._ws = await connect(self._ws_url, open_timeout=self._connect_timeout, max_size=self._max_message_size,
                                     additional_headers=headers, proxy=None, compression=None)
        except InvalidStatus as exc:
            raise refusal(self.server_url, self.env_id, exc.response.status_code, self._token) from None
        except OSError as exc:
            raise ServeError(f"cannot reach {self.server_url}: {exc}") from None
        return self

    async def _send_and_receive(self, message: dict[str, Any]) -> dict[str, Any]:
        from websockets.exceptions import ConnectionClosed

        try:
            await self._send(message)
            response = await self._receive()
        except ConnectionClosed as exc:
            # The server may have said why before it closed (a full server refuses a session at once).
            response = await self._last_words()
            self._ws = None
            if response is None:
                reason = exc.rcvd.reason if exc.rcvd else ""
                code = exc.rcvd.code if exc.rcvd else None
                hint = " (message too big for the server)" if code == 1009 else ""
                raise ServeError(f"the server closed the session: {code} {reason}{hint}".rstrip()) from None
        if response.get("type") == "error":
            data = response.get("data", {})
            raise ServeError(f"{data.get('message', 'unknown error')} ({data.get('code', 'UNKNOWN')})")
        return response

    async def _last_words(self) -> dict[str, Any] | None:
        """A message the server sent before closing the connection, if one is still unread."""
        from websockets.exceptions import ConnectionClosed

        try:
            return json.loads(await asyncio.wait_for(self._ws.recv(), timeout=1.0))
        except (ConnectionClosed, asyncio.TimeoutError, ValueError):
            return None

    def _step_payload(self, action: KernelGymAction | str) -> dict[str, Any]:
        completion = action.completion if isinstance(action, KernelGymAction) else action
        return {"completion": completion}

    def _parse_result(self, payload: dict[str, Any]) -> StepResult[KernelGymObservation]:
        observation = observation_of(payload)
        return StepResult(observation=observation, reward=observation.reward, done=observation.done)

    def _parse_state(self, payload: dict[str, Any]) -> KernelGymState:
        return KernelGymState(**payload)


def observation_of(payload: dict[str, Any]) -> KernelGymObservation:
    """The observation in a reply's ``data`` (OpenEnv's ``{"observation": ..., "reward": ..., "done": ...}``),
    validated.

    Raises:
        ServeError: The reply does not hold a valid observation.
    """
    from pydantic import ValidationError

    if not isinstance(payload, dict) or not isinstance(payload.get("observation"), dict):
        raise ServeError("the server's reply holds no observation")
    try:
        return KernelGymObservation.model_validate({**payload["observation"], "reward": payload.get("reward"),
                                                     "done": payload.get("done", False)})
    except ValidationError as exc:
        raise ServeError(f"the server's observation is not valid: {exc}") from None


class RemoteEnv(gymnasium.Env):
    """A served environment with the local one's Gymnasium API: ``reset(seed, options) -> (prompt, info)`` and
    ``step(completion) -> (observation, reward, terminated, truncated, info)``, ``info`` as locally (``result`` is
    the :class:`kernelgym.result.KernelResult` for kernel environments, a dict for the others).

    The environment's own arguments (``max_turns``, ``difficulty``, ...) are the server's: set them where it is
    started. The session opens on the first call and ends with :meth:`close`; a session the server closed is opened
    again by the next call. Calls block the calling thread (no event loop is needed, or disturbed where one runs).
    Use one from one thread at a time.

    Args:
        env_id: The environment id.
        url: The server, ``http://127.0.0.1:8000``.
        token: The server's bearer token, if it has one.
        message_timeout_s: How long to wait for one reply (a kernel grading can take minutes).
    """

    metadata = {"render_modes": []}

    def __init__(self, env_id: str, url: str, token: str | None = None, message_timeout_s: float = 900.0):
        self.env_id = env_id
        self.url = url
        self.observation_space = self.action_space = text_space()
        self._token = token
        self._message_timeout_s = message_timeout_s
        self._connection: Connection | None = None
        self._done = True

    def reset(self, *, seed: int | None = None, options: dict | None = None) -> tuple[str, dict]:
        super().reset(seed=seed)
        options = dict(options or {})
        task_id = options.pop("task_id", None)
        if options:
            raise ValueError(f"reset options of a served environment: task_id only, not {', '.join(options)}")
        data = {key: value for key, value in (("seed", seed), ("task_id", task_id)) if value is not None}
        observation = observation_of(self._request({"type": "reset", "data": data}).get("data"))
        self._done = False
        return observation.prompt, {"env_id": observation.env_id, "task_id": observation.task_id, "turn": 0}

    def step(self, action: str) -> tuple[str, float, bool, bool, dict]:
        if not isinstance(action, str):
            raise TypeError(f"the action is the completion text (str), not {type(action).__name__}")
        if self._done:
            raise EpisodeError(f"{self.env_id}: call reset() before step(); the episode is not running")
        observation = observation_of(self._request({"type": "step", "data": {"completion": action}}).get("data"))
        self._done = observation.done
        info = {"env_id": observation.env_id, "task_id": observation.task_id, "turn": observation.turn,
                "components": observation.components, "contributions": observation.contributions,
                "result": _record(observation), "feedback": observation.feedback, "messages": observation.messages}
        return (observation.prompt, float(observation.reward or 0.0), observation.terminated, observation.truncated,
                info)

    def state(self) -> KernelGymState:
        """The session's state on the server."""
        from pydantic import ValidationError

        try:
            return KernelGymState.model_validate(self._request({"type": "state"}).get("data"))
        except ValidationError as exc:
            raise ServeError(f"the server's state is not valid: {exc}") from None

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _request(self, message: dict[str, Any]) -> dict[str, Any]:
        if self._connection is None or not self._connection.is_open:
            self._connection = Connection(self.url, self.env_id, token=self._token,
                                          message_timeout_s=self._message_timeout_s)
        return self._connection.request(message)


def _record(observation: KernelGymObservation) -> Any:
    """The grading record, rebuilt as a :class:`kernelgym.result.KernelResult` where it is one."""
    if observation.result_type == "KernelResult" and observation.result is not None:
        from ..result import KernelResult

        return KernelResult.from_dict(observation.result)
    return observation.result
