"""Speed on a GPU, measured in the child that ran the correctness tests, one timed section per GPU at a time.

For each timing case the grader draws fresh inputs and re-check inputs from secret seeds (on the GPU), computes
the reference outputs for both, and drives the child through ``time`` → ``ready`` → ``go`` → ``timed`` →
``timing`` → ``timing_recheck`` (see ``kernelgym.sandbox.timing``). The GPU's timing lock is held from ``go`` to
``timed``: nothing else this machine's graders time (candidates or references) runs on that GPU meanwhile, while
correctness runs overlap freely. The eager reference is timed once per (problem, timing case, GPU) and grader,
under the same lock, with the same method (warm-up, L2 flush before each call, CUDA events, median).

Verdicts: a timing case is one more test. Its output must match the reference within the problem's tolerances at
the timing shapes (``TIMING_ATOL``/``TIMING_RTOL``, else ``ATOL``/``RTOL``),
or the answer is incorrect (no speed). After timing, the inputs are overwritten in place with the re-check values
and the model called once more: an output that then still equals the timed output while the reference changed is
evidence of a cache keyed by pointer or shape (``replayed_output_after_timing``, a hack); any other mismatch is an
incorrect answer. Outputs are compared on the GPU, from the grader's own copy of the bytes.

On CPU machines speed is not measured: the interpreter's wall clock says nothing about a GPU.
"""
from __future__ import annotations

import hashlib
import math
import os
import secrets
import tempfile
import threading
from dataclasses import dataclass

from .compare import Malformed, compare_outputs, decode_all
from .problem import reference_outputs
from .result import KernelResult
from .sandbox import protocol
from .sandbox.protocol import TIMING_STEPS, TimingOutputs
from .seeds import SeedSource

TIMED_KINDS = tuple(TIMING_STEPS)  # ready, timed, timing, timing_recheck


class GpuLock:
    """Exclusive timed sections on one GPU: a lock for this process's threads and ``flock`` on a file for other
    processes on the machine (several graders, a bench beside a training run)."""

    def __init__(self, name: str):
        self._thread_lock = threading.Lock()
        self._path = os.path.join(tempfile.gettempdir(), f"kernelgym-gpu-{name}.lock")
        self._fd: int | None = None

    def acquire(self) -> None:
        import fcntl

        self._thread_lock.acquire()
        try:
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(self._fd, fcntl.LOCK_EX)
        except OSError:
            self._close_file()  # no lock file (a read-only temp dir): threads of this process are still serialised

    def release(self) -> None:
        self._close_file()
        self._thread_lock.release()

    def _close_file(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing drops the flock
            self._fd = None

    def __enter__(self) -> "GpuLock":
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()


_LOCKS: dict[str, GpuLock] = {}
_LOCKS_GUARD = threading.Lock()


def gpu_lock(device: str = "cuda") -> GpuLock:
    """The timing lock of the GPU that ``device`` names (one per physical GPU, by its UUID where torch has it)."""
    import torch

    if torch.device(device).type != "cuda":
        name = str(device).replace(":", "")
    else:
        index = torch.device(device).index or 0
        props = torch.cuda.get_device_properties(index)
        name = str(getattr(props, "uuid", "") or f"index{index}").replace("/", "_")
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(name, GpuLock(name))


@dataclass
class TimingCase:
    """One timing case of one grading, as the grader holds it (tensors on the GPU)."""

    index: int
    seed: int
    init_inputs: list
    inputs: list
    recheck_inputs: list
    expected: list
    expected_recheck: list
    reference_ms: float


class ReferenceTimes:
    """Median milliseconds of the eager reference per (problem, timing case, GPU, repeats), measured once."""

    def __init__(self):
        self._times: dict[str, float] = {}
        self._lock = threading.Lock()

    def get(self, problem, index: int, case: dict, device: str, repeats: int) -> float:
        key = hashlib.sha256(repr((str(problem.path), problem.source, index, sorted(case.items()), device,
                                   repeats)).encode()).hexdigest()
        with self._lock:
            if key in self._times:
                return self._times[key]
        ms = self._measure(problem, case, device, repeats)
        with self._lock:
            return self._times.setdefault(key, ms)

    @staticmethod
    def _measure(problem, case: dict, device: str, repeats: int) -> float:
        import torch

        from .sandbox.timing import cuda_event_times, make_l2_flush, median_ms

        seed = secrets.randbits(31)
        init_inputs, inputs = _instantiate(problem, case, seed, device)
        model = problem.build_model(init_inputs, seed).to(device)

        def call():
            with torch.no_grad():
                model(*inputs)

        call()  # eager kernels load lazily: not in the timed calls
        with gpu_lock(device):
            return median_ms(cuda_event_times(call, repeats, make_l2_flush()))


def _instantiate(problem, case: dict, seed: int, device: str) -> tuple[list, list]:
    """Inputs drawn on the GPU (fast for large shapes); the tensors a problem places itself stay where it puts
    them, then move to ``device``."""
    import torch

    with torch.device(device):
        init_inputs, inputs = problem.instantiate(case, seed)
    return init_inputs, [x.to(device) if isinstance(x, torch.Tensor) else x for x in inputs]


def prepare_case(problem, index: int, case: dict, device: str, repeats: int, times: ReferenceTimes,
                 seeds: SeedSource | None = None) -> TimingCase:
    """Draw one timing case's inputs and re-check inputs from fresh seeds (secret unless the grading has a seed)
    and compute both references."""
    seeds = seeds or SeedSource(None)
    seed, recheck_seed = seeds.seed(), seeds.seed()
    init_inputs, inputs = _instantiate(problem, case, seed, device)
    recheck_inputs = _instantiate(problem, case, recheck_seed, device)[1]
    model = problem.build_model(init_inputs, seed).to(device)
    expected = reference_outputs(model, inputs)
    expected_recheck = reference_outputs(model, recheck_inputs)
    return TimingCase(index, seed, init_inputs, inputs, recheck_inputs, expected, expected_recheck,
                      times.get(problem, index, case, device, repeats))



class Timer:
    """The grader's side of timing in one run session: sends the cases, holds the GPU lock around each timed
    section, judges the outputs and sets ``result.speedup``.

    Args:
        problem: The problem (its ``timing_cases`` and ``timing_tolerances``).
        result: The grading record.
        send: Sends a message to the child (``header, buffers``).
        device: The GPU.
        repeats: Timed calls per case.
        times: The grader's cache of reference times.
        seeds: The grading's seed source (the timing cases' inputs are drawn from it).
    """

    def __init__(self, problem, result: KernelResult, send, device: str, repeats: int, times: ReferenceTimes,
                 seeds: SeedSource | None = None):
        self.problem, self.result, self.send = problem, result, send
        self.device, self.repeats, self.times = device, repeats, times
        self.seeds = seeds or SeedSource(None)
        self.cases: list[TimingCase] = []
        self.ratios: dict[int, float] = {}
        self._timed_output: list = []
        self._lock: GpuLock | None = None
        self.done = False

    def order(self) -> list[tuple[str, int]]:
        """The messages a full timing sends, in order."""
        return [(kind, index) for index in range(len(self.problem.timing_cases)) for kind in TIMED_KINDS]

    def start(self, eligible: bool) -> None:
        """Send the first case when the answer passed every test so far, else tell the child to stop."""
        if eligible and self.problem.timing_cases:
            self.result.tests_total += len(self.problem.timing_cases)
            self._send_case(0)
        else:
            self._stop()

    def handle(self, kind: str, index: int, header: dict, buffers: list) -> None:
        """Judge one message of the timing sequence, read through its record in ``TIMING_STEPS`` (its order is
        checked by the caller)."""
        message = TIMING_STEPS[kind].from_header(header)
        if message.error is not None:
            self._release()
            self._fail("runtime", f"timing case {index}: the answer raised\n{message.error}")
            return
        if kind == "ready":
            self._lock = gpu_lock(self.device)
            self._lock.acquire()
            self.send({"type": "go"})
        elif kind == "timed":
            self._release()
            if message.median_ms is not None:
                self.ratios[index] = self.cases[index].reference_ms / message.median_ms
        elif kind == "timing":
            self._judge_timed(index, message, buffers)
        elif kind == "timing_recheck":
            self._judge_recheck(index, message, buffers)

    def close(self) -> None:
        """Release the GPU lock if the session ended inside a timed section."""
        self._release()

    # --- internals ---------------------------------------------------------------------------------------
    def _send_case(self, index: int) -> None:
        case = prepare_case(self.problem, index, self.problem.timing_cases[index], self.device, self.repeats,
                            self.times, self.seeds)
        self.cases.append(case)
        field, buffers = protocol.pack({"seed": case.seed, "init_inputs": case.init_inputs,
                                        "inputs": case.inputs, "recheck_inputs": case.recheck_inputs})
        self.send({"type": "time", "index": index, "case": field}, buffers)
        case.inputs, case.recheck_inputs = [], []  # sent: the grader's GPU memory is needed by the next cases

    def _stop(self) -> None:
        self.done = True
        self.send({"type": "stop"})

    def _outputs(self, message: TimingOutputs, buffers: list) -> list | None:
        try:
            return [t.to(self.device) for t in decode_all(message.outputs.tensors, buffers)]
        except Malformed:
            self._fail("crash", "the answer's process broke the grading protocol (malformed tensors)")
            return None

    def _judge_timed(self, index: int, message: TimingOutputs, buffers: list) -> None:
        outputs = self._outputs(message, buffers)
        if outputs is None:
            return
        comparison = compare_outputs(self.cases[index].expected, outputs, *self.problem.timing_tolerances)
        if comparison.max_abs_error is not None:
            self.result.max_abs_error = max(self.result.max_abs_error or 0.0, comparison.max_abs_error)
            self.result.timing_max_abs_error = max(self.result.timing_max_abs_error or 0.0,
                                                   comparison.max_abs_error)
        if not comparison.ok:
            self._fail("incorrect", f"timing case {index} {self.problem.timing_cases[index]}: {comparison.message}")
            return
        self._timed_output = outputs
        self.cases[index].expected = []
        self.result.tests_passed += 1

    def _judge_recheck(self, index: int, message: TimingOutputs, buffers: list) -> None:
        import torch

        outputs = self._outputs(message, buffers)
        if outputs is None:
            return
        case = self.cases[index]
        if not compare_outputs(case.expected_recheck, outputs, *self.problem.timing_tolerances).ok:
            replayed = len(outputs) == len(self._timed_output) and all(
                a.dtype == b.dtype and torch.equal(a, b) for a, b in zip(outputs, self._timed_output))
            if replayed:
                self.result.flag("replayed_output_after_timing")
            self._fail("incorrect", f"re-check of timing case {index}: with its inputs overwritten in place by new "
                                    f"values, the answer's output no longer matched")
            return
        self._timed_output, case.expected_recheck = [], []
        if index + 1 < len(self.problem.timing_cases):
            self._send_case(index + 1)
            return
        self.done = True
        if set(self.ratios) == set(range(len(self.cases))) and not self.result.failure:
            self.result.speedup = math.exp(sum(math.log(r) for r in self.ratios.values()) / len(self.ratios))
            self.result.timings["timing_cases"] = float(len(self.ratios))
        self._stop()

    def _fail(self, failure: str, error: str) -> None:
        self.result.fail(failure, error)
        self.done = True
        self.ratios.clear()

    def _release(self) -> None:
        if self._lock is not None:
            lock, self._lock = self._lock, None
            lock.release()
