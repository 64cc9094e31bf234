"""Speed on a GPU: the reference timed in the grader, the candidate timed in its sandbox, the same method for both
(warm-up, L2 flush before each call, CUDA events, median over repeats, fresh inputs from secret seeds).

On CPU machines speed is not measured: the interpreter's wall clock says nothing about a GPU.
"""
from __future__ import annotations

import math
import secrets

from .compare import compare_outputs, decode
from .result import KernelResult
from .sandbox.child import Job, Run
from .sandbox.timing import cuda_event_times, make_l2_flush, median_ms


def reference_ms(problem, run: Run, repeats: int) -> tuple[float, list]:
    """Median milliseconds of the eager reference on one timing case, and its outputs."""
    import torch

    torch.manual_seed(run.seed)
    model = problem.module.Model(*run.init_inputs).to("cuda")
    inputs = [x.to("cuda") if isinstance(x, torch.Tensor) else x for x in run.inputs]
    outputs = []

    def call():
        with torch.no_grad():
            outputs[:] = [model(*inputs)]

    times = cuda_event_times(call, repeats, make_l2_flush())
    out = outputs[0]
    return median_ms(times), [t.detach().cpu() for t in (out if isinstance(out, (tuple, list)) else [out])]


def time_problem(grader, problem, source: str, result: KernelResult) -> None:
    """Set ``result.speedup`` (geometric mean over timing cases) and re-check the timed outputs."""
    runs, references = [], []
    for index, case in enumerate(problem.timing_cases):
        seed = secrets.randbits(31)
        init_inputs, inputs = problem.instantiate(case, seed)
        run = Run(label=f"timing case {index}", init_inputs=init_inputs, inputs=inputs, seed=seed)
        runs.append(run)
        references.append(reference_ms(problem, run, grader.config.timing_repeats))
    job = Job(kind="run", source=source, workdir="", secret=secrets.token_hex(16), limits=grader.config.limits,
              device="cuda", timing_runs=runs, timing_repeats=grader.config.timing_repeats)
    ratios = []
    for header, buffers in grader._session("cuda", job, result):
        if header.get("type") != "timing" or not isinstance(header.get("index"), int):
            continue
        index = header["index"]
        if "error" in header or not 0 <= index < len(references):
            return
        ref_ms, ref_out = references[index]
        outputs = [decode(m, b) for m, b in zip(header.get("outputs", []), buffers)]
        if not compare_outputs(ref_out, outputs, problem.atol, problem.rtol).ok:
            result.flag("timed_output_differs")
            return
        candidate_ms = float(header.get("median_ms", 0.0))
        if candidate_ms > 0:
            ratios.append(ref_ms / candidate_ms)
    if ratios and len(ratios) == len(references):
        result.speedup = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
        result.timings["timing_cases"] = float(len(ratios))
