"""A deliberately simple text environment, for showing in minutes on a CPU that the training loop learns.

``kernelgym/repeat-digit-v0`` asks for one digit written a given number of times (``Write the digit 7 exactly 4
times.`` -> ``7777``). A randomly initialised tiny model (:mod:`kernelgym.agents.tiny`) starts near zero reward and
climbs within a few hundred GRPO steps, because the reward gives partial credit at every level: any digit at all,
the asked digit, and stopping at the right length. It is a smoke test for the recipe,
not a benchmark.
"""
from __future__ import annotations

from ..registry import register
from .core import Graded, Task, TextEnv, weighted

DIGITS = "0123456789"
COUNTS = range(2, 7)
WEIGHTS = {"digits": 0.2, "copy": 0.4, "length": 0.4}


def score(completion: str, target: str) -> dict[str, float]:
    """The components of one answer: the share of its characters that are digits, the share that are the asked
    digit, and how close its length is to the target's (shorter over longer).

    >>> score("7777", "7777")
    {'digits': 1.0, 'copy': 1.0, 'length': 1.0}
    >>> score("77x", "7777")
    {'digits': 0.6666666666666666, 'copy': 0.6666666666666666, 'length': 0.75}
    """
    text = completion.strip()
    if not text:
        return {"digits": 0.0, "copy": 0.0, "length": 0.0}
    return {"digits": sum(c in DIGITS for c in text) / len(text),
            "copy": sum(c == target[0] for c in text) / len(text),
            "length": min(len(text), len(target)) / max(len(text), len(target))}


def split_of(digit: int, count: int) -> str:
    """The split of a task: every digit and every count appear in each split, in different combinations
    (``(digit + count) % 5``: 0 is validation, 1 is test, the rest train), so the held-out tasks test whether the
    model combines what it learned rather than recalls it.

    >>> [split_of(3, count) for count in COUNTS]
    ['validation', 'test', 'train', 'train', 'train']
    """
    bucket = (digit + count) % 5
    return "validation" if bucket == 0 else "test" if bucket == 1 else "train"


class RepeatDigitEnv(TextEnv):
    """Write one digit a given number of times.

    ## Description
    Fifty tasks: each digit 0-9 written 2 to 6 times (task id ``7x4``). Thirty are for training, ten for
    validation and ten for testing; every digit and every count appear in each split, in different combinations
    (:func:`split_of`).

    ## Action Space
    ``Text``: the answer, e.g. ``7777``; surrounding whitespace is ignored.

    ## Observation Space
    ``Text``: ``Write the digit 7 exactly 4 times.``; after a failed attempt in a multi-turn episode, the target
    length and what was wrong.

    ## Rewards
    ``0.2·digits + 0.4·copy + 0.4·length``: ``digits`` is the share of the answer's characters that are digits,
    ``copy`` the share that are the asked digit, ``length`` the shorter of answer and target lengths over the
    longer. The empty answer earns 0; only the exact answer earns 1.

    ## Episode End
    Terminated when the answer equals the target; truncated when ``max_turns`` attempts were made.

    ## Arguments
    - ``max_turns``: attempts per episode (1: single-turn).
    - ``split``: limits the tasks that ``reset`` draws.

    ## Version History
    - v0: first release.
    """

    env_id = "kernelgym/repeat-digit-v0"
    component_names = ("digits", "copy", "length")
    grades_inline = True

    def load_tasks(self) -> list[Task]:
        return [Task(task_id=f"{digit}x{count}", prompt=f"Write the digit {digit} exactly {count} times.",
                     split=split_of(int(digit), count), columns={"target": digit * count, "digit": digit,
                                                                 "count": count})
                for digit in DIGITS for count in COUNTS]

    def grade(self, task: Task, completion: str) -> Graded:
        target = task.columns["target"]
        solved = completion.strip() == target
        return weighted(score(completion, target), WEIGHTS, solved=solved,
                        feedback="" if solved else (f"Answer with exactly {len(target)} characters, all of them "
                                                    f"the digit {target[0]}."))

    def reference_answer(self, task: Task) -> str | None:
        return task.columns["target"]


# Registered when kernelgym.registry loads its plugin modules (a dictionary entry; nothing else runs).
register(RepeatDigitEnv.env_id, RepeatDigitEnv, override=True)
