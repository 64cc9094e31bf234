"""``kernelgym/kernel-cloze-v0``: fill the blanks of a reference Triton kernel, graded as a whole kernel in the sandbox.

Tasks are built from the suite's own reference solutions (:mod:`kernelgym.cloze` finds the maskable pieces with
:mod:`ast`); the model answers only the blanked expressions, which are spliced back into the solution, and the
whole module is then graded by the sandboxed grader exactly as an answer to the problem would be.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path

from ..cloze import (
    FillError, Piece, blank, candidates, find_pieces, masked_kernels, parse_fill, splice, stable_rng, torch_form,
)
from ..grader import Grader, GraderConfig
from ..problem import load_problem
from ..prompts import kernel_feedback
from ..registry import builtin_problems, register
from ..result import KernelResult
from ..rewards import DEFAULT_WEIGHTS, RewardWeights
from .core import Graded, Task
from .kernel import KernelEnv

DIFFICULTIES = (0, 1, 2, 3)
LETTERS = "ABCDEFGH"
ANSWER = re.compile(r"<answer>(.*?)</answer>", re.S)

CLOZE_TEMPLATE = """\
Fill in the blank{plural} of a Triton kernel.

Problem: {statement}

The kernel, with {what} replaced by {markers}:

```python
{masked}
```

{answer_format}
"""

CHOICE_FORMAT = """\
The blank is one of:
{choices}

Answer with the letter of the right expression (or the expression itself) inside <answer></answer>, for example \
<answer>A</answer>."""

# Difficulty 0: the line with the blank and the two choices, last, in a prompt short enough for the tiny model (its
# attention finds the choices among ~150 tokens, not among the ~1,000 of a whole kernel; see the README).
LINE_TEMPLATE = """\
A line of a Triton kernel:

```python
{line}
```

Which expression fills <BLANK>? Answer with its letter inside <answer></answer>.
{choices}
"""

FREE_FORMAT = """\
Answer with the Python expression that fills {which} inside <answer></answer>, for example \
<answer>x + y</answer>{order}."""


@dataclass(frozen=True)
class Cloze:
    """What a task blanks out, and how it is answered.

    Attributes:
        problem: The key of the problem (``level1/02_relu``).
        solution: The reference solution's source.
        pieces: The blanked pieces, in answer order.
        choices: For a multiple-choice blank (difficulties 0 and 1), the candidate expressions in letter order.
    """

    problem: str
    solution: str
    pieces: tuple[Piece, ...]
    choices: tuple[str, ...] = ()


def clozes_of(problem_key: str, solution: str, difficulty: int) -> list[tuple[str, Cloze]]:
    """The tasks of one solution at a difficulty, as ``(task_id, Cloze)`` pairs, deterministically.

    A task id is the problem's key and its blanks (``level1/02_relu:store@14:32``). At difficulty 0 each blank gives
    two tasks, the right expression and its PyTorch form (:func:`kernelgym.cloze.torch_form`) in both orders; the id
    ends with the right one's letter (``...:store@14:32:A`` and ``...:B``), so that no task can be answered by
    remembering a letter or a position. At difficulty 1 the choices are :func:`kernelgym.cloze.candidates`, shuffled by
    a hash of the task id.
    """
    found = []
    for pieces in blanks_of(problem_key, find_pieces(solution), difficulty):
        task_id = problem_key + ":" + "+".join(f"{p.kind}@{p.start[0]}:{p.start[1]}" for p in pieces)
        if difficulty == 0:
            right = parse_fill(pieces[0].text)
            found.append((f"{task_id}:A", Cloze(problem_key, solution, pieces, (right, torch_form(right)))))
            found.append((f"{task_id}:B", Cloze(problem_key, solution, pieces, (torch_form(right), right))))
        else:
            choices = tuple(candidates(pieces[0], stable_rng(task_id))) if difficulty == 1 else ()
            found.append((task_id, Cloze(problem_key, solution, pieces, choices)))
    return found


def blanks_of(problem_key: str, pieces: list[Piece], difficulty: int) -> list[tuple[Piece, ...]]:
    """The blank sets of one solution at a difficulty, deterministically:

    - 0, 1 and 2: each ``store`` piece (the expression a kernel stores), alone; at 2 every other piece too;
    - 3: each ``store`` piece with one other piece of another kind that does not overlap it (chosen by a hash of
      the problem and the store's place), answered in source order.
    """
    stores = [p for p in pieces if p.kind == "store"]
    if difficulty in (0, 1):
        return [(p,) for p in stores]
    if difficulty == 2:
        return [(p,) for p in pieces]
    sets = []
    for store in stores:
        others = [p for p in pieces if p.kind != "store" and not p.overlaps(store)]
        if others:
            other = stable_rng(problem_key, str(store.start)).choice(others)
            sets.append(tuple(sorted((store, other), key=lambda p: p.start)))
    return sets


_graders: dict[int, Grader] = {}
_graders_lock = threading.Lock()


def cloze_grader(seeds: int) -> Grader:
    """The process-wide grader of cloze environments with ``seeds`` seeds per test case (zygotes start on first
    use and stop at exit)."""
    import atexit

    with _graders_lock:
        if seeds not in _graders:
            _graders[seeds] = Grader(GraderConfig(seeds=seeds))
            atexit.register(_graders[seeds].close)
        return _graders[seeds]


class KernelClozeEnv(KernelEnv):
    """Fill the blanked expressions of a reference Triton kernel.

    ## Description
    Each task is one problem's reference solution (``NN_name_solution.py``) with one or two expressions inside its
    ``@triton.jit`` kernels replaced by ``<BLANK>`` markers: the value a kernel stores, a mask, an offset, a
    reduction or a ``tl.constexpr`` (:mod:`kernelgym.cloze`). The prompt shows the problem, the kernel with its
    blanks and the answer format; at difficulty 0, only the line with the blank and the two choices. The answer's
    expressions are checked to be single Python expressions, spliced (in parentheses) into the solution, and the
    whole module is graded by the sandboxed grader like any kernel answer: compile check, tests, hack flags. A
    task's split is its problem's split.

    ## Action Space
    ``Text``: one ``<answer>EXPRESSION</answer>`` per blank, in order; at difficulties 0 and 1, the letter of a
    choice (``<answer>B</answer>``) or the chosen expression.

    ## Observation Space
    ``Text``: the task prompt; after a failed attempt in a multi-turn episode, the grader's feedback.

    ## Rewards
    As for every kernel task (:func:`kernelgym.rewards.total_reward`): ``0.1·format + 0.2·compile +
    0.7·correctness``; a hack flag (``__import__`` in a blank, for example) makes it 0, and a torch call earns no
    compile or correctness. ``format`` also requires one ``<answer>`` block per blank, each a single expression.

    ## Episode End
    Terminated when the kernel with the fills is correct; truncated when ``max_turns`` attempts were made.

    ## Arguments
    - ``difficulty``: 0 (the stored expression, chosen between it and its PyTorch form, each task in both orders),
      1 (the stored expression, chosen among up to four candidates shown in the prompt), 2 (any one piece, written
      out), 3 (the stored expression and one other piece, written out).
    - ``problems``: a folder of problems with reference solutions (default: the built-in level 1).
    - ``tags``: only problems with one of these tags, comma-separated (default ``elementwise``; ``""`` for all).
    - ``seeds``: seeds per test case when the environment makes its own grader (default 1).
    - ``max_turns``, ``split``, ``grader``, ``executor``, ``weights``: as for ``kernelgym/kernels-v0``.

    ## Version History
    - v0: first release; difficulty 0 added (the tasks of difficulties 1 to 3 are unchanged).
    """

    system_prompt = None

    def __init__(self, difficulty: int = 1, problems: str | Path | None = None, tags: str | None = "elementwise",
                 seeds: int = 1, max_turns: int = 1, split: str | None = None, grader: Grader | None = None,
                 weights: RewardWeights = DEFAULT_WEIGHTS, executor=None):
        if difficulty not in DIFFICULTIES:
            raise ValueError(f"difficulty must be one of {', '.join(map(str, DIFFICULTIES))}, not {difficulty!r}")
        super().__init__(problems=problems or builtin_problems() / "level1", max_turns=max_turns, split=split,
                         grader=grader, weights=weights, env_id="kernelgym/kernel-cloze-v0", executor=executor)
        self.difficulty = difficulty
        self.tags = {t.strip() for t in (tags or "").split(",") if t.strip()}
        self.seeds = seeds
        self._clozes: dict[str, Cloze] = {}

    @property
    def grader(self) -> Grader:
        if self._grader is None:
            self._grader = cloze_grader(self.seeds)
        return self._grader

    # --- tasks ---------------------------------------------------------------------------------------
    def load_tasks(self) -> list[Task]:
        tasks = []
        for path in self._paths:
            problem = load_problem(path)
            if self.tags and not self.tags & set(problem.tags) or not problem.solution_path.is_file():
                continue
            self._problems[problem.key] = problem
            for task_id, cloze in clozes_of(problem.key, problem.solution_path.read_text(), self.difficulty):
                self._clozes[task_id] = cloze
                tasks.append(Task(task_id=task_id, prompt=self._prompt(statement(problem), cloze), split=problem.split,
                                  columns={"problem_path": str(problem.path), "level": problem.level or 0,
                                           "kinds": [p.kind for p in cloze.pieces]}))
        return tasks

    def _prompt(self, statement: str, cloze: Cloze) -> str:
        count = len(cloze.pieces)
        choices = "\n".join(f"{LETTERS[i]}. {c}" for i, c in enumerate(cloze.choices))
        if self.difficulty == 0:
            masked = masked_kernels(cloze.solution, list(cloze.pieces))
            line = next(line.strip() for line in masked.splitlines() if blank(0, 1) in line)
            return LINE_TEMPLATE.format(line=line, choices=choices)
        markers = " and ".join(f"`{m}`" for m in _markers(count))
        what = " and ".join(f"one {p.kind} expression" if p.kind != "store" else "the expression it stores"
                            for p in cloze.pieces)
        if cloze.choices:
            answer_format = CHOICE_FORMAT.format(choices=choices)
        else:
            answer_format = FREE_FORMAT.format(
                which="the blank" if count == 1 else "each blank",
                order="" if count == 1 else f", one <answer> block per blank in order ({markers})")
        return CLOZE_TEMPLATE.format(plural="" if count == 1 else "s", statement=statement, what=what,
                                     markers=markers, masked=masked_kernels(cloze.solution, list(cloze.pieces)),
                                     answer_format=answer_format)

    def cloze(self, task: Task) -> Cloze:
        """What a task blanks out."""
        self.tasks()
        return self._clozes[task.task_id]

    def problem(self, task: Task):
        self.tasks()
        return self._problems[self._clozes[task.task_id].problem]

    # --- answers -------------------------------------------------------------------------------------
    def kernel_source(self, task: Task, completion: str) -> str:
        """The solution with the completion's fills spliced in.

        Raises:
            FillError: The completion's answer blocks do not fill the blanks with one expression each.
        """
        cloze = self.cloze(task)
        fills = [fill.strip() for fill in ANSWER.findall(completion)]
        if not fills:
            raise FillError("no <answer>...</answer> block found")
        if cloze.choices and len(fills) == 1 and len(fills[0]) == 1 and fills[0].upper() in LETTERS:
            index = LETTERS.index(fills[0].upper())
            if index >= len(cloze.choices):
                raise FillError(f"there is no choice {fills[0]}; choose one of "
                                f"{', '.join(LETTERS[:len(cloze.choices)])}")
            fills = [cloze.choices[index]]
        return splice(cloze.solution, list(cloze.pieces), fills)

    def grade_many(self, pairs: list[tuple[Task, str]]) -> list[Graded]:
        verdicts: list[Graded | None] = []
        to_grade = []
        for task, completion in pairs:
            try:
                source = self.kernel_source(task, completion)
            except FillError as exc:
                failed = KernelResult(problem=self.problem(task).name).fail("format", str(exc))
                verdicts.append(self._graded(failed))
                continue
            verdicts.append(None)
            to_grade.append((self.problem(task), f"```python\n{source.rstrip()}\n```\n"))
        results = iter((self.executor or self.grader).grade_many(to_grade) if to_grade else [])
        return [verdict if verdict is not None else self._graded(next(results)) for verdict in verdicts]

    def grade(self, task: Task, completion: str) -> Graded:
        return self.grade_many([(task, completion)])[0]

    def refine_prompt(self, task: Task, graded: Graded) -> str:
        return (f"The kernel with your answer was not correct.\n\n{kernel_feedback(graded.record)}\n\n"
                f"Answer again in the same format.")

    def reference_answer(self, task: Task) -> str | None:
        """The original pieces; at difficulties 0 and 1, the letter of the original piece among the choices."""
        cloze = self.cloze(task)
        if cloze.choices:
            return f"<answer>{LETTERS[cloze.choices.index(parse_fill(cloze.pieces[0].text))]}</answer>"
        return "".join(f"<answer>{p.text}</answer>" for p in cloze.pieces)


def statement(problem) -> str:
    """What a cloze prompt says about the problem: its docstring on one line (its name when it has none)."""
    return " ".join(problem.docstring.split()) or problem.name


def _markers(count: int) -> list[str]:
    return [blank(i, count) for i in range(count)]


# Registered when kernelgym.registry loads its plugin modules (a dictionary entry; nothing else runs).
register("kernelgym/kernel-cloze-v0", KernelClozeEnv, override=True)
