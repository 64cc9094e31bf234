"""An environment checker: small ``check_*`` functions that every registered environment must pass.

>>> from kernelgym.envs.checker import CHECKS
>>> [c.__name__ for c in CHECKS][:2]
['check_spaces', 'check_reset_is_deterministic']
"""
from __future__ import annotations

from .core import EpisodeError, TextEnv


def check_spaces(env: TextEnv) -> None:
    """The prompt after ``reset`` is text that the observation space contains."""
    prompt, info = env.reset(seed=0)
    assert isinstance(prompt, str) and prompt.strip(), "reset() must return a non-empty prompt"
    assert env.observation_space.contains(prompt), "the prompt is outside the observation space"
    assert {"env_id", "task_id", "turn"} <= set(info), "reset() info needs env_id, task_id and turn"


def check_reset_is_deterministic(env: TextEnv) -> None:
    """The same seed draws the same task; ``options={"task_id": ...}`` picks that task."""
    first = env.reset(seed=123)
    second = env.reset(seed=123)
    assert first[0] == second[0] and first[1]["task_id"] == second[1]["task_id"], "reset(seed) is not repeatable"
    prompt, info = env.reset(options={"task_id": first[1]["task_id"]})
    assert prompt == first[0] and info["task_id"] == first[1]["task_id"]


def check_reference_scores_best(env: TextEnv) -> None:
    """A known solution solves its task and earns at least the reward of any other attempt seen here."""
    _, info = env.reset(seed=0)
    task = env.task(info["task_id"])
    answer = env.reference_answer(task)
    if answer is None:
        return
    _, reward, terminated, _, step_info = env.step(answer)
    assert terminated, f"the reference answer did not solve {task.task_id}: {step_info['feedback']}"
    env.reset(options={"task_id": task.task_id})
    _, wrong_reward, _, _, _ = env.step("I cannot solve this.")
    assert reward > wrong_reward, "the reference answer does not score above a non-answer"


def check_empty_answer_scores_zero(env: TextEnv) -> None:
    """An empty completion earns exactly 0 and ends a single-turn episode."""
    env.reset(seed=1)
    _, reward, terminated, truncated, info = env.step("")
    assert reward == 0.0, f"an empty answer earned {reward}"
    assert not terminated and (truncated or env.max_turns > 1)
    assert sum(info["contributions"].values()) == reward, "contributions must add up to the reward"


def check_step_after_termination_raises(env: TextEnv) -> None:
    """``step`` after the episode ended raises :class:`EpisodeError` instead of grading again."""
    env.reset(seed=2)
    for _ in range(env.max_turns):
        _, _, terminated, truncated, _ = env.step("")
        if terminated or truncated:
            break
    try:
        env.step("")
    except EpisodeError:
        return
    raise AssertionError("step() after the end of an episode must raise EpisodeError")


def check_rows(env: TextEnv) -> None:
    """Dataset rows carry a conversational prompt, the env id and the task id."""
    rows = env.rows(split=None)
    assert rows, "the environment has no tasks"
    row = rows[0]
    assert row["env_id"] == env.env_id and isinstance(row["task_id"], str)
    prompt = row["prompt"]
    assert isinstance(prompt, list) and prompt, "the row's prompt is not a list of messages"
    assert all(isinstance(m, dict) and m.get("role") in ("system", "user", "assistant")
               and isinstance(m.get("content"), str) for m in prompt), "a prompt message lacks a role or content"
    assert all(m["role"] != "system" for m in prompt[1:]), "a system message comes after the first message"
    assert prompt[-1]["role"] == "user" and prompt[-1]["content"], "the prompt does not end with a user message"
    if env.system_prompt:
        assert prompt[0] == {"role": "system", "content": env.system_prompt}, "rows lack the env's system prompt"


CHECKS = [check_spaces, check_reset_is_deterministic, check_reference_scores_best, check_empty_answer_scores_zero,
          check_step_after_termination_raises, check_rows]


def check_env(env: TextEnv) -> None:
    """Run every check; raises AssertionError naming the first that fails."""
    for check in CHECKS:
        try:
            check(env)
        except AssertionError as exc:
            raise AssertionError(f"{env.env_id}: {check.__name__}: {exc}") from exc
