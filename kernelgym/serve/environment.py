"""One served session: an OpenEnv ``Environment`` over a twin of a KernelGym environment.

OpenEnv's server builds one of these per WebSocket session and runs its ``reset`` and ``step`` in the session's own
thread; each holds a twin (:meth:`kernelgym.envs.core.TextEnv.spawn`) of the environment the server made at start,
so sessions share its tasks and its grader (the sandbox pool) and nothing else. Everything a client sends is
checked here before it reaches the environment: the reset arguments' names, types and sizes, and the completion's
length.
"""
from __future__ import annotations

import asyncio
import dataclasses
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from openenv.core.env_server.interfaces import Environment
from openenv.core.env_server.types import EnvironmentMetadata

from ..envs.core import TextEnv
from .models import KernelGymAction, KernelGymObservation, KernelGymState

MAX_ID_CHARS = 256
MAX_SEED = 2**63 - 1


class RequestError(ValueError):
    """A client's request that the server refuses (the message says why and what is allowed)."""


class ServedEnv(Environment[KernelGymAction, KernelGymObservation, KernelGymState]):
    """A KernelGym environment behind OpenEnv's server, one per session.

    Args:
        template: The environment made at the server's start; this session plays a twin of it.
        max_action_chars: The longest completion accepted.
    """

    SUPPORTS_CONCURRENT_SESSIONS = True

    def __init__(self, template: TextEnv, max_action_chars: int):
        super().__init__()
        self._env = template.spawn()
        self._max_action_chars = max_action_chars
        self._episode_id: str | None = None
        self._closed = False
        self._executor: ThreadPoolExecutor | None = None  # the session's grading thread, started on first use

    def reset(self, seed: int | None = None, episode_id: str | None = None, task_id: str | None = None,
              **unknown: Any) -> KernelGymObservation:
        """Start an episode, as ``env.reset(seed=seed, options={"task_id": task_id})`` does locally.

        Raises:
            RequestError: An argument this environment does not take, or a value of the wrong type or size.
        """
        self._check_open()
        if unknown:
            raise RequestError(f"reset takes seed, task_id and episode_id, not {', '.join(sorted(unknown))}")
        if seed is not None and (type(seed) is not int or not 0 <= seed <= MAX_SEED):
            raise RequestError(f"seed must be an integer from 0 to 2**63-1, not {seed!r:.40}")
        for name, value in (("task_id", task_id), ("episode_id", episode_id)):
            if value is not None and (not isinstance(value, str) or len(value) > MAX_ID_CHARS):
                raise RequestError(f"{name} must be a string of at most {MAX_ID_CHARS} characters")
        options = {"task_id": task_id} if task_id is not None else None
        try:
            prompt, info = self._env.reset(seed=seed, options=options)
        except KeyError as exc:
            raise RequestError(exc.args[0] if exc.args else str(exc)) from None
        self._episode_id = episode_id
        return KernelGymObservation(prompt=prompt, env_id=info["env_id"], task_id=info["task_id"], turn=0,
                                    messages=self._env.episode.messages, reward=None, done=False)

    async def reset_async(self, seed: int | None = None, episode_id: str | None = None, task_id: str | None = None,
                          **unknown: Any) -> KernelGymObservation:
        """:meth:`reset`, run in the server's event loop: it draws a task and builds a prompt (the tasks are loaded
        before the server starts), so a hop to the session's thread would cost more than the work. ``step``, which
        grades, keeps OpenEnv's default: the session's own thread."""
        return self.reset(seed=seed, episode_id=episode_id, task_id=task_id, **unknown)

    async def step_async(self, action: KernelGymAction, timeout_s: float | None = None,
                         **unused: Any) -> KernelGymObservation:
        """:meth:`step` in the session's own thread (OpenEnv's default), or in the event loop for an environment
        whose grading is plain, fast Python (``grades_inline``), where the thread hop costs more than grading."""
        if self._env.grades_inline:
            return self.step(action)
        self._check_open()
        if self._executor is None:
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="kernelgym-session")
        return await asyncio.get_running_loop().run_in_executor(self._executor, self.step, action)

    def step(self, action: KernelGymAction, timeout_s: float | None = None, **unused: Any) -> KernelGymObservation:
        """Grade one attempt, as ``env.step(action.completion)`` does locally.

        Raises:
            RequestError: The completion is longer than this server accepts, or not valid Unicode.
            EpisodeError: Before ``reset``, or after the episode ended.
        """
        self._check_open()
        completion = action.completion
        if len(completion) > self._max_action_chars:
            raise RequestError(f"the completion has {len(completion)} characters; this server accepts at most "
                               f"{self._max_action_chars}")
        try:
            completion.encode("utf-8")
        except UnicodeEncodeError as exc:  # JSON can carry lone surrogates, which no model's text holds
            raise RequestError(f"the completion is not valid Unicode: {exc.reason} at character {exc.start}") from None
        observation, reward, terminated, truncated, info = self._env.step(completion)
        record, record_type = _record_json(info["result"])
        return KernelGymObservation(
            prompt=observation, env_id=info["env_id"], task_id=info["task_id"], turn=info["turn"],
            terminated=terminated, truncated=truncated, components=info["components"],
            contributions=info["contributions"], feedback=info["feedback"], result=record, result_type=record_type,
            messages=info["messages"], reward=float(reward), done=terminated or truncated)

    @property
    def state(self) -> KernelGymState:
        episode = self._env.episode
        return KernelGymState(episode_id=self._episode_id, step_count=episode.turn, env_id=self._env.env_id,
                              task_id=episode.task_id, turn=episode.turn, max_turns=self._env.max_turns,
                              done=episode.done)

    def get_metadata(self) -> EnvironmentMetadata:
        doc = (type(self._env).__doc__ or "").strip()
        return EnvironmentMetadata(name=self._env.env_id, description=doc.splitlines()[0] if doc else "",
                                   version=self._env.env_id.rsplit("-", 1)[-1])

    def close(self) -> None:
        """End the session: later calls are refused (OpenEnv's idle reaper calls this)."""
        self._closed = True
        if self._executor is not None:
            self._executor.shutdown(wait=False)

    def _check_open(self) -> None:
        if self._closed:
            raise RequestError("this session was closed (idle too long); connect again")


def _record_json(record: Any) -> tuple[dict[str, Any] | None, str]:
    """The grading record as a JSON object, and its class name."""
    if record is None:
        return None, ""
    if hasattr(record, "to_dict"):
        data = record.to_dict()
    elif dataclasses.is_dataclass(record) and not isinstance(record, type):
        data = dataclasses.asdict(record)
    elif isinstance(record, dict):
        data = record
    else:
        data = {"repr": repr(record)}
    return json.loads(json.dumps(data, default=repr)), type(record).__name__
