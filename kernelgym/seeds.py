"""Where a grading's random seeds come from: secret by default, reproducible when asked.

Every input, every reference model's initialisation and every poison byte of a grading is drawn from one
:class:`SeedSource`. By default it reads the operating system's secret source, so an answer can never be tuned to
the inputs it will see. With a grading seed (``GraderConfig(seed=S)``, ``--grading-seed S``) it is a stream derived
from ``S`` and the problem (its name and source), so the same answer to the same problem gets the same record on the
same machine, whatever else is graded beside it or in which order.
"""
from __future__ import annotations

import contextlib
import hashlib
import random
import secrets
from typing import Sequence, TypeVar

T = TypeVar("T")


class SeedSource:
    """The seeds of one grading.

    Args:
        grading_seed: None for secret seeds; an integer for a reproducible stream.
        problem_name: The problem's name (part of the stream's key).
        problem_source: The problem file's text (part of the stream's key: an edited problem gets new seeds).
    """

    def __init__(self, grading_seed: int | None, problem_name: str = "", problem_source: str = ""):
        self._rng: random.Random | None = None
        if grading_seed is not None:
            digest = hashlib.sha256(f"{grading_seed}\0{problem_name}\0{problem_source}".encode()).hexdigest()
            self._rng = random.Random(digest)

    @property
    def reproducible(self) -> bool:
        return self._rng is not None

    def seed(self) -> int:
        """A 31-bit seed for torch's generator."""
        return secrets.randbits(31) if self._rng is None else self._rng.getrandbits(31)

    def choice(self, options: Sequence[T]) -> T:
        """One of ``options``."""
        return secrets.choice(options) if self._rng is None else self._rng.choice(options)


@contextlib.contextmanager
def callers_random_state():
    """Let the block seed and draw from torch's global generators, then give the caller back the states it had.

    Without it every grading would reseed the process's generator with the grading's (secret) seed: a trainer that
    grades between two generations would sample from the grader's seed, and two runs with the same seed would
    differ. CUDA generators are kept where CUDA is initialised (seeding an uninitialised device only queues it).

    >>> import torch
    >>> _ = torch.manual_seed(0); expected = torch.rand(2)
    >>> _ = torch.manual_seed(0)
    >>> with callers_random_state():
    ...     _ = torch.manual_seed(12345)
    >>> torch.equal(torch.rand(2), expected)
    True
    """
    import torch

    devices = list(range(torch.cuda.device_count())) if torch.cuda.is_initialized() else []
    with torch.random.fork_rng(devices=devices):
        yield
