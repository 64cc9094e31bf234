"""GPU timing of a candidate inside its sandbox (CUDA only).

Timing code is loaded by the zygote before any candidate, and binds the CUDA event class, the synchronisation
function and the median then, so that an answer that patches ``torch.cuda.Event`` or ``torch.cuda.synchronize``
changes nothing here. The method follows common practice for kernels: warm-up calls, an L2 flush before every
timed call, CUDA events around each call, fresh inputs, and the median over repeats. After timing, the output of
the last timed call is sent back, and then the inputs are overwritten in place with fresh values (same buffers,
same pointers) and the model is called once more: the grader checks both against the reference, so an answer that
behaves differently once it is being timed, or that caches results by pointer or shape, is caught.
"""
from __future__ import annotations

import statistics

import torch

from . import protocol

_Event = torch.cuda.Event
_synchronize = torch.cuda.synchronize
_median = statistics.median

L2_FLUSH_BYTES = 256 * 2**20
WARMUP_CALLS = 3


def cuda_event_times(fn, repeats: int, flush) -> list[float]:
    """Milliseconds per call of ``fn()``, one CUDA-event pair per call, with ``flush()`` before each."""
    for _ in range(WARMUP_CALLS):
        fn()
    _synchronize()
    times = []
    for _ in range(repeats):
        flush()
        start, end = _Event(enable_timing=True), _Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        _synchronize()
        times.append(start.elapsed_time(end))
    return times


def make_l2_flush():
    buffer = torch.empty(L2_FLUSH_BYTES // 4, dtype=torch.int32, device="cuda")
    return lambda: buffer.zero_()


def median_ms(times: list[float]) -> float:
    return _median(times)


def time_candidate(sock, index: int, run, module, hooks, job) -> None:
    """Time ``ModelNew`` on one timing case and send the median plus the last output; then refill the inputs in
    place from the matching re-check run, call once more and send that output too."""
    from .child import encode_outputs

    inputs = [x.to("cuda") if isinstance(x, torch.Tensor) else x for x in run.inputs]
    try:
        torch.manual_seed(run.seed)
        model = module.ModelNew(*run.init_inputs).to("cuda")
        outputs = []

        def call():
            with torch.no_grad():
                outputs[:] = [model(*inputs)]

        hooks.timing = True  # count launches only: nothing but the launch inside the timed window
        try:
            times = cuda_event_times(call, job.timing_repeats, make_l2_flush())
        finally:
            hooks.timing = False
    except BaseException as exc:
        protocol.send(sock, {"type": "timing", "index": index, "error": f"{type(exc).__name__}: {exc}"[-1000:]})
        return
    header, buffers = encode_outputs(outputs[0], inputs)
    header.update({"type": "timing", "index": index, "median_ms": median_ms(times), "launches": hooks.reset().launches})
    protocol.send(sock, header, buffers)
    if index < len(job.timing_rechecks):
        _recheck(sock, index, job.timing_rechecks[index], model, inputs)


def _recheck(sock, index: int, recheck, model, inputs: list) -> None:
    """Overwrite the timed inputs in place with fresh values, call the model once, send the output."""
    from .child import encode_outputs

    try:
        for target, fresh in zip(inputs, recheck.inputs):
            if isinstance(target, torch.Tensor) and isinstance(fresh, torch.Tensor):
                target.copy_(fresh.to(target.device))
        with torch.no_grad():
            output = model(*inputs)
        _synchronize()
    except BaseException as exc:
        protocol.send(sock, {"type": "timing_recheck", "index": index, "error": f"{type(exc).__name__}: {exc}"[-1000:]})
        return
    header, buffers = encode_outputs(output, inputs)
    header.update({"type": "timing_recheck", "index": index})
    protocol.send(sock, header, buffers)
