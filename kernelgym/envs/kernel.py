"""Kernel environments: a problem file (or a folder of them) as a Gymnasium task graded by the sandboxed grader."""
from __future__ import annotations

import atexit
import threading
from pathlib import Path

from ..executor import Executor
from ..grader import Grader, GraderConfig
from ..problem import Problem, discover, load_problem
from ..prompts import SYSTEM_PROMPT, improve_prompt, kernel_feedback, kernel_prompt, refine_prompt
from ..result import KernelResult
from ..rewards import DEFAULT_WEIGHTS, RewardWeights, components
from .core import Graded, Task, TextEnv, weighted

_shared: Grader | None = None
_shared_lock = threading.Lock()


def shared_grader() -> Grader:
    """The process-wide grader that kernel environments use unless given one (its zygotes start on first use
    and stop at exit), so that many environments share one warm pool."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Grader(GraderConfig())
            atexit.register(_shared.close)
        return _shared


class KernelEnv(TextEnv):
    """Write a Triton kernel for a PyTorch reference module.

    ## Description
    Each task is one KernelBench-format problem file. The prompt shows the problem's statement and reference
    source, the answer format and the rules (:mod:`kernelgym.prompts`). The completion is graded in a sandboxed
    process: format, compilation for a real GPU target, correctness on every test case and several secret seeds,
    hack checks, and speed on a GPU (:class:`kernelgym.grader.Grader`).

    ## Action Space
    ``Text``: the model's completion, which must hold one ```` ```python ```` block defining ``ModelNew``.

    ## Observation Space
    ``Text``: the task prompt after ``reset``; after a failed attempt in a multi-turn episode, the grader's
    feedback (format error, trimmed compiler error, failing test and error size, hack names); after a correct one
    with ``continue_after_correct``, what was measured about its speed (:func:`kernelgym.prompts.speed_feedback`:
    the speedup where measured, else the CPU traffic efficiency, and each compiled kernel's registers, spills,
    shared memory, occupancy and vector accesses); "" at the end.

    ## Rewards
    :func:`kernelgym.rewards.total_reward`: ``0.1·format + 0.2·compile + 0.7·correctness`` (fraction of tests
    passed, when compiled), ``+ 0.5·speed`` where speed is measured (GPU); any hack flag makes it 0 (or
    ``weights.hack_penalty``). ``info["components"]`` holds the components, ``info["result"]`` the
    :class:`kernelgym.result.KernelResult`.

    ## Episode End
    Terminated when the answer is correct; truncated when ``max_turns`` attempts were made. With
    ``continue_after_correct``, a correct answer asks for a faster one, and the episode runs all ``max_turns``
    (terminated if the last answer is correct). Each turn's reward is its own grading's; reward-to-go as documented
    (:func:`kernelgym.envs.discounted_returns`).

    ## Arguments
    - ``problem``: one problem file (``kernelgym/kernel-v0``), or
    - ``problems``: a folder of problem files (``kernelgym/kernels-v0``); ``split`` limits ``reset`` draws.
    - ``max_turns``: attempts per episode (1: single-turn).
    - ``continue_after_correct``: with ``max_turns > 1``, go on after a correct answer, asking for speed.
    - ``grader``: a :class:`kernelgym.grader.Grader` to share (default: one per process, whose warm pool grades
      batches on this machine).
    - ``executor``: grade on this instead of ``grader``, e.g. ``kernelgym.executor.make_executor("ray")`` for a
      Ray cluster (the same verdicts).
    - ``weights``: :class:`kernelgym.rewards.RewardWeights`.

    ## Version History
    - v0: first release.
    """

    component_names = ("format", "compile", "correctness", "speed")
    system_prompt = SYSTEM_PROMPT

    def __init__(self, problem: str | Path | None = None, problems: str | Path | None = None,
                 max_turns: int = 1, split: str | None = None, grader: Grader | None = None,
                 weights: RewardWeights = DEFAULT_WEIGHTS, env_id: str = "kernelgym/kernel-v0",
                 executor: Executor | None = None, continue_after_correct: bool = False):
        super().__init__(max_turns=max_turns, split=split, continue_after_correct=continue_after_correct)
        if (problem is None) == (problems is None):
            raise ValueError("give exactly one of problem= (a file) or problems= (a folder)")
        self._paths = [Path(problem)] if problem is not None else discover(problems)
        if not self._paths:
            raise ValueError(f"no problem files under {problems}")
        self.env_id = env_id
        self.weights = weights
        self._grader = grader
        self.executor = executor
        self._problems: dict[str, Problem] = {}

    @property
    def grader(self) -> Grader:
        if self._grader is None:
            self._grader = shared_grader()
        return self._grader

    def load_tasks(self) -> list[Task]:
        tasks = []
        for path in self._paths:
            problem = load_problem(path)
            self._problems[problem.key] = problem
            tasks.append(Task(task_id=problem.key, prompt=kernel_prompt(problem), split=problem.split,
                              columns={"problem_path": str(problem.path), "level": problem.level or 0}))
        return tasks

    def problem(self, task: Task) -> Problem:
        """The loaded problem behind a task."""
        self.tasks()
        return self._problems[task.task_id]

    def grade(self, task: Task, completion: str) -> Graded:
        if self.executor is not None:
            return self.grade_many([(task, completion)])[0]
        return self._graded(self.grader.grade(self.problem(task), completion))

    def grade_many(self, pairs: list[tuple[Task, str]]) -> list[Graded]:
        items = [(self.problem(task), completion) for task, completion in pairs]
        results = (self.executor or self.grader).grade_many(items)
        return [self._graded(result) for result in results]

    def _graded(self, result: KernelResult) -> Graded:
        weights = {"format": self.weights.format, "compile": self.weights.compile,
                   "correctness": self.weights.correctness, "speed": self.weights.speed}
        return weighted(components(result, self.weights), weights, refused=bool(result.hacks),
                        penalty=self.weights.hack_penalty, solved=result.correct, feedback=kernel_feedback(result),
                        record=result)

    def refine_prompt(self, task: Task, graded: Graded) -> str:
        return refine_prompt(graded.record)

    def improve_prompt(self, task: Task, graded: Graded) -> str:
        return improve_prompt(graded.record)

    def reference_answer(self, task: Task) -> str | None:
        path = self.problem(task).solution_path
        return f"```python\n{path.read_text()}\n```\n" if path.is_file() else None
