"""The one record that graders with something to explain return beside their score."""
from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Grade:
    """A score and why.

    Attributes:
        score: The reward, a finite float (in [0, 1] for every grader in this package except ``multi``, whose
            range is whatever its formula makes it).
        reason: Short text for the user (and, in a multi-turn episode, the model): what was found or what failed.
            Empty when there is nothing to say.
        answer: The part of the completion that was graded (the extracted final answer, the expression, the
            judge's reply), or None where nothing was found.
    """

    score: float
    reason: str = ""
    answer: str | None = None


def clip_unit(value: float) -> float:
    """``value`` clipped to [0, 1]; NaN becomes 0.

    >>> clip_unit(1.7), clip_unit(-2), clip_unit(float("nan"))
    (1.0, 0.0, 0.0)
    """
    value = float(value)
    if math.isnan(value):
        return 0.0
    return min(1.0, max(0.0, value))
