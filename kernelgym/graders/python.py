"""OpenAI's Python grader: user-written ``grade(sample, item) -> float`` run in KernelGym's sandbox.

The code runs exactly where kernel candidates run: a child forked from a warm zygote (the ``compile`` zygote,
which a grader on a CPU machine already keeps for compile checks; a lighter mode without torch would need a second
warm process and gains nothing per call, since a fork costs the same), with its scrubbed environment, rlimits, PID,
network and mount namespaces, and a wall-clock limit enforced from outside; plus Landlock, which lets it read
nothing but Python's installation and its own working directory (see :mod:`kernelgym.sandbox.script`).

Only JSON crosses: ``sample`` and ``item`` go in as JSON, the score comes back as a number, which must be finite
and is clipped to [0, 1]. An exception, a timeout, a crash or a return value that is not a number scores 0.0 with
the reason. ``bool`` counts as a number (``return answer == expected`` is a common grader).

``sample`` is what OpenAI passes: ``{"output_text": ..., "output_json": ...}``; a plain string is taken as
``output_text``. ``item`` is the dataset row.
"""
from __future__ import annotations

import ast
import json
import math
import secrets
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .result import Grade, clip_unit
from .templates import sample_of

if TYPE_CHECKING:
    from ..sandbox.protocol import Score

DEFAULT_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class SandboxedGrade(Grade):
    """A :class:`Grade` from the sandbox, with the isolation layers that took effect for it.

    Attributes:
        isolation: Layer names, as in :attr:`kernelgym.result.KernelResult.isolation`, plus
            ``landlock_filesystem`` and ``landlock_network`` where Landlock confined the grader.
    """

    isolation: tuple[str, ...] = ()


class PythonGrader:
    """A user-written grader, callable as ``grader(sample, item) -> float``.

    Args:
        source: Python source that defines ``def grade(sample: dict, item: dict) -> float`` at top level.
        sandbox: A :class:`kernelgym.grader.Grader` whose warm zygotes, timeout (``config.timeout_s``) and limits
            (``config.limits``) to use. By default the grader starts its own, with a 10 s timeout; call
            :meth:`close` (or use ``with``) to stop it.

    Raises:
        ValueError: ``source`` does not parse or defines no top-level ``grade`` (a bug in the config).

    >>> with PythonGrader("def grade(sample, item):\\n    return sample['output_text'] == item['answer']") as g:
    ...     g({"output_text": "42"}, {"answer": "42"}), g("41", {"answer": "42"})
    (1.0, 0.0)
    """

    def __init__(self, source: str, sandbox=None):
        from .. import safe_ast

        try:
            tree = safe_ast.parse(source)
        except SyntaxError as exc:
            raise ValueError(f"the grader source does not parse: line {exc.lineno}: {exc.msg}") from None
        if not any(isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == "grade"
                   for node in tree.body):
            raise ValueError("the grader source must define `def grade(sample, item) -> float` at top level")
        self.source = source
        self._sandbox = sandbox
        self._owned = sandbox is None
        self._lock = threading.Lock()

    def __enter__(self) -> "PythonGrader":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Stop the sandbox's zygotes if this grader started them."""
        with self._lock:
            if self._owned and self._sandbox is not None:
                self._sandbox.close()
                self._sandbox = None

    @property
    def sandbox(self):
        """The :class:`kernelgym.grader.Grader` that runs the code (started on first use when not given)."""
        with self._lock:
            if self._sandbox is None:
                from ..grader import Grader, GraderConfig

                self._sandbox = Grader(GraderConfig(timeout_s=DEFAULT_TIMEOUT_S))
            return self._sandbox

    def __call__(self, sample: dict | str, item: dict) -> float:
        return self.details(sample, item).score

    def details(self, sample: dict | str, item: dict) -> SandboxedGrade:
        """The score, why, and the isolation layers that took effect.

        Raises:
            TypeError: ``sample`` or ``item`` is not JSON-serialisable.
        """
        from ..result import KernelResult
        from ..sandbox.protocol import Envelope, Score, ScriptJob

        try:
            payload = json.dumps({"sample": sample_of(sample), "item": item}, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"sample and item must be JSON-serialisable: {exc}") from None
        sandbox = self.sandbox
        job = ScriptJob(kind="python", source=self.source, workdir="", secret=secrets.token_hex(16),
                        limits=sandbox.config.limits, payload=payload)
        record = KernelResult(problem="python_grader")  # carries the session's failure and isolation layers
        reply = None
        for header, _ in sandbox.sandbox.session("compile", job, record):
            if Envelope.from_header(header).kind == Score.KIND and reply is None:
                reply = Score.from_header(header)
        layers = tuple(record.isolation) + (reply.isolation if reply is not None else ())
        score, reason = _verdict(record, reply, sandbox.config.timeout_s)
        return SandboxedGrade(score, reason, None, layers)


def _verdict(record, reply: Score | None, timeout_s: float) -> tuple[float, str]:
    """(score, reason) from the session's record and the child's ``score`` message (validated on arrival by
    :class:`kernelgym.sandbox.protocol.Score`)."""
    if record.failure == "timeout":
        return 0.0, f"grade() ran past the {timeout_s:g} s limit and was killed"
    if record.failure:
        return 0.0, f"the grader's process died before sending a score: {record.error}"
    if reply is None:
        return 0.0, "the grader's process sent no score"
    if reply.error is not None:
        return 0.0, f"grade() raised: {reply.error}"
    if reply.returned is not None:
        return 0.0, f"grade() returned {reply.returned}, not a number"
    value = reply.score
    if value is None:
        return 0.0, "the grader's process sent a malformed score"
    if not math.isfinite(value):
        return 0.0, f"grade() returned {value}, not a finite number"
    clipped = clip_unit(value)
    return clipped, "" if clipped == value else f"grade() returned {value:g}; clipped to [0, 1]"


def python_grader(source: str, sample: dict | str, item: dict, sandbox=None) -> float:
    """Run ``grade(sample, item)`` from ``source`` once in the sandbox; see :class:`PythonGrader`.

    Without ``sandbox`` this starts and stops a warm zygote (seconds); keep a :class:`PythonGrader` or pass a
    :class:`kernelgym.grader.Grader` to grade many samples.

    >>> python_grader("def grade(sample, item):\\n    return len(sample['output_text']) / 10", "hello", {})
    0.5
    """
    with PythonGrader(source, sandbox) as grader:
        return grader(sample, item)
