"""Executors: where a batch of gradings runs. ``local`` (this machine's warm sandbox pool) or ``ray`` (a cluster).

Every executor grades with the same sandboxed :class:`kernelgym.grader.Grader`, so the results do not depend on
where they were computed. Bench runs, environments and training reward functions take an executor by name.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Protocol

from .grader import Grader, GraderConfig
from .problem import Problem
from .result import KernelResult


class Executor(Protocol):
    """Grades batches of ``(problem, completion)`` pairs, results in input order."""

    def grade_many(self, items: list[tuple[Problem, str]], allow_plain_source: bool = False) -> list[KernelResult]:
        ...

    def close(self) -> None: ...


class LocalExecutor:
    """Grades on this machine: one warm grader with up to ``workers`` zygotes per mode and ``workers`` sandboxed
    children in flight at once (see :class:`kernelgym.sandbox.pool.ZygotePool`).

    Args:
        config: Grader settings.
        workers: Gradings in parallel, and warm zygotes per mode (default: ``config.workers``, else the number of
            cores).
        grader: An existing grader to use instead of starting one.
    """

    def __init__(self, config: GraderConfig | None = None, workers: int | None = None, grader: Grader | None = None):
        config = config or GraderConfig()
        config = replace(config, workers=workers or config.workers)
        self.grader = grader or Grader(config)
        self._owns = grader is None

    def grade_many(self, items: list[tuple[Problem, str]], allow_plain_source: bool = False) -> list[KernelResult]:
        """Grade ``(problem, completion)`` pairs; results in input order."""
        return self.grader.grade_many(items, allow_plain_source=allow_plain_source)

    def close(self) -> None:
        if self._owns:
            self.grader.close()


EXECUTORS = ("local", "ray")


def make_executor(name: str = "local", config: GraderConfig | None = None, workers: int | None = None,
                  **options) -> Executor:
    """Build an executor by name (``local`` or ``ray``); ``options`` go to the executor's constructor."""
    if name == "local":
        return LocalExecutor(config, workers=workers)
    if name == "ray":
        from .ray_executor import RayExecutor

        return RayExecutor(config, workers=workers, **options)
    raise ValueError(f"unknown executor {name!r}; choose one of {', '.join(EXECUTORS)}")
