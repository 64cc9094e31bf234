"""Math word problems graded by their final number: GSM8K-format JSONL files, or generated arithmetic problems.

``kernelgym/math-v0`` reads a JSONL file in GSM8K's format (``{"question": ..., "answer": "... #### 72"}``) with
``path=``; without one it generates multi-step arithmetic word problems, so it works with no download. The module
is ``maths`` so that it never shadows the standard library's ``math``.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

from ..graders.maths import CORRECT, WRONG_NUMBER, math_answer_details
from ..graders.text import output_text
from ..problem import SPLITS, split_of
from ..registry import register
from .core import Graded, Task, TextEnv, weighted

WEIGHTS = {"format": 0.1, "correct": 0.9}

_NAMES = ("Ava", "Ben", "Chen", "Dara", "Eli", "Farah", "Gus", "Hana", "Ivan", "Jia", "Kofi", "Lena", "Mateo",
          "Nia", "Omar", "Priya", "Quinn", "Rosa", "Sami", "Tova")
_ITEMS = ("apples", "stickers", "marbles", "books", "cookies", "pencils", "shells", "coins", "stamps", "cards")
_CONTAINERS = ("bags", "boxes", "packs", "jars", "crates")
_GOODS = (("notebook", "notebooks"), ("pen", "pens"), ("sandwich", "sandwiches"), ("ticket", "tickets"),
          ("plant", "plants"), ("candle", "candles"))


@dataclass(frozen=True)
class WordProblem:
    """A generated problem with a GSM8K-style worked solution.

    Attributes:
        question: The problem text.
        solution: Steps with GSM8K's ``<<a+b=c>>`` calculator notes, ending in ``#### ANSWER``.
        answer: The final answer (a whole number).
    """

    question: str
    solution: str
    answer: int


@dataclass(frozen=True)
class Difficulty:
    """How long and how large the generated problems are.

    Attributes:
        steps: Fewest and most operations after the starting amount.
        high: Largest number in a step.
    """

    steps: tuple[int, int]
    high: int


DIFFICULTIES: dict[int, Difficulty] = {1: Difficulty((1, 1), 20), 2: Difficulty((2, 3), 50),
                                       3: Difficulty((3, 5), 200)}


def generate_problem(rng: random.Random, difficulty: Difficulty) -> WordProblem:
    """A word problem about a growing or shrinking collection, or about shopping; a pure function of ``rng``.

    >>> problem = generate_problem(random.Random(1), DIFFICULTIES[2])
    >>> problem.solution.endswith(f"#### {problem.answer}")
    True
    """
    if rng.random() < 0.3:
        return _shopping(rng, difficulty)
    return _collection(rng, difficulty)


def _collection(rng: random.Random, difficulty: Difficulty) -> WordProblem:
    name, friend = rng.sample(_NAMES, 2)
    items = rng.choice(_ITEMS)
    high = difficulty.high
    total = rng.randint(5, high)
    sentences = [f"{name} has {total} {items}."]
    steps = [f"{name} starts with {total} {items}."]
    for _ in range(rng.randint(*difficulty.steps)):
        kind = rng.choice(["buy", "give", "packs", "double", "half"])
        if kind == "give" and total > 1:
            count = rng.randint(1, total - 1)
            sentences.append(f"{name} gives {count} {items} to {friend}.")
            steps.append(_calc(f"{total}-{count}", total - count, f"After giving {count} away, {name} has", items))
            total -= count
        elif kind == "packs":
            packs, each = rng.randint(2, 9), rng.randint(2, max(3, high // 10))
            container = rng.choice(_CONTAINERS)
            sentences.append(f"{name} buys {packs} {container} with {each} {items} in each.")
            steps.append(_calc(f"{packs}*{each}", packs * each, f"The {container} hold", items))
            steps.append(_calc(f"{total}+{packs * each}", total + packs * each, "Now there are", items))
            total += packs * each
        elif kind == "double" and total <= 10 * high:
            sentences.append(f"{friend} gives {name} as many {items} again as {name} already has.")
            steps.append(_calc(f"{total}*2", total * 2, "That doubles them to", items))
            total *= 2
        elif kind == "half" and total % 2 == 0:
            sentences.append(f"{name} gives half of the {items} to {friend}.")
            steps.append(_calc(f"{total}/2", total // 2, "Half are left:", items))
            total //= 2
        else:
            count = rng.randint(1, high)
            sentences.append(f"Then {name} finds {count} more {items}.")
            steps.append(_calc(f"{total}+{count}", total + count, f"With {count} more, {name} has", items))
            total += count
    sentences.append(f"How many {items} does {name} have now?")
    return WordProblem(" ".join(sentences), "\n".join(steps) + f"\n#### {total}", total)


def _shopping(rng: random.Random, difficulty: Difficulty) -> WordProblem:
    name = rng.choice(_NAMES)
    kinds = rng.sample(_GOODS, min(len(_GOODS), rng.randint(*difficulty.steps)))
    bought, steps, costs = [], [], []
    for singular, plural in kinds:
        count, price = rng.randint(2, 9), rng.randint(1, max(3, difficulty.high // 5))
        bought.append(f"{count} {plural} at ${price} each")
        steps.append(f"The {plural} cost {count} * ${price} = $<<{count}*{price}={count * price}>>{count * price}.")
        costs.append(count * price)
    spent = sum(costs)
    if len(costs) > 1:
        steps.append(f"Altogether that is ${' + $'.join(map(str, costs))} = "
                     f"$<<{'+'.join(map(str, costs))}={spent}>>{spent}.")
    listed = bought[0] if len(bought) == 1 else ", ".join(bought[:-1]) + " and " + bought[-1]
    if rng.random() < 0.5:
        bill = next(b for b in (10, 20, 50, 100, 200, 500, 1000, 5000) if b > spent)
        question = (f"{name} buys {listed}, and pays with a ${bill} bill. How many dollars of change does "
                    f"{name} get?")
        steps.append(f"The change is ${bill} - ${spent} = $<<{bill}-{spent}={bill - spent}>>{bill - spent}.")
        answer = bill - spent
    else:
        question = f"{name} buys {listed}. How many dollars does {name} spend?"
        answer = spent
    return WordProblem(question, "\n".join(steps) + f"\n#### {answer}", answer)


def _calc(expression: str, value: int, words: str, unit: str) -> str:
    shown = expression.replace("*", " * ").replace("+", " + ").replace("-", " - ").replace("/", " / ")
    return f"{words} {shown} = <<{expression}={value}>>{value} {unit}."


def math_prompt(question: str) -> str:
    """The task statement with the answer format.

    >>> math_prompt("What is 2 + 2?").splitlines()[-1]
    'Solve it step by step, then give the final answer alone on the last line as #### NUMBER (for example #### 42).'
    """
    return (f"{question}\n\nSolve it step by step, then give the final answer alone on the last line as "
            f"#### NUMBER (for example #### 42).")


def final_answer(solution: str) -> str:
    """The final answer of a GSM8K solution: the text after its last ``####``, without thousands separators.

    Raises:
        ValueError: The solution has no ``####``.

    >>> final_answer("She has 1,000 + 200 = <<1000+200=1200>>1,200 coins.\\n#### 1,200")
    '1200'
    """
    if "####" not in solution:
        raise ValueError("a GSM8K answer ends with '#### ANSWER'")
    return solution.rsplit("####", 1)[1].strip().replace(",", "")


def load_gsm8k(path: str | Path) -> list[tuple[str, str, str]]:
    """``(row id, question, answer)`` for each line of a GSM8K-format JSONL file (blank lines skipped).

    A row's id is its ``id`` field where it has one, else ``<file stem>-<line number>``.

    Raises:
        FileNotFoundError: No such file.
        ValueError: A line that is not a JSON object with string ``question`` and ``answer`` fields, the answer
            ending in ``#### ANSWER`` (the message names the file and the line).
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such GSM8K-format JSONL file")
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise ValueError(f"{path} line {number}: not valid JSON ({exc})") from None
        if not (isinstance(row, dict) and isinstance(row.get("question"), str)
                and isinstance(row.get("answer"), str)):
            raise ValueError(f"{path} line {number}: needs string fields 'question' and 'answer'")
        try:
            final_answer(row["answer"])
        except ValueError:
            raise ValueError(f"{path} line {number}: the answer does not end with '#### ANSWER'") from None
        rows.append((str(row.get("id", f"{path.stem}-{number:05d}")), row["question"], row["answer"]))
    return rows


class MathEnv(TextEnv):
    """Solve a math word problem and give its final number.

    ## Description
    With ``path``, every line of a GSM8K-format JSONL file (``{"question": ..., "answer": "... #### 72"}``) is a
    task: GSM8K's own ``train.jsonl`` and ``test.jsonl`` load as they are. Without it, multi-step arithmetic word
    problems are generated (a collection that grows and shrinks, or a shopping bill), each with a GSM8K-style
    worked solution. Answers are graded by :func:`kernelgym.graders.math_answer`: the final answer (``\\boxed{}``,
    else the text after ``####``, else after "answer is", else the last number) compared exactly.

    ## Action Space
    ``Text``: the completion, ending with ``#### NUMBER`` as the prompt asks; a reasoning block
    (``<think>...</think>``) is ignored (:func:`kernelgym.graders.text.output_text`).

    ## Observation Space
    ``Text``: the problem and the answer format; after a failed attempt in a multi-turn episode, the answer that
    was read and that it is wrong (the expected answer is never shown); "" at the end.

    ## Rewards
    ReFT's 1.0 / 0.1 / 0.0 as ``0.1·format + 0.9·correct``: ``format`` is 1 when a final number was found,
    ``correct`` when it equals the expected answer.

    ## Episode End
    Terminated when the answer is correct; truncated when ``max_turns`` attempts were made.

    ## Arguments
    - ``path``: a GSM8K-format JSONL file; ``file_split`` puts all its rows in one split (``"test"`` for GSM8K's
      ``test.jsonl``), else each row's split is a stable hash of its id (70/15/15).
    - ``difficulty``: 1 to 3 for generated problems (:data:`DIFFICULTIES`): one step below 20, 2-3 steps below 50,
      3-5 steps below 200.
    - ``size``: number of generated problems (default 1000); ``seed``: their seed. Problem ``i`` is a pure
      function of ``(difficulty, seed, i)``.
    - ``max_turns``, ``split``: as for every :class:`kernelgym.envs.core.TextEnv`.

    ## Version History
    - v0: first release.
    """

    env_id = "kernelgym/math-v0"
    component_names = ("format", "correct")

    def __init__(self, path: str | Path | None = None, file_split: str | None = None, difficulty: int = 2,
                 size: int = 1000, seed: int = 0, max_turns: int = 1, split: str | None = None):
        super().__init__(max_turns=max_turns, split=split)
        if difficulty not in DIFFICULTIES:
            raise ValueError(f"difficulty must be one of {sorted(DIFFICULTIES)}, not {difficulty!r}")
        if file_split is not None and file_split not in SPLITS:
            raise ValueError(f"file_split must be one of {', '.join(SPLITS)}, not {file_split!r}")
        if size < 1:
            raise ValueError(f"size must be at least 1, not {size}")
        self.path = Path(path) if path is not None else None
        self.file_split, self.difficulty, self.size, self.seed = file_split, difficulty, size, seed

    def load_tasks(self) -> list[Task]:
        if self.path is not None:
            return [Task(task_id=row_id, prompt=math_prompt(question),
                         split=self.file_split or split_of(f"math/{self.path.stem}/{row_id}"),
                         columns={"expected": final_answer(answer), "solution": answer})
                    for row_id, question, answer in load_gsm8k(self.path)]
        tasks = []
        for index in range(self.size):
            task_id = f"d{self.difficulty}-s{self.seed}-{index:05d}"
            problem = generate_problem(random.Random(f"math/{task_id}"), DIFFICULTIES[self.difficulty])
            tasks.append(Task(task_id=task_id, prompt=math_prompt(problem.question), split=split_of(f"math/{task_id}"),
                              columns={"expected": str(problem.answer), "solution": problem.solution}))
        return tasks

    def grade(self, task: Task, completion: str) -> Graded:
        grade = math_answer_details(output_text(completion), task.columns["expected"])
        if grade.score == CORRECT:
            feedback = ""
        elif grade.score < WRONG_NUMBER:
            feedback = "No final number found: end with the answer on its own line as #### NUMBER."
        else:
            feedback = f"Your final answer {grade.answer[:100]!r} is not correct."
        return weighted({"format": float(grade.score >= WRONG_NUMBER), "correct": float(grade.score == CORRECT)},
                        WEIGHTS, solved=grade.score == CORRECT, feedback=feedback, record=grade)

    def reference_answer(self, task: Task) -> str | None:
        return task.columns["solution"]


# Registered when kernelgym.registry loads its plugin modules (a dictionary entry; nothing else runs).
register(MathEnv.env_id, MathEnv, override=True)
