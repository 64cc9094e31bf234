"""Countdown (TinyZero's task): reach a target number from given numbers with ``+ - * /`` and parentheses.

``kernelgym/countdown-v0`` generates its puzzles (no download): each is built backwards from a random expression
over the drawn numbers, so every puzzle has a known solution, and :func:`kernelgym.graders.countdown` grades the
answer with ``ast`` and exact fractions (never ``eval``).
"""
from __future__ import annotations

import random
from dataclasses import dataclass

from ..graders.countdown_game import CORRECT, countdown_details
from ..graders.text import answer_block
from ..problem import split_of
from ..registry import register
from .core import Graded, Task, TextEnv, weighted

WEIGHTS = {"format": 0.1, "correct": 0.9}
_BIG_NUMBERS = (25, 50, 75, 100)


@dataclass(frozen=True)
class Level:
    """How hard the puzzles of one difficulty are.

    Attributes:
        count: How many numbers are given.
        high: Numbers are drawn from 1 to ``high`` (inclusive).
        target_min: Smallest target.
        target_max: Largest target.
        big: Draw like the TV show: one to four of 25, 50, 75, 100 and the rest from 1 to 10 (``high`` unused).
    """

    count: int
    high: int
    target_min: int
    target_max: int
    big: bool = False


LEVELS: dict[int, Level] = {
    1: Level(count=3, high=10, target_min=1, target_max=50),
    2: Level(count=4, high=25, target_min=10, target_max=100),
    3: Level(count=4, high=99, target_min=10, target_max=100),  # TinyZero's setting
    4: Level(count=5, high=99, target_min=100, target_max=500),
    5: Level(count=6, high=10, target_min=100, target_max=999, big=True),  # the TV show's numbers round
}


@dataclass(frozen=True)
class Puzzle:
    """One generated puzzle.

    Attributes:
        numbers: The numbers given, in the order shown.
        target: The number to reach.
        solution: An expression over ``numbers`` that equals ``target``.
    """

    numbers: tuple[int, ...]
    target: int
    solution: str


def generate_puzzle(rng: random.Random, level: Level, use_all: bool = False, attempts: int = 10_000) -> Puzzle:
    """Draw numbers, combine them at random into an expression with a whole, positive value, and make that value
    the target (retrying until it lies in the level's range and is not simply one of the numbers).

    Args:
        rng: The random source (the puzzle is a pure function of its state).
        level: The difficulty.
        use_all: The solution uses every number (else at least two of them).
        attempts: Draws before giving up.

    Raises:
        RuntimeError: No puzzle in the level's range was found (a level that cannot be met).

    >>> puzzle = generate_puzzle(random.Random(0), LEVELS[3])
    >>> len(puzzle.numbers), 10 <= puzzle.target <= 100
    (4, True)
    """
    for _ in range(attempts):
        if level.big:
            bigs = rng.randint(1, 4)
            numbers = rng.sample(_BIG_NUMBERS, bigs) + [rng.randint(1, 10) for _ in range(level.count - bigs)]
            rng.shuffle(numbers)
        else:
            numbers = [rng.randint(1, level.high) for _ in range(level.count)]
        chosen = numbers[:] if use_all else rng.sample(numbers, rng.randint(2, len(numbers)))
        value, expression = _combine(rng, chosen)
        if value is not None and level.target_min <= value <= level.target_max and value not in numbers:
            return Puzzle(tuple(numbers), value, expression)
    raise RuntimeError(f"no Countdown puzzle found for {level} in {attempts} attempts")


def _combine(rng: random.Random, numbers: list[int]) -> tuple[int | None, str]:
    """Join the numbers pairwise with random operators whose results stay whole and positive."""
    pool = [(n, str(n)) for n in numbers]
    rng.shuffle(pool)
    while len(pool) > 1:
        (a, left), (b, right) = pool.pop(), pool.pop()
        if a < b:
            (a, left), (b, right) = (b, right), (a, left)
        options = [("+", a + b), ("*", a * b)]
        if a > b:
            options.append(("-", a - b))
        if b > 1 and a % b == 0:
            options.append(("/", a // b))
        symbol, value = rng.choice(options)
        pool.append((value, f"({left} {symbol} {right})"))
    value, expression = pool[0]
    return value, expression[1:-1] if expression.startswith("(") else expression


def countdown_prompt(numbers: tuple[int, ...], target: int, use_all: bool) -> str:
    """The task statement, with the answer format spelled out.

    >>> print(countdown_prompt((3, 5), 8, use_all=True).splitlines()[0])
    Using the numbers [3, 5], write an arithmetic expression that equals 8.
    """
    rule = ("Use each number exactly once." if use_all
            else "Use each number at most once; you do not have to use all of them.")
    return (f"Using the numbers [{', '.join(map(str, numbers))}], write an arithmetic expression that equals "
            f"{target}.\n"
            f"You may use +, -, * and / and parentheses. {rule} Write the numbers as they are given (no other "
            f"numbers, no powers, no unary minus).\n"
            f"Think it through if you like, then give your final answer as <answer>EXPRESSION</answer>, for "
            f"example <answer>(1 + 2) * 3</answer>.")


class CountdownEnv(TextEnv):
    """Reach a target number from a handful of numbers with ``+ - * /`` and parentheses.

    ## Description
    TinyZero's Countdown task. Each puzzle is generated from a random expression over the drawn numbers (so one
    solution is known) and graded by :func:`kernelgym.graders.countdown`, which parses the answer with ``ast``,
    allows only decimal integers from the given numbers, ``+ - * /`` and parentheses, and computes the value
    exactly with fractions: nothing the model writes is ever executed.

    ## Action Space
    ``Text``: the completion; the last ``<answer>EXPRESSION</answer>`` block is graded (an expression with
    ``= TARGET`` appended is accepted; the claimed value is ignored and the value computed).

    ## Observation Space
    ``Text``: the prompt (numbers, target, rules, answer format); after a failed attempt in a multi-turn episode,
    what was wrong (the value reached, a number used twice, a forbidden construct); "" at the end.

    ## Rewards
    ``0.1·format + 0.9·correct``, TinyZero's 1.0 / 0.1 / 0.0: ``format`` is 1 when the completion has a closed
    ``<answer>...</answer>`` block, whatever it holds (TinyZero's format score, the first signal GRPO gets from a
    model that cannot solve a puzzle yet); ``correct`` is 1 when the block holds a valid expression over the given
    numbers whose value is the target. A number not given, a name, a call or a division by zero is never correct,
    and nothing in the block is ever run. No answer block scores 0.

    ## Episode End
    Terminated when the expression reaches the target; truncated when ``max_turns`` attempts were made.

    ## Arguments
    - ``difficulty``: 1 to 5 (:data:`LEVELS`): 3 numbers up to 10 ... 6 numbers drawn as in the TV show with
      targets 100-999. Default 3, TinyZero's 4 numbers below 100.
    - ``size``: number of puzzles (default 1000).
    - ``seed``: generation seed; the puzzles are a pure function of ``(difficulty, size, seed, use_all)``, and
      puzzle ``i`` does not depend on ``size``.
    - ``use_all``: each number must be used exactly once (TinyZero's rule); by default at most once.
    - ``max_turns``, ``split``: as for every :class:`kernelgym.envs.core.TextEnv`. Each puzzle's split is a stable
      hash of its id (70/15/15).

    ## Version History
    - v0: first release.
    """

    env_id = "kernelgym/countdown-v0"
    component_names = ("format", "correct")
    grades_inline = True

    def __init__(self, difficulty: int = 3, size: int = 1000, seed: int = 0, use_all: bool = False,
                 max_turns: int = 1, split: str | None = None):
        super().__init__(max_turns=max_turns, split=split)
        if difficulty not in LEVELS:
            raise ValueError(f"difficulty must be one of {sorted(LEVELS)}, not {difficulty!r}")
        if size < 1:
            raise ValueError(f"size must be at least 1, not {size}")
        self.difficulty, self.size, self.seed, self.use_all = difficulty, size, seed, use_all

    def load_tasks(self) -> list[Task]:
        tasks = []
        for index in range(self.size):
            task_id = f"d{self.difficulty}-s{self.seed}-{index:05d}"
            rng = random.Random(f"countdown/{task_id}/{'all' if self.use_all else 'any'}")
            puzzle = generate_puzzle(rng, LEVELS[self.difficulty], self.use_all)
            tasks.append(Task(task_id=task_id, prompt=countdown_prompt(puzzle.numbers, puzzle.target, self.use_all),
                              split=split_of(f"countdown/{task_id}"),
                              columns={"numbers": list(puzzle.numbers), "target": puzzle.target,
                                       "solution": puzzle.solution}))
        return tasks

    def grade(self, task: Task, completion: str) -> Graded:
        numbers, target = task.columns["numbers"], task.columns["target"]
        block = answer_block(completion)
        if block is None:
            return weighted({"format": 0.0, "correct": 0.0}, WEIGHTS, feedback="No <answer>...</answer> block: give "
                            "your final answer as <answer>EXPRESSION</answer>.")
        grade = countdown_details(block, numbers, target, use_all=self.use_all)  # the block: found once
        solved = grade.score == CORRECT
        return weighted({"format": 1.0, "correct": float(solved)}, WEIGHTS,
                        solved=solved, record=grade,
                        feedback="" if solved else f"Your answer {grade.answer!r}: {grade.reason}.")

    def reference_answer(self, task: Task) -> str | None:
        return f"<answer>{task.columns['solution']}</answer>"


# Registered when kernelgym.registry loads its plugin modules (a dictionary entry; nothing else runs).
register(CountdownEnv.env_id, CountdownEnv, override=True)
