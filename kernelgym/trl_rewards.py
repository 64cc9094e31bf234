"""Environments as TRL reward functions and datasets, with one grading per completion.

TRL's ``GRPOTrainer`` calls every reward function on the same batch, with the dataset's columns as keyword
arguments, and logs each as ``rewards/<function name>/mean``. KernelGym gives one function per reward component
(``format``, ``compile``, ``correctness``, ...), each returning that component's share of the environment's reward,
so that their sum is the environment's reward and TRL's reward weights stay at 1. All functions share one
:class:`RewardRouter`, which grades each ``(env_id, task_id, completion)`` once (the first function to see a batch
grades it, in parallel) and caches the verdict, so a kernel never runs once per component.

Rows from several environments can be mixed in one dataset (:func:`mixture`); each row's ``env_id`` column routes
it, and a function returns None for rows of other environments, as TRL expects.
"""
from __future__ import annotations

import collections
import random
import threading
import time
from typing import TYPE_CHECKING, Any, Callable, Sequence

if TYPE_CHECKING:  # types only: the environments import this module for their reward_funcs()
    from .envs.core import Graded, TextEnv

RewardFunc = Callable[..., list[float | None]]


def completion_text(completion: Any) -> str:
    """The text of a TRL completion: a string, or a conversational list of messages (the assistant's content).

    >>> completion_text([{"role": "assistant", "content": "42"}])
    '42'
    """
    if isinstance(completion, str):
        return completion
    if isinstance(completion, list):
        parts = [m.get("content", "") for m in completion if isinstance(m, dict) and m.get("role") == "assistant"]
        return "".join(p for p in parts if isinstance(p, str))
    return str(completion)


class RewardRouter:
    """Grades completions for a set of environments, once each, and hands out TRL reward functions.

    Args:
        envs: The environments whose rows may appear in a batch (distinct ``env_id`` each).
        cache_size: Verdicts kept (least recently used are dropped).
    """

    def __init__(self, envs: Sequence[TextEnv], cache_size: int = 65536):
        self.envs = {env.env_id: env for env in envs}
        if len(self.envs) != len(envs):
            raise ValueError("environments in one router need distinct env_id values")
        self._cache: collections.OrderedDict[tuple, Graded] = collections.OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()
        self.gradings = 0  # completions actually graded (cache misses)
        self.grading_s = 0.0  # wall-clock seconds spent in the environments' grade_many
        self.sandboxed = 0  # of the gradings, kernel answers that ran in the sandbox (not refused before running)
        self.samples = 0  # completions scored (each batch counted once, cache hits included)
        self.solved = 0  # of which solved their task

    def reward_funcs(self) -> list[RewardFunc]:
        """One function per (environment, component); named ``component`` for a single environment and
        ``<env name>/<component>`` for a mixture."""
        prefix = len(self.envs) > 1
        funcs = []
        for env_id, env in self.envs.items():
            for index, component in enumerate(env.component_names):
                name = f"{env_id.split('/')[-1]}/{component}" if prefix else component
                funcs.append(self._make_func(env_id, component, name, tally=index == 0))
        return funcs

    def _make_func(self, env_id: str, component: str, name: str, tally: bool = False) -> RewardFunc:
        def reward(prompts=None, completions=None, **kwargs) -> list[float | None]:
            verdicts = self.grade_batch(completions or [], kwargs.get("env_id"), kwargs.get("task_id"), env_id)
            if tally:  # one function per environment counts the batch's verdicts, so each is counted once
                scored = [v for v in verdicts if v is not None]
                with self._lock:
                    self.samples += len(scored)
                    self.solved += sum(v.solved for v in scored)
            return [None if v is None else v.contributions.get(component) for v in verdicts]

        reward.__name__ = reward.__qualname__ = name
        reward.__doc__ = f"TRL reward function: the {component!r} share of {env_id}'s reward."
        return reward

    def grade_batch(self, completions: list, env_ids: list | None, task_ids: list | None,
                    only: str) -> list[Graded | None]:
        """Verdicts for the rows of one environment (None for other rows), grading the missing ones together."""
        if task_ids is None:
            raise ValueError("the dataset needs a task_id column (use env.rows() or kernelgym.trl_rewards.mixture)")
        env_ids = env_ids if env_ids is not None else [only] * len(completions)
        keys = [(e, str(t), completion_text(c)) for e, t, c in zip(env_ids, task_ids, completions)]
        env = self.envs[only]
        with self._lock:
            missing = list(dict.fromkeys(k for k in keys if k[0] == only and k not in self._cache))
        if missing:
            started = time.monotonic()
            graded = env.grade_many([(env.task(task_id), text) for _, task_id, text in missing])
            with self._lock:
                self.grading_s += time.monotonic() - started
                self.gradings += len(missing)
                self.sandboxed += sum("run_s" in getattr(v.record, "timings", {}) for v in graded)
                for key, verdict in zip(missing, graded):
                    self._cache[key] = verdict
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        with self._lock:
            return [self._cache.get(k) if k[0] == only else None for k in keys]


def reward_funcs(*envs: TextEnv) -> list[RewardFunc]:
    """TRL reward functions for one environment or a mixture (see :class:`RewardRouter`)."""
    return RewardRouter(list(envs)).reward_funcs()


# The columns of a mixture's rows: the router finds everything else from the task.
ROW_KEYS = ("prompt", "env_id", "task_id")


def check_weights(weights: Sequence[float], count: int) -> None:
    """Raises ValueError unless ``weights`` holds ``count`` non-negative numbers, not all zero."""
    if len(weights) != count or any(w < 0 for w in weights) or not sum(weights):
        raise ValueError("give one non-negative weight per environment, not all zero")


def shares(weights: Sequence[float], total: int) -> list[int]:
    """Rows per environment: ``total`` split in proportion to ``weights``, each share rounded, the rounding
    remainder given to the last environment with a non-zero weight, so the shares sum to ``total``.

    >>> shares([1, 1, 1], 10)
    [3, 3, 4]
    >>> shares([1, 0], 5), shares([2, 1], 0)
    ([5, 0], [0, 0])

    Raises:
        ValueError: The weights are not one non-negative number per environment, not all zero.
    """
    weights = list(weights)
    check_weights(weights, len(weights))
    counts = [round(total * w / sum(weights)) for w in weights]
    last = max(i for i, w in enumerate(weights) if w > 0)
    counts[last] += total - sum(counts)
    if counts[last] < 0:  # rounding up earlier shares overshot what the last one can give back
        counts = [int(total * w / sum(weights)) for w in weights]
        counts[last] += total - sum(counts)
    return counts


def mixture(envs: Sequence[TextEnv], weights: Sequence[float] | None = None, split: str | None = "train",
            size: int | None = None, seed: int = 0) -> list[dict[str, Any]]:
    """Rows from several environments, shuffled, in proportion to ``weights``.

    Rows keep only :data:`ROW_KEYS` (``prompt``, ``env_id`` and ``task_id``; the router finds everything else from
    the task), so environments with different columns mix in one table. The environments' shares of the rows are
    :func:`shares` (they sum to ``size``).

    Args:
        envs: The environments.
        weights: Relative share of each (default: equal).
        split: Split of the tasks drawn.
        size: Total rows (default: as many as all the environments' rows together). An environment asked for
            more rows than it has tasks repeats them in rounds, each round a new shuffle.
        seed: Shuffle seed.
    """
    weights = list(weights) if weights is not None else [1.0] * len(envs)
    check_weights(weights, len(envs))
    tables = [[{k: row[k] for k in ROW_KEYS} for row in env.rows(split)] for env in envs]
    total = size if size is not None else sum(len(t) for t in tables)
    rng = random.Random(seed)
    rows: list[dict] = []
    for table, want in zip(tables, shares(weights, total)):
        if want and not table:
            raise ValueError(f"an environment has no rows in split {split!r}")
        while want > 0:
            batch = table[:]
            rng.shuffle(batch)
            rows.extend(batch[:want])
            want -= len(batch[:want])
    rng.shuffle(rows)
    return rows
