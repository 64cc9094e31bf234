"""The typed records that cross between a ``kernelgym serve`` process and its clients: OpenEnv's ``Action``,
``Observation`` and ``State``, specialised to KernelGym's text environments.

They are pydantic models, validated on arrival by OpenEnv's server (unknown fields are refused); the server checks
the completion's size itself, since the limit is a setting of the server.
"""
from __future__ import annotations

from typing import Any

from openenv.core.env_server.types import Action, Observation, State
from pydantic import Field


class KernelGymAction(Action):
    """One attempt: the model's completion, graded as the local environment's ``step(completion)`` grades it."""

    completion: str = Field(..., description="The model's completion text")


class KernelGymObservation(Observation):
    """What ``reset`` and ``step`` return; ``reward`` and ``done`` are OpenEnv's own fields.

    Attributes:
        prompt: The text for the model: the task prompt after ``reset``; after a step, the feedback prompt for the
            next attempt ("" when the episode is over).
        env_id: The environment's id.
        task_id: The task of the episode.
        turn: Attempts made so far.
        terminated: The episode ended with a correct answer.
        truncated: The episode ended because the turns ran out.
        components: Component rewards of the last attempt.
        contributions: Each component's share of the reward.
        feedback: The grader's short text on the last attempt.
        result: The grading record as JSON (``KernelResult.to_dict()`` for kernels), None after ``reset``.
        result_type: The record's class name (``KernelResult``), so that a client can rebuild it.
        messages: The conversation so far (system, user and assistant messages).
    """

    prompt: str = ""
    env_id: str = ""
    task_id: str = ""
    turn: int = 0
    terminated: bool = False
    truncated: bool = False
    components: dict[str, float] = Field(default_factory=dict)
    contributions: dict[str, float] = Field(default_factory=dict)
    feedback: str = ""
    result: dict[str, Any] | None = None
    result_type: str = ""
    messages: list[dict[str, str]] = Field(default_factory=list)


class KernelGymState(State):
    """A session's state: OpenEnv's ``episode_id`` and ``step_count``, and where the episode stands.

    Attributes:
        env_id: The environment's id.
        task_id: The task of the current episode ("" before the first ``reset``).
        turn: Attempts made in the episode.
        max_turns: Attempts allowed per episode.
        done: The episode is over (or has not started).
    """

    env_id: str = ""
    task_id: str = ""
    turn: int = 0
    max_turns: int = 1
    done: bool = True
