"""Speed on a GPU: the reference timed in the grader, the candidate timed in its sandbox, the same method for both
(warm-up, L2 flush before each call, CUDA events, median over repeats, fresh inputs from secret seeds).

After timing, the candidate's output of the last timed call is checked, and then its inputs are overwritten in
place with values from another secret seed and it is called once more: that output must match the reference on
the new values (``timed_output_differs``, ``recheck_after_timing_failed``), so that answers which cache results by
pointer or shape, or compute differently once timed, earn no speed.

On CPU machines speed is not measured: the interpreter's wall clock says nothing about a GPU.
"""
from __future__ import annotations

import math
import secrets
import threading
from contextlib import closing

from .compare import Malformed, compare_outputs
from .result import KernelResult
from .sandbox.child import Job, Run
from .sandbox.timing import cuda_event_times, make_l2_flush, median_ms

_REFERENCE_TIMING_LOCK = threading.Lock()


def reference_ms(problem, run: Run, repeats: int, recheck: Run | None = None) -> tuple[float, list, list]:
    """Median milliseconds of the eager reference on one timing case, its outputs, and (same model) its outputs
    on the re-check inputs."""
    import torch

    model = problem.build_model(run.init_inputs, run.seed).to("cuda")
    inputs = [x.to("cuda") if isinstance(x, torch.Tensor) else x for x in run.inputs]
    outputs = []

    def call():
        with torch.no_grad():
            outputs[:] = [model(*inputs)]

    times = cuda_event_times(call, repeats, make_l2_flush())
    rechecked = []
    if recheck is not None:
        with torch.no_grad():
            rechecked = _host(model(*[x.to("cuda") if isinstance(x, torch.Tensor) else x for x in recheck.inputs]))
    return median_ms(times), _host(outputs[0]), rechecked


def _host(out) -> list:
    return [t.detach().cpu() for t in (out if isinstance(out, (tuple, list)) else [out])]


def time_problem(grader, problem, source: str, result: KernelResult) -> None:
    """Set ``result.speedup`` (geometric mean over timing cases) and re-check the timed outputs."""
    from .grader import _in_order, decode_all, problem_directories

    runs, rechecks, references = [], [], []
    for index, case in enumerate(problem.timing_cases):
        seed = secrets.randbits(31)
        init_inputs, inputs = problem.instantiate(case, seed)  # seeding and drawing are locked in Problem
        run = Run(label=f"timing case {index}", init_inputs=init_inputs, inputs=inputs, seed=seed)
        recheck_seed = secrets.randbits(31)
        recheck = Run(label=f"re-check of timing case {index}", init_inputs=init_inputs,
                      inputs=problem.instantiate(case, recheck_seed)[1], seed=recheck_seed)
        runs.append(run)
        rechecks.append(recheck)
        with _REFERENCE_TIMING_LOCK:  # one reference timed on the GPU at a time
            references.append(reference_ms(problem, run, grader.config.timing_repeats, recheck))
    job = Job(kind="run", source=source, workdir="", secret=secrets.token_hex(16), limits=grader.config.limits,
              device="cuda", timing_runs=runs, timing_rechecks=rechecks, timing_repeats=grader.config.timing_repeats,
              hidden=problem_directories(problem))
    order = [(kind, index) for index in range(len(references)) for kind in ("timing", "timing_recheck")]
    ratios: dict[int, float] = {}
    rechecked: set[int] = set()
    with closing(_in_order(grader.session("cuda", job, result), result, order)) as messages:
        for header, buffers in messages:  # each timing case once, then its re-check, in order
            kind, index = header.get("type"), header.get("index")
            if kind == "error":  # importing the answer failed: no speed
                return
            if "error" in header:
                if kind == "timing_recheck":
                    result.flag("recheck_after_timing_failed")
                return
            ref_ms, ref_out, ref_recheck = references[index]
            try:
                outputs = decode_all(header.get("outputs", []), buffers)
            except Malformed:
                result.fail("crash", "the answer's process broke the grading protocol (malformed tensors)")
                return
            if kind == "timing_recheck":
                if not compare_outputs(ref_recheck, outputs, problem.atol, problem.rtol).ok:
                    result.flag("recheck_after_timing_failed")
                    return
                rechecked.add(index)
                continue
            if not compare_outputs(ref_out, outputs, problem.atol, problem.rtol).ok:
                result.flag("timed_output_differs")
                return
            candidate_ms = header.get("median_ms")
            if not isinstance(candidate_ms, (int, float)) or isinstance(candidate_ms, bool) \
                    or not 0 < candidate_ms < math.inf:
                return  # no usable time for this case: no speed at all
            ratios[index] = ref_ms / candidate_ms
    every_case = set(range(len(references)))
    if references and set(ratios) == every_case and rechecked == every_case and not result.failure:
        result.speedup = math.exp(sum(math.log(r) for r in ratios.values()) / len(ratios))
        result.timings["timing_cases"] = float(len(ratios))
