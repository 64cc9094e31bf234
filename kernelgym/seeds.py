"""Where a grading's random seeds come from: secret by default, reproducible when asked.

Every input, every reference model's initialisation and every poison byte of a grading is drawn from one
:class:`SeedSource`. By default it reads the operating system's secret source, so an answer can never be tuned to
the inputs it will see. With a grading seed (``GraderConfig(seed=S)``, ``--grading-seed S``) it is a stream derived
from ``S`` and the problem (its name and source), so the same answer to the same problem gets the same record on the
same machine, whatever else is graded beside it or in which order.
"""
from __future__ import annotations

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
