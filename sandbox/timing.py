"""GPU timing of a candidate inside its sandbox (CUDA only), in the same child that ran the correctness tests.

Timing code is loaded by the zygote before any candidate, and binds the CUDA event class, the synchronisation
function and the median then, so that an answer that patches ``torch.cuda.Event`` or ``torch.cuda.synchronize``
changes nothing here. The method follows common practice for kernels: warm-up calls, an L2 flush before every
timed call, CUDA events around each call, and the median over repeats. The end event is recorded after the whole
device is synchronised, so work an answer launches on a side stream of its own and does not join is timed too
(the reference is timed the same way).

One timing case, as the grader drives it (see ``kernelgym.timing``): the grader sends ``time`` with the case's
inputs and its re-check inputs (drawn from secret seeds after the correctness runs, so nothing earlier could
know them); the child builds the model, moves the inputs to the GPU and calls the model once untimed (Triton
compiles for the new shapes then), and says ``ready``; the grader takes the GPU's timing lock (one timed section
per GPU at a time) and says ``go``; the child times and says ``timed`` (the grader lets the lock go), then sends
the output of the last timed call as ``timing``; finally it overwrites the inputs in place with the re-check values
(same buffers, same pointers), calls the model once more and sends that output as ``timing_recheck``. A grader
message other than ``time`` (``stop``) ends timing.
"""
from __future__ import annotations

import statistics

import torch

from . import protocol
from .protocol import TIMING_STEPS, Ready, RecheckOutputs, Timed, TimingOutputs, encode_outputs, trim_traceback

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
        _synchronize()  # the whole device: work the call left running on another stream ends inside the window
        end.record()
        _synchronize()
        times.append(start.elapsed_time(end))
    return times


def make_l2_flush():
    buffer = torch.empty(L2_FLUSH_BYTES // 4, dtype=torch.int32, device="cuda")
    return lambda: buffer.zero_()


def median_ms(times: list[float]) -> float:
    return _median(times)


def serve_timing(sock, module, hooks, job) -> None:
    """Time each case the grader sends, until it sends anything but ``time``."""
    flush: list = []  # made by the first case, inside its error handling (it allocates on the GPU)
    while True:
        header, buffers = protocol.recv(sock)
        if header.get("type") != "time":
            return
        case = protocol.unpack(header["case"], buffers)
        del buffers
        if not _time_case(sock, header["index"], case, module, hooks, job, flush):
            return


def _time_case(sock, index: int, case: dict, module, hooks, job, flush: list) -> bool:
    """One timing case (see the module docstring); False when it failed (timing then ends)."""
    step = "ready"
    try:
        if not flush:
            flush.append(make_l2_flush())
        inputs = [x.to("cuda") if isinstance(x, torch.Tensor) else x for x in case["inputs"]]
        case["inputs"] = []  # the host copies: the child's host memory is bounded
        torch.manual_seed(case["seed"])
        model = module.ModelNew(*case["init_inputs"]).to("cuda")
        outputs = []

        def call():
            with torch.no_grad():
                outputs[:] = [model(*inputs)]

        hooks.timing = True  # count launches only: nothing but the launch inside the timed window
        try:
            call()
            _synchronize()
            protocol.send(sock, Ready(index).to_header())
            if protocol.recv(sock)[0].get("type") != "go":
                return False
            step = "timed"
            times = cuda_event_times(call, job.timing_repeats, flush[0])
        finally:
            hooks.timing = False
        protocol.send(sock, Timed(index, median_ms(times), hooks.reset().launches).to_header())
        step = "timing"
        timed, buffers = encode_outputs(outputs[0], [])
        protocol.send(sock, TimingOutputs(index, timed).to_header(), buffers)
        step = "timing_recheck"
        for target, fresh in zip(inputs, case["recheck_inputs"]):
            if isinstance(target, torch.Tensor) and isinstance(fresh, torch.Tensor):
                target.copy_(fresh.to(target.device))
        with torch.no_grad():
            output = model(*inputs)
        _synchronize()
        rechecked, buffers = encode_outputs(output, [])
        protocol.send(sock, RecheckOutputs(index, rechecked).to_header(), buffers)
        return True
    except BaseException as exc:
        protocol.send(sock, TIMING_STEPS[step](index, error=trim_traceback(exc)).to_header())
        return False
