"""GPU timing of a candidate inside its sandbox (CUDA only).

Timing code is loaded by the zygote before any candidate, and the method follows common practice for kernels:
warm-up calls, an L2 flush before every timed call, CUDA events around each call, fresh inputs, and the median
over repeats. After timing, the output of the last timed call is sent back so the grader re-checks it against the
reference: an answer that behaves differently once it is being timed is caught.
"""
from __future__ import annotations

import statistics

from . import protocol

L2_FLUSH_BYTES = 256 * 2**20
WARMUP_CALLS = 3


def cuda_event_times(fn, repeats: int, flush) -> list[float]:
    """Milliseconds per call of ``fn()``, one CUDA-event pair per call, with ``flush()`` before each."""
    import torch

    for _ in range(WARMUP_CALLS):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(repeats):
        flush()
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        torch.cuda.synchronize()
        times.append(start.elapsed_time(end))
    return times


def make_l2_flush():
    import torch

    buffer = torch.empty(L2_FLUSH_BYTES // 4, dtype=torch.int32, device="cuda")
    return lambda: buffer.zero_()


def median_ms(times: list[float]) -> float:
    return statistics.median(times)


def time_candidate(sock, index: int, run, module, hooks, job) -> None:
    """Time ``ModelNew`` on one timing case and send the median plus the last output."""
    import torch

    from .child import encode_outputs

    inputs = [x.to("cuda") if isinstance(x, torch.Tensor) else x for x in run.inputs]
    try:
        torch.manual_seed(run.seed)
        model = module.ModelNew(*run.init_inputs).to("cuda")
        outputs = []

        def call():
            with torch.no_grad():
                outputs[:] = [model(*inputs)]

        times = cuda_event_times(call, job.timing_repeats, make_l2_flush())
    except BaseException as exc:
        protocol.send(sock, {"type": "timing", "index": index, "error": f"{type(exc).__name__}: {exc}"[-1000:]})
        return
    header, buffers = encode_outputs(outputs[0], inputs)
    header.update({"type": "timing", "index": index, "median_ms": median_ms(times), "launches": hooks.reset().launches})
    protocol.send(sock, header, buffers)
