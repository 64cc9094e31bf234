"""Out-of-bounds accesses on a GPU, found under Triton's interpreter.

A GPU does not stop a kernel that reads or writes past its tensors: an unmasked tail reads whatever memory follows,
and where that does not change the result the kernel passes every test (seen on an H200: reward 1.0), though it
reads other tensors' memory and fails or crashes at other sizes. On a CPU machine every run is already
bounds-checked: the grader's hooks give the interpreter the extent of every tensor and a load or store outside all
of them raises (``failure: out_of_bounds``).

So that an out-of-bounds access gets the same verdict on both, a GPU grading also runs each test case once in a
CPU child under the interpreter with those checks (:func:`find_out_of_bounds`), forked from an ``interpret``
zygote exactly as on a CPU machine. Only an out-of-bounds access found there counts: the interpreter's other
differences (it is slower, its bf16 arithmetic is not the GPU's, it lacks a few GPU-only functions) never change
a GPU verdict.
"""
from __future__ import annotations

import secrets
from contextlib import closing
from dataclasses import dataclass

from .problem import Problem
from .result import KernelResult
from .sandbox.isolation import Limits
from .sandbox.protocol import Envelope, ImportFailure, Job, Run, RunResult
from .sandbox_session import Sandbox, in_order
from .seeds import SeedSource


@dataclass(frozen=True)
class OutOfBounds:
    """A test case whose run under the interpreter accessed memory outside every tensor.

    Attributes:
        case: Index of the test case in ``problem.test_cases``.
        label: The run's label, as in a grading's error text.
        error: What the bounds check raised (the answer's traceback, trimmed).
    """

    case: int
    label: str
    error: str


def find_out_of_bounds(sandbox: Sandbox, problem: Problem, source: str, limits: Limits, target: tuple,
                       hidden: list[str], seeds: SeedSource) -> list[OutOfBounds]:
    """Run ``source`` once per test case (one seed each) under the interpreter in a sandboxed CPU child; return
    the cases whose run raised an out-of-bounds access.

    Args:
        sandbox: The grader's sandbox (its ``interpret`` zygotes are used).
        problem: The problem; its test cases give the shapes.
        source: The answer's code.
        limits: The child's OS limits.
        target: The compile target, whose capability ``torch.cuda`` reports to the answer in the child.
        hidden: Directories the child must not see.
        seeds: The grading's seed source.
    """
    runs = []
    for index, case in enumerate(problem.test_cases):
        seed = seeds.seed()
        init_inputs, inputs = problem.instantiate(case, seed)
        runs.append(Run(label=f"test case {index} {case or '(default sizes)'}, under the interpreter's bounds checks",
                        init_inputs=_on_cpu(init_inputs), inputs=_on_cpu(inputs), seed=seed))
    job = Job(kind="run", source=source, workdir="", secret=secrets.token_hex(16), limits=limits, device="cpu",
              runs=runs, target=target, hidden=list(hidden))
    scratch = KernelResult()  # the session's own findings; they do not change the GPU's verdict
    found = []
    order = [("run", index) for index in range(len(runs))]
    with closing(in_order(sandbox.session("interpret", job, scratch), scratch, order)) as messages:
        for header, _ in messages:
            if Envelope.from_header(header).kind == ImportFailure.KIND:
                break  # the answer did not import: nothing ran, nothing to find
            message = RunResult.from_header(header)
            if message.error is not None and message.out_of_bounds and message.index is not None:
                found.append(OutOfBounds(message.index, runs[message.index].label, message.error))
    return found


def _on_cpu(values: list) -> list:
    """``values`` with every tensor moved to the CPU (a problem may place its inputs on the GPU)."""
    import torch

    return [v.cpu() if isinstance(v, torch.Tensor) else v for v in values]
