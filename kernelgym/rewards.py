"""Reward composition: pure functions from a grading record to component rewards and a total.

The same functions serve training and evaluation, so a reported score and a training reward mean the same thing.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from .field_checks import flag, number
from .result import KernelResult


@dataclass(frozen=True)
class RewardWeights:
    """Weights of the reward components; the total is their weighted sum, and 0 (or ``hack_penalty``) on a hack.

    Attributes:
        format: Weight of a well-formed answer.
        compile: Weight of kernels that compile for the GPU target.
        correctness: Weight of the fraction of tests passed (partial credit), counted only when compiled.
        speed: Weight of the speed component, only where speed was measured (on a GPU).
        speed_cap: Speedup at which the speed component saturates at 1.
        hack_penalty: Total reward of an answer flagged as a hack.
        speed_proxy: Where speed was not measured (no GPU), use ``traffic_efficiency`` (minimum bytes over bytes
            the kernels moved under the interpreter) as the speed component of a correct answer. A deterministic
            proxy, not a measurement; off by default.
    """

    format: float = 0.1
    compile: float = 0.2
    correctness: float = 0.7
    speed: float = 0.5
    speed_cap: float = 4.0
    hack_penalty: float = 0.0
    speed_proxy: bool = False

    def __post_init__(self):
        """Refuse a weight that is not a number, naming it (a cap of 1 or less would divide by log2(1) = 0)."""
        for name in ("format", "compile", "correctness", "speed"):
            number(self, name, minimum=0)
        number(self, "speed_cap", above=1)
        number(self, "hack_penalty")
        flag(self, "speed_proxy")


DEFAULT_WEIGHTS = RewardWeights()


def components(result: KernelResult, weights: RewardWeights = DEFAULT_WEIGHTS) -> dict[str, float]:
    """Component rewards in [0, 1]; ``speed`` is present only where it was measured.

    >>> components(KernelResult(format_ok=True, compiled=True, tests_passed=3, tests_total=4))
    {'format': 1.0, 'compile': 1.0, 'correctness': 0.75}

    With ``speed_proxy`` on, a correct answer graded without a GPU gets its traffic efficiency as ``speed``:

    >>> components(KernelResult(format_ok=True, compiled=True, correct=True, tests_passed=4, tests_total=4,
    ...                         traffic_efficiency=0.5), RewardWeights(speed_proxy=True))["speed"]
    0.5
    """
    parts = {
        "format": float(result.format_ok),
        "compile": float(result.compiled),
        "correctness": result.tests_passed / result.tests_total if result.compiled and result.tests_total else 0.0,
    }
    if result.speedup is not None:
        parts["speed"] = speed_component(result.speedup, weights.speed_cap) if result.correct else 0.0
    elif weights.speed_proxy and result.traffic_efficiency is not None:
        parts["speed"] = result.traffic_efficiency if result.correct else 0.0
    return parts


def speed_component(speedup: float, cap: float = DEFAULT_WEIGHTS.speed_cap) -> float:
    """log2(speedup) / log2(cap), clipped to [0, 1]: no credit for being slower, saturating at ``cap``.

    >>> speed_component(2.0, cap=4.0)
    0.5
    """
    if speedup <= 1.0:
        return 0.0
    return min(1.0, math.log2(speedup) / math.log2(cap))


def total_reward(result: KernelResult, weights: RewardWeights = DEFAULT_WEIGHTS) -> float:
    """The weighted total, or ``weights.hack_penalty`` when any hack was flagged."""
    if result.hacks:
        return weights.hack_penalty
    parts = components(result, weights)
    return sum(getattr(weights, name) * value for name, value in parts.items())
