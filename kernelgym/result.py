"""The grading record: what the grader concluded about one answer to one problem."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field


@dataclass
class KernelStats:
    """Static cost figures of one compiled kernel specialization, read from the GPU binary without a GPU.

    Attributes:
        kernel: Kernel name.
        registers: Registers per thread.
        spill_bytes: Local-memory bytes per thread (register spills).
        shared_bytes: Shared memory per block.
        num_warps: Warps per block.
        occupancy: Estimated fraction of the SM's warp slots filled (registers, shared memory, warps).
        global_loads_vector: Vector global-load instructions (``ld.global.v2/v4``) in the PTX.
        global_loads_scalar: Scalar global-load instructions.
        global_stores_vector: Vector global-store instructions.
        global_stores_scalar: Scalar global-store instructions.
    """

    kernel: str
    registers: int | None = None
    spill_bytes: int | None = None
    shared_bytes: int | None = None
    num_warps: int | None = None
    occupancy: float | None = None
    global_loads_vector: int = 0
    global_loads_scalar: int = 0
    global_stores_vector: int = 0
    global_stores_scalar: int = 0


@dataclass
class KernelResult:
    """Outcome of grading one candidate answer.

    Model failures (bad format, compile errors, wrong numbers, cheats, crashes) are scored here; harness bugs
    raise instead.

    Attributes:
        problem: Problem name (the problem file's stem).
        format_ok: The answer held exactly one Python block defining ``ModelNew`` and a ``@triton.jit`` kernel.
        compiled: Every kernel specialization the candidate launched compiled for the real GPU target.
        correct: Every test passed and no hack was detected.
        tests_passed: Number of (test case, seed) runs whose outputs matched the reference.
        tests_total: Number of (test case, seed) runs attempted.
        max_abs_error: Largest absolute difference seen over finite elements (None if nothing was compared).
        timing_max_abs_error: The same at the GPU timing shapes, which are judged with ``TIMING_ATOL`` /
            ``TIMING_RTOL`` (None where none was compared: on CPU, or an answer that failed a test).
        hacks: Named hack flags, for example ``torch_fallback:aten.mm`` or ``noop_still_correct``.
        speedup: Reference time / candidate time on a GPU; None where speed was not measured.
        error: Short text for the model and the user ("" when clean).
        failure: Category of the first failure: format, static, runtime, timeout, crash, incorrect,
            out_of_bounds, compile, or "" when none.
        launches: Triton launches seen over the correctness runs.
        network_isolated: The candidate's process ran without network access.
        isolation: The sandbox layers that took effect (see ``kernelgym.sandbox.isolation``).
        traffic_efficiency: A CPU proxy for speed, not a measurement: the minimum bytes the operation must move
            (inputs and parameters read once, outputs written once) over the bytes the candidate's kernels loaded
            and stored under the interpreter, averaged over the correctness runs and capped at 1.
        kernel_stats: Static GPU cost figures per compiled kernel specialization (compile check only).
        timings: Seconds spent per phase (parse, reference, run, compile, total) and, on a GPU, milliseconds.
    """

    problem: str = ""
    format_ok: bool = False
    compiled: bool = False
    correct: bool = False
    tests_passed: int = 0
    tests_total: int = 0
    max_abs_error: float | None = None
    timing_max_abs_error: float | None = None
    hacks: list[str] = field(default_factory=list)
    speedup: float | None = None
    error: str = ""
    failure: str = ""
    launches: int = 0
    network_isolated: bool = False
    isolation: list[str] = field(default_factory=list)
    traffic_efficiency: float | None = None
    kernel_stats: list[KernelStats] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def fail(self, failure: str, error: str) -> "KernelResult":
        """Record the first failure (later ones do not overwrite it) and return self."""
        if not self.failure:
            self.failure, self.error = failure, error
        return self

    def flag(self, hack: str) -> None:
        """Add a hack flag once."""
        if hack not in self.hacks:
            self.hacks.append(hack)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "KernelResult":
        """The record that :meth:`to_dict` wrote (fields it does not know are ignored).

        >>> KernelResult.from_dict(KernelResult(problem="p", kernel_stats=[KernelStats("k")]).to_dict()).kernel_stats
        [KernelStats(kernel='k', registers=None, spill_bytes=None, shared_bytes=None, num_warps=None, occupancy=None, global_loads_vector=0, global_loads_scalar=0, global_stores_vector=0, global_stores_scalar=0)]
        """
        names = {f.name for f in dataclasses.fields(cls)}
        fields = {key: value for key, value in data.items() if key in names}
        fields["kernel_stats"] = [KernelStats(**stats) for stats in fields.get("kernel_stats", [])]
        return cls(**fields)
