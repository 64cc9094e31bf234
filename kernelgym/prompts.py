"""The prompt templates of kernel tasks: one module, used unchanged for training and for evaluation.

A kernel prompt shows the problem statement and the reference source, states the answer format and the rules,
and asks for one Python block. A refinement prompt (multi-turn episodes) tells the model what the grader found
about its previous attempt, trimmed to what matters, and asks for a corrected answer in the same format.
"""
from __future__ import annotations

import ast

from . import safe_ast
from .problem import Problem
from .result import KernelResult

SYSTEM_PROMPT = ("You are an expert GPU programmer who writes fast, correct Triton kernels. Answer with exactly one "
                 "Python code block.")


def chat(system: str | None, user: str) -> list[dict[str, str]]:
    """Chat messages: the system message where there is one, then the user's. The one chat format of every prompt
    (an environment's opening, a benchmark policy's request).

    >>> [m["role"] for m in chat("be brief", "hi")], [m["role"] for m in chat(None, "hi")]
    (['system', 'user'], ['user'])
    """
    return ([{"role": "system", "content": system}] if system else []) + [{"role": "user", "content": user}]


KERNEL_TEMPLATE = """\
Write a Triton implementation of the PyTorch module below.

Reference implementation (`Model`):

```python
{source}
```

Rules:
- Define `class ModelNew(nn.Module)` with the same constructor arguments as `Model`. If `Model` has parameters,
  create the same ones in the same order (the grader seeds both constructions identically).
- Do the computation in one or more `@triton.jit` kernels that `forward` launches. `forward` may allocate outputs
  and make views, but must not compute with torch operations (no `torch.matmul`, `F.*`, `nn.*` calls, ...).
- Import only `torch`, `triton`, `triton.language` and `math`. Do not import or subclass `Model`.
- Outputs must match the reference within atol={atol:g}, rtol={rtol:g} for any input sizes, not just the ones shown.

Answer with one ```python code block that contains the complete module, and nothing else in a code block.
"""

REFINE_TEMPLATE = """\
Your previous answer was graded: {verdict}.

{feedback}

Fix the problem and answer again with one complete ```python code block.
"""

IMPROVE_TEMPLATE = """\
Your previous answer was graded: correct.

{feedback}

Make it faster while keeping it correct: answer again with one complete ```python code block.
"""

MAX_FEEDBACK_CHARS = 1500


def kernel_prompt(problem: Problem) -> str:
    """The user prompt of a kernel task.

    Args:
        problem: The loaded problem.

    Returns:
        The prompt text: statement, reference source, rules and answer format.
    """
    return KERNEL_TEMPLATE.format(source=shown_source(problem.source), atol=problem.atol, rtol=problem.rtol)


METADATA_NAMES = {"ATOL", "RTOL", "TEST_CASES", "TIMING_CASES", "TAGS", "SPLIT"}


def shown_source(source: str) -> str:
    r"""The problem source as the model sees it: KernelGym's grading metadata (tolerances, test shapes, tags)
    and the comments just above it are left out, so that the test shapes cannot be hard-coded.

    >>> shown_source("import torch\n# cases\nTEST_CASES = [{'N': 3}]\nN = 8\n")
    'import torch\nN = 8'
    """
    tree = safe_ast.parse(source)
    lines = source.splitlines()
    drop: set[int] = set()
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
            node, ast.AnnAssign) else []
        if any(isinstance(t, ast.Name) and t.id in METADATA_NAMES for t in targets):
            drop.update(range(node.lineno - 1, node.end_lineno))
            above = node.lineno - 2
            while above >= 0 and lines[above].lstrip().startswith("#"):
                drop.add(above)
                above -= 1
    kept = [line for i, line in enumerate(lines) if i not in drop]
    text = "\n".join(kept).strip()
    while "\n\n\n\n" in text:
        text = text.replace("\n\n\n\n", "\n\n\n")
    return text


def kernel_feedback(result: KernelResult) -> str:
    """What the grader found about one attempt, in a few lines a model can act on.

    >>> kernel_feedback(KernelResult(format_ok=True, compiled=True, correct=True, tests_passed=4, tests_total=4))
    'All 4 tests passed.'
    """
    if result.correct:
        return f"All {result.tests_total} tests passed."
    lines = []
    if result.hacks:
        lines.append("Refused: " + ", ".join(result.hacks) + ". " + _HACK_HINT)
    if result.failure and result.failure != "static":
        lines.append(f"Failure ({result.failure}): {_trim(result.error)}")
    if result.tests_total:
        lines.append(f"Tests passed: {result.tests_passed}/{result.tests_total}.")
    return "\n".join(lines) or _trim(result.error) or "The answer was not correct."


def refine_prompt(result: KernelResult) -> str:
    """The observation of a multi-turn episode after a failed attempt."""
    verdict = "refused as a hack" if result.hacks else (result.failure or "incorrect")
    return REFINE_TEMPLATE.format(verdict=verdict, feedback=kernel_feedback(result))


def speed_feedback(result: KernelResult) -> str:
    """What was measured about a correct answer's speed, in lines a model can act on: the speedup where it was
    measured (a GPU), else the CPU traffic efficiency, and the figures of each compiled kernel; trimmed.

    >>> from kernelgym.result import KernelStats
    >>> text = speed_feedback(KernelResult(correct=True, tests_total=2, traffic_efficiency=0.5,
    ...     kernel_stats=[KernelStats("add_kernel", registers=16, spill_bytes=0, shared_bytes=0, num_warps=4,
    ...                               occupancy=1.0, global_loads_vector=2, global_stores_vector=1)]))
    >>> for line in text.splitlines():
    ...     print(line[:80].rstrip())
    All 2 tests passed. Speed was not measured (no GPU).
    Memory traffic efficiency: 0.50 (the bytes the operation must move over the byte
    add_kernel: 16 registers/thread, 0 B spilled, 0 B shared memory, 4 warps, occupa
    """
    lines = [f"All {result.tests_total} tests passed. " + (
        f"Speedup over the PyTorch reference: {result.speedup:.2f}x." if result.speedup is not None
        else "Speed was not measured (no GPU).")]
    if result.speedup is None and result.traffic_efficiency is not None:
        lines.append(f"Memory traffic efficiency: {result.traffic_efficiency:.2f} (the bytes the operation must move "
                     f"over the bytes your kernels loaded and stored; 1.00 is the best).")
    for stats in result.kernel_stats:
        line = (f"{stats.kernel}: {_figure(stats.registers, ' registers/thread')}, "
                f"{_figure(stats.spill_bytes, ' B spilled')}, {_figure(stats.shared_bytes, ' B shared memory')}, "
                f"{_figure(stats.num_warps, ' warps')}, occupancy "
                f"{'?' if stats.occupancy is None else f'{stats.occupancy:.0%}'}, global loads "
                f"{stats.global_loads_vector} vector / {stats.global_loads_scalar} scalar, stores "
                f"{stats.global_stores_vector} vector / {stats.global_stores_scalar} scalar.")
        if line not in lines:
            lines.append(line)
    return _trim("\n".join(lines))


def improve_prompt(result: KernelResult) -> str:
    """The observation of a multi-turn episode after a correct attempt, when it goes on (``continue_after_correct``)."""
    return IMPROVE_TEMPLATE.format(feedback=speed_feedback(result))


def _figure(value: int | None, unit: str) -> str:
    return f"?{unit}" if value is None else f"{value}{unit}"


_HACK_HINT = "Compute the whole output in Triton kernels, from the inputs, on every call."


def _trim(text: str, limit: int = MAX_FEEDBACK_CHARS) -> str:
    """Keep the head and the tail of a long message (compiler errors put the cause at the end)."""
    text = text.strip()
    if len(text) <= limit:
        return text
    half = limit // 2
    return f"{text[:half]}\n[... {len(text) - limit} characters cut ...]\n{text[-half:]}"
