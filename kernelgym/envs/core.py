"""The contract every KernelGym environment keeps: Gymnasium's API over text, tasks as dataset rows, and a grader.

An environment is a set of tasks (a prompt each) and a grader that turns one completion into component rewards.
:class:`TextEnv` gives every environment, kernel or text, the same three faces:

- Gymnasium: ``reset(seed=None, options=None) -> (prompt, info)`` and
  ``step(completion) -> (observation, reward, terminated, truncated, info)``, single- or multi-turn;
- a dataset: :meth:`TextEnv.rows` (``prompt`` plus columns) for TRL's trainers;
- reward functions with TRL's signature (see :mod:`kernelgym.trl`).

A subclass sets ``env_id`` and implements :meth:`TextEnv.load_tasks` and :meth:`TextEnv.grade`; it may override
:meth:`TextEnv.grade_many` to grade a batch in parallel, and :meth:`TextEnv.reference_answer` for the checker.
:meth:`TextEnv.spawn` makes a twin for another concurrent episode (a served session, :mod:`kernelgym.serve`).
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

import gymnasium
from gymnasium import spaces

MAX_TEXT = 1_000_000


def env_id_problem(env_id: Any) -> str | None:
    """What is wrong with an environment id (``namespace/name-v0``), or None when it is well formed."""
    if isinstance(env_id, str) and re.fullmatch(r"[\w.-]+/[\w.-]+-v\d+", env_id):
        return None
    return f"environment ids look like 'namespace/name-v0', not {env_id!r}"


def charset() -> str:
    """Every printable character of the Basic Multilingual Plane and the usual whitespace: a completion or a
    prompt is arbitrary text, and Gymnasium's Text space needs an explicit character set."""
    return "".join(chr(c) for c in range(0x20, 0xD800) if chr(c).isprintable()) + "\n\t\r"


_TEXT_SPACE: spaces.Text | None = None


def text_space() -> spaces.Text:
    """The Text space of prompts and completions (built once: a space over this character set costs ~0.5 s)."""
    global _TEXT_SPACE
    if _TEXT_SPACE is None:
        _TEXT_SPACE = spaces.Text(max_length=MAX_TEXT, min_length=0, charset=charset())
    return _TEXT_SPACE


@dataclass(frozen=True)
class Task:
    """One prompt of an environment.

    Attributes:
        task_id: Unique within its environment (a problem key, a puzzle index, ...).
        prompt: The user message shown to the model.
        split: ``train``, ``validation`` or ``test``.
        columns: Extra dataset columns (JSON-serialisable) that describe the task, e.g. the expected answer.
    """

    task_id: str
    prompt: str
    split: str = "train"
    columns: dict[str, Any] = field(default_factory=dict)


@dataclass
class Graded:
    """The grader's verdict on one completion.

    Attributes:
        reward: The total reward.
        components: Component rewards in [0, 1] (``format``, ``correctness``, ...); absent when not measured.
        contributions: Each component's share of ``reward`` (weight times value, or 0 on a hack), so that
            they add up to ``reward``; TRL reward functions return these.
        solved: The task is solved (a multi-turn episode ends here).
        feedback: Short text for the model on what was wrong (shown in the next turn).
        record: The detailed grading record (a :class:`kernelgym.result.KernelResult` for kernels).
    """

    reward: float
    components: dict[str, float]
    contributions: dict[str, float]
    solved: bool
    feedback: str = ""
    record: Any = None


def weighted(components: dict[str, float], weights: dict[str, float], refused: bool = False,
             penalty: float = 0.0, *, solved: bool = False, feedback: str = "", record: Any = None) -> Graded:
    """A :class:`Graded` whose reward is the weighted sum of its components (``penalty`` when refused), with the
    verdict's ``solved``, ``feedback`` and ``record``.

    >>> weighted({"format": 1.0, "correct": 0.5}, {"format": 0.2, "correct": 0.8}).reward
    0.6000000000000001
    >>> weighted({"correct": 1.0}, {"correct": 1.0}, solved=True, record="r").solved
    True
    """
    if refused:
        contributions = {name: 0.0 for name in components}
        if contributions:
            contributions[next(iter(contributions))] = penalty
    else:
        contributions = {name: weights.get(name, 0.0) * value for name, value in components.items()}
    return Graded(reward=sum(contributions.values()), components=dict(components), contributions=contributions,
                  solved=solved, feedback=feedback, record=record)


def discounted_returns(rewards: list[float], gamma: float = 1.0) -> list[float]:
    """Return-to-go of each turn of a multi-turn episode: ``G_t = r_t + gamma * G_{t+1}``.

    Kevin-32B-style refinement credits an early attempt with the rewards of the attempts it led to; ``gamma``
    (for example 0.4) sets how much.

    >>> discounted_returns([0.1, 0.3, 1.0], gamma=0.5)
    [0.5, 0.8, 1.0]
    """
    returns, running = [], 0.0
    for reward in reversed(rewards):
        running = reward + gamma * running
        returns.append(running)
    return returns[::-1]


@dataclass(frozen=True)
class Episode:
    """A snapshot of an environment's current episode.

    Attributes:
        task_id: The episode's task ("" before the first ``reset``).
        turn: Attempts made so far.
        done: The episode is over, or has not started.
        messages: The conversation so far.
    """

    task_id: str
    turn: int
    done: bool
    messages: list[dict[str, str]]


class EpisodeError(RuntimeError):
    """``step`` was called out of order (before ``reset``, or after the episode ended)."""


class TextEnv(gymnasium.Env):
    """Base class of KernelGym environments: text in, text out, one task per episode.

    Subclasses must set :attr:`env_id` and :attr:`component_names` and implement :meth:`load_tasks` and
    :meth:`grade`.

    Args:
        max_turns: Attempts per episode. With more than one, a failed attempt returns the grader's feedback as
            the observation and the episode goes on until the task is solved or the turns run out (truncated).
        split: Only tasks of this split are drawn by :meth:`reset` (None: every task).
        continue_after_correct: With ``max_turns > 1``, a correct attempt does not end the episode: the
            observation is :meth:`improve_prompt` (for kernels, what was measured about its speed) and the episode
            goes on until the turns run out; it then ends ``terminated`` if the last attempt was correct,
            ``truncated`` if not.
    """

    metadata = {"render_modes": []}
    env_id: str = ""  # must be set by subclasses
    component_names: tuple[str, ...] = ()  # must be set by subclasses
    # The system message that evaluation sends before each prompt (None: none); rows() carry it too, so a
    # training reward and a benchmark score are earned on the same input.
    system_prompt: str | None = None
    # Grading is plain Python over the completion, bounded and fast (well under a millisecond): a server may grade
    # it in its event loop instead of handing it to a thread (kernelgym.serve). Never for sandboxed or remote graders.
    grades_inline: bool = False

    def __init__(self, max_turns: int = 1, split: str | None = None, continue_after_correct: bool = False):
        if max_turns < 1:
            raise ValueError(f"max_turns must be at least 1, not {max_turns}")
        self.max_turns = max_turns
        self.continue_after_correct = bool(continue_after_correct)
        self.split = _checked_split(split)
        self.observation_space = self.action_space = text_space()
        self._tasks: list[Task] | None = None
        self._task: Task | None = None
        self._turn = 0
        self._done = True
        self._messages: list[dict[str, str]] = []

    # --- what subclasses provide ---------------------------------------------------------------------
    def load_tasks(self) -> list[Task]:
        """Every task of the environment, in a stable order."""
        raise NotImplementedError

    def grade(self, task: Task, completion: str) -> Graded:
        """Grade one completion; never raises for a bad completion."""
        raise NotImplementedError

    def grade_many(self, pairs: list[tuple[Task, str]]) -> list[Graded]:
        """Grade a batch, results in order (override to grade in parallel)."""
        return [self.grade(task, completion) for task, completion in pairs]

    def reference_answer(self, task: Task) -> str | None:
        """A completion known to solve the task, or None if the environment has none."""
        return None

    def refine_prompt(self, task: Task, graded: Graded) -> str:
        """The observation after a failed attempt in a multi-turn episode."""
        return f"Your answer was not correct.\n\n{graded.feedback}\n\nTry again."

    def improve_prompt(self, task: Task, graded: Graded) -> str:
        """The observation after a correct attempt, in an episode that goes on (``continue_after_correct``)."""
        return f"Your answer was correct.\n\n{graded.feedback}\n\nTry to improve it."

    def spawn(self) -> "TextEnv":
        """A twin for one more concurrent episode (a served session): it shares this environment's tasks, grader
        and settings, which are read-only once loaded, and has its own episode state and random generator."""
        self.tasks()
        twin = copy.copy(self)
        twin._task, twin._turn, twin._done, twin._messages = None, 0, True, []
        twin._np_random, twin._np_random_seed = None, None
        return twin

    @property
    def episode(self) -> "Episode":
        """Where the current episode stands (a snapshot)."""
        return Episode(task_id=self._task.task_id if self._task else "", turn=self._turn, done=self._done,
                       messages=list(self._messages))

    # --- tasks and rows ------------------------------------------------------------------------------
    def tasks(self, split: str | None = None) -> list[Task]:
        """The environment's tasks, optionally of one split."""
        _checked_split(split)
        if self._tasks is None:
            self._tasks = self.load_tasks()
            ids = [t.task_id for t in self._tasks]
            if len(set(ids)) != len(ids):
                raise ValueError(f"{self.env_id}: task ids are not unique")
        return [t for t in self._tasks if split is None or t.split == split]

    def task(self, task_id: str) -> Task:
        """The task with this id."""
        for task in self.tasks():
            if task.task_id == task_id:
                return task
        raise KeyError(f"{self.env_id} has no task {task_id!r}")

    def rows(self, split: str | None = "train") -> list[dict[str, Any]]:
        """Dataset rows in TRL's conversational format: ``prompt`` (a list of messages: the
        :attr:`system_prompt` if set, then the task's prompt as the user message), ``env_id``, ``task_id`` and the
        task's columns."""
        return [{"prompt": self.opening(t), "env_id": self.env_id, "task_id": t.task_id, **t.columns}
                for t in self.tasks(split)]

    def opening(self, task: Task) -> list[dict[str, str]]:
        """The messages that start an episode of ``task``: the :attr:`system_prompt` if set, then the prompt."""
        from ..prompts import chat

        return chat(self.system_prompt, task.prompt)

    def dataset(self, split: str | None = "train"):
        """:meth:`rows` as a ``datasets.Dataset``, ready for TRL's ``GRPOTrainer`` and ``SFTTrainer``."""
        try:
            from datasets import Dataset
        except ImportError as exc:  # pragma: no cover - datasets ships with the train extra
            raise ImportError("env.dataset() needs the `datasets` package: pip install 'kernelgym[train]'") from exc
        return Dataset.from_list(self.rows(split))

    def reward_funcs(self) -> list:
        """TRL reward functions, one per component, sharing one grading per completion
        (:mod:`kernelgym.trl_rewards`)."""
        from ..trl_rewards import reward_funcs

        return reward_funcs(self)

    # --- Gymnasium -----------------------------------------------------------------------------------
    def reset(self, *, seed: int | None = None, options: dict | None = None) -> tuple[str, dict]:
        """Start an episode on a task: ``options={"task_id": ...}`` picks one, else one is drawn with the seed.

        Returns:
            The prompt and ``info`` with ``env_id``, ``task_id`` and ``turn``.
        """
        super().reset(seed=seed)
        options = options or {}
        if "task_id" in options:
            self._task = self.task(str(options["task_id"]))
        else:
            pool = self.tasks(self.split)
            if not pool:
                raise ValueError(f"{self.env_id} has no tasks in split {self.split!r}")
            self._task = pool[int(self.np_random.integers(len(pool)))]
        self._turn, self._done = 0, False
        self._messages = self.opening(self._task)
        return self._task.prompt, {"env_id": self.env_id, "task_id": self._task.task_id, "turn": 0}

    def step(self, action: str) -> tuple[str, float, bool, bool, dict]:
        """Grade one attempt.

        Returns:
            ``(observation, reward, terminated, truncated, info)``: the observation is the feedback prompt for
            the next attempt ("" when the episode is over); ``terminated`` when solved (with
            ``continue_after_correct``: when the last turn was solved); ``truncated`` when the turns ran out;
            ``info`` holds ``components``, ``contributions``, ``result`` (the grading record), ``feedback``,
            ``turn`` and ``messages`` (the conversation so far).

        Raises:
            EpisodeError: Before :meth:`reset`, or after the episode ended.
        """
        if self._task is None or self._done:
            raise EpisodeError(f"{self.env_id}: call reset() before step(); the episode "
                               f"{'has not started' if self._task is None else 'is over'}")
        if not isinstance(action, str):
            raise TypeError(f"the action is the completion text (str), not {type(action).__name__}")
        graded = self.grade(self._task, action)
        self._turn += 1
        last = self._turn >= self.max_turns
        terminated = graded.solved and (last or not self.continue_after_correct)
        truncated = not terminated and last
        self._done = terminated or truncated
        if self._done:
            observation = ""
        elif graded.solved:
            observation = self.improve_prompt(self._task, graded)
        else:
            observation = self.refine_prompt(self._task, graded)
        self._messages.append({"role": "assistant", "content": action})
        if observation:
            self._messages.append({"role": "user", "content": observation})
        info = {"env_id": self.env_id, "task_id": self._task.task_id, "turn": self._turn,
                "components": graded.components, "contributions": graded.contributions, "result": graded.record,
                "feedback": graded.feedback, "messages": list(self._messages)}
        return observation, graded.reward, terminated, truncated, info


def _checked_split(split: str | None) -> str | None:
    """``split`` itself, when it is None or one of the splits; otherwise a ValueError that lists them."""
    from ..problem import SPLITS

    if split is not None and split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)} (or None for every task), not {split!r}")
    return split
