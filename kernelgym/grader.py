"""Grading one answer to one problem: the trusted side of KernelGym.

The grader parses the answer, runs static checks, builds secret-seeded inputs and the reference outputs in its
own process, sends only the inputs to a sandboxed child forked from a warm zygote, compares the raw output bytes
that come back, checks for hacks, compiles every launched kernel specialization for a real GPU target, and (on a
GPU) measures speed. ARCHITECTURE.md, "One grading, in the order the code runs it", walks through it.
"""
from __future__ import annotations

import dataclasses
import logging
import secrets
import threading
import time
from contextlib import closing
from dataclasses import dataclass, field

from .bounds import find_out_of_bounds
from .compare import Malformed, compare_outputs, decode_all
from .compile_cache import CompileCache
from .parsing import FormatError, parse_answer
from .problem import Problem, ProblemError, reference_outputs
from .result import KernelResult, KernelStats
from .rewards import total_reward
from .sanitize import find_compute_sanitizer, run_memcheck
from .seeds import SeedSource
from .sandbox.protocol import (MAX_SPECS, CompileOutcome, Compiled, Envelope, ImportFailure, Job, Run, RunResult,
                                Spec)
from .sandbox.isolation import Limits
from .sandbox.pool import Zygote
from .sandbox_session import Outbox, Sandbox, answer_step, in_order
from .static_checks import check_source, warm as warm_static_checks
from .timing import TIMED_KINDS, ReferenceTimes, Timer

log = logging.getLogger(__name__)  # sanitize without compute-sanitizer; the command line shows "warning: ..."

# Inputs and reference parameters come from torch's global RNG seeded per run: Problem.instantiate and
# Problem.build_model hold the problem module's lock while they seed and draw, so gradings in other threads cannot
# interleave their draws; the forward passes run unlocked.


class NoCudaError(RuntimeError):
    """``cuda`` was asked for on a machine where torch sees no CUDA GPU."""


def resolve_device(name: str) -> str:
    """The device a grader set to ``name`` runs on: ``"auto"`` is ``"cuda"`` when a CUDA GPU is visible, else
    ``"cpu"``; any other name is itself."""
    if name != "auto":
        return name
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def require_cuda(name: str) -> None:
    """Raise :class:`NoCudaError` at once if ``name`` asks for CUDA (``cuda``, ``cuda:1``) and none is visible."""
    if not name.startswith("cuda"):
        return
    import torch

    if not torch.cuda.is_available():
        build = "a CPU-only build" if torch.version.cuda is None else f"built for CUDA {torch.version.cuda}"
        raise NoCudaError(f"--device {name}: no CUDA GPU is visible here (torch {torch.__version__}, {build}); "
                          f"use --device cpu to grade under Triton's interpreter, or run on a machine with an "
                          f"NVIDIA GPU (`kernelgym doctor` tells what this machine supports)")


@dataclass
class GraderConfig:
    """Settings of a :class:`Grader`.

    Attributes:
        seeds: Seeds per test case (fresh secret inputs for each).
        timeout_s: Wall-clock limit for the candidate's process, per phase (run, compile).
        limits: OS resource limits of the sandboxed child.
        target: GPU target for the compile check: ``(backend, arch, warp_size)``, e.g. ``("cuda", 90, 32)``
            or ``("hip", "gfx942", 64)``.
        check_compile: Compile every launched specialization for ``target`` (CPU machines).
        check_bounds: On a GPU, also run every test case once under Triton's interpreter with its bounds checks,
            in a CPU child (:mod:`kernelgym.bounds`), so that an out-of-bounds access is refused as on a CPU
            machine, where every run is bounds-checked anyway.
        device: ``"auto"`` (CUDA when available), ``"cpu"`` or ``"cuda"``.
        timing_repeats: Timed calls per timing case on a GPU.
        tag: Answer tag when the prompt uses ``<tag>...</tag>`` instead of a fenced block.
        max_output_mb: Largest message accepted from a child.
        static_checks: Refuse answers flagged by the static checks before running them. Turn off only to test
            that the runtime layers hold on their own.
        workers: Warm zygotes per mode, and gradings in flight in :meth:`Grader.grade_many` (default: the
            number of cores). See :class:`kernelgym.sandbox.pool.ZygotePool`.
        seed: None (the default): every grading draws its inputs from secret seeds. An integer: the seeds derive
            from it and the problem (:class:`kernelgym.seeds.SeedSource`), so the same answer gets the same record
            on the same machine; for published benchmark numbers, not for training, where a model could learn
            fixed inputs.
        memory_budget_mb: The most memory one grading's test cases may need in the grader (estimated on meta
            tensors before anything is allocated); a larger problem is refused with ``ProblemError``. Default: a
            quarter of the machine's memory.
        sanitize: On a GPU, also run the smallest test case once under compute-sanitizer's memcheck, in a
            sandboxed GPU child (:mod:`kernelgym.sanitize`), for an answer not refused otherwise; an access error
            there is ``out_of_bounds``, as in the bounds pass. Without compute-sanitizer, or on CPU, a warning
            is logged once and grading goes on without it.
    """

    seeds: int = 2
    timeout_s: float = 120.0
    limits: Limits = field(default_factory=Limits)
    target: tuple = ("cuda", 90, 32)
    check_compile: bool = True
    check_bounds: bool = True
    device: str = "auto"
    timing_repeats: int = 20
    tag: str | None = None
    max_output_mb: int = 1024
    static_checks: bool = True
    workers: int | None = None
    seed: int | None = None
    memory_budget_mb: int | None = None
    sanitize: bool = False

    def __post_init__(self):
        """Refuse a bad field at once, naming it, rather than in the middle of a run."""
        _check_count("seeds", self.seeds, minimum=1)
        for name in ("check_compile", "check_bounds", "static_checks", "sanitize"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"GraderConfig.{name} must be True or False, not {getattr(self, name)!r}")
        _check_count("timing_repeats", self.timing_repeats, minimum=1)
        _check_count("max_output_mb", self.max_output_mb, minimum=1)
        for name in ("workers", "memory_budget_mb"):
            if getattr(self, name) is not None:
                _check_count(name, getattr(self, name), minimum=1)
        if self.seed is not None and (isinstance(self.seed, bool) or not isinstance(self.seed, int)):
            raise ValueError(f"GraderConfig.seed must be None or an integer, not {self.seed!r}")
        if isinstance(self.timeout_s, bool) or not isinstance(self.timeout_s, (int, float)) or not self.timeout_s > 0:
            raise ValueError(f"GraderConfig.timeout_s must be a positive number of seconds, not {self.timeout_s!r}")
        if self.device not in ("auto", "cpu", "cuda") and not str(self.device).startswith("cuda:"):
            raise ValueError(f"GraderConfig.device must be 'auto', 'cpu' or 'cuda', not {self.device!r}")
        if not isinstance(self.limits, Limits):
            raise ValueError(f"GraderConfig.limits must be a kernelgym.sandbox.isolation.Limits, not "
                             f"{type(self.limits).__name__}")
        backend = self.target[0] if isinstance(self.target, tuple) and len(self.target) == 3 else None
        if backend not in ("cuda", "hip"):
            raise ValueError(f"GraderConfig.target must be (backend, arch, warp_size) with backend 'cuda' or 'hip', "
                             f"e.g. ('cuda', 90, 32), not {self.target!r}")
        if self.tag is not None and not (isinstance(self.tag, str) and self.tag.isidentifier()):
            raise ValueError(f"GraderConfig.tag must be None or a tag name such as 'answer', not {self.tag!r}")


def _check_count(name: str, value, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"GraderConfig.{name} must be an integer of at least {minimum}, not {value!r}")


@dataclass
class _Expected:
    label: str
    run: Run
    inputs: list
    outputs: list
    min_bytes: int = 0  # inputs and parameters read once, outputs written once
    first_outputs: list | None = None  # the reference's answer to this run's first call (Run.first_inputs)


class Grader:
    """Grades answers in sandboxed children forked from warm zygotes (started on first use).

    Use as a context manager, or call :meth:`close`, to stop the zygotes.
    """

    def __init__(self, config: GraderConfig | None = None):
        self.config = config or GraderConfig()
        require_cuda(self.config.device)
        self._sandbox = Sandbox(self.config.timeout_s, self.config.max_output_mb, self.config.workers)
        self._compiled = CompileCache()
        self._reference_times = ReferenceTimes()
        self._case_mb: dict[tuple, int] = {}  # the largest timing case's size, per problem
        self._sanitizer_lock = threading.Lock()
        self._sanitizer_looked = False  # compute-sanitizer looked for (once per grader, see _compute_sanitizer)
        self._sanitizer_path: str | None = None

    def __enter__(self) -> "Grader":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._sandbox.close()

    @property
    def device(self) -> str:
        return resolve_device(self.config.device)

    @property
    def sandbox(self) -> Sandbox:
        """The one way this grader talks to sandboxed children (its warm zygotes, one session per job)."""
        return self._sandbox

    @property
    def modes(self) -> list[str]:
        """The zygote modes this grader's gradings use: ``cuda`` on a GPU, plus ``interpret`` with the bounds
        check; else ``interpret``, plus ``compile`` with the compile check."""
        if self.device != "cpu":
            return ["cuda", "interpret"] if self.config.check_bounds else ["cuda"]
        return ["interpret", "compile"] if self.config.check_compile else ["interpret"]

    def warm(self) -> list[str]:
        """Start every zygote of every mode this grader uses (``config.workers`` per mode) now, in parallel,
        rather than on the first gradings, and import what the static checks resolve names against and what
        :meth:`check_size` draws meta tensors with; return the modes."""
        if self.config.static_checks:
            warm_static_checks()
        _warm_meta_tensors()
        modes = self.modes
        self._sandbox.warm(modes)
        return modes

    def zygote(self, mode: str) -> Zygote:
        """The first zygote of a mode's pool (for inspection)."""
        return self._sandbox.pool(mode).first()

    # --- the grading ---------------------------------------------------------------------------------
    def grade_many(self, items: list[tuple[Problem, str]], workers: int | None = None,
                   allow_plain_source: bool = False) -> list[KernelResult]:
        """Grade a batch in parallel (one sandboxed child per answer); results come back in input order.

        Args:
            items: ``(problem, completion)`` pairs.
            workers: Gradings in flight at once (default: ``config.workers``, else the number of cores).
            allow_plain_source: As for :meth:`grade`.
        """
        import os
        from concurrent.futures import ThreadPoolExecutor

        workers = workers or self.config.workers or os.cpu_count() or 1
        with ThreadPoolExecutor(workers) as pool:
            return list(pool.map(lambda item: self.grade(*item, allow_plain_source=allow_plain_source), items))

    def grade(self, problem: Problem, completion: str, allow_plain_source: bool = False) -> KernelResult:
        """Grade one completion (or plain source, if allowed) against a problem. Never raises for model errors.

        Raises:
            ProblemError: The problem's own code raised while building its inputs or reference outputs.
        """
        started = time.monotonic()
        result = KernelResult(problem=problem.name)
        try:
            answer = parse_answer(completion, tag=self.config.tag, allow_plain_source=allow_plain_source)
        except FormatError as exc:
            return self._finish(result.fail("format", str(exc)), started)
        result.format_ok = True
        hacks = check_source(answer.source) if self.config.static_checks else []  # both parse under safe_ast's lock
        for hack in hacks:
            result.flag(hack)
        if result.hacks:
            return self._finish(result.fail("static", "refused before running: " + ", ".join(result.hacks)),
                                started)
        phase = time.monotonic()
        seeds = self._seeds(problem)
        self.check_size(problem)
        try:
            expected, ablation = self._references(problem, seeds)
        except Exception as exc:  # the problem's own code (Model, get_inputs, forward): the problem is unusable
            lines = str(exc).strip().splitlines()
            raise ProblemError(f"{problem.path}: the reference raised {type(exc).__name__}: "
                               f"{lines[0] if lines else ''}") from exc
        result.timings["reference_s"] = time.monotonic() - phase
        phase = time.monotonic()
        specs = self._run(problem, answer.source, expected, ablation, result, seeds)
        result.timings["run_s"] = time.monotonic() - phase
        if self.device == "cpu" and self.config.check_compile and specs and not result.failure == "timeout":
            phase = time.monotonic()
            self._compile(answer.source, specs, result, problem_directories(problem))
            result.timings["compile_s"] = time.monotonic() - phase
        elif self.device != "cpu":
            result.compiled = result.launches > 0 and result.failure != "compile"
            if self.config.check_bounds and result.failure != "timeout":
                phase = time.monotonic()
                self._bounds(problem, answer.source, result, seeds)
                result.timings["bounds_s"] = time.monotonic() - phase
            if self.config.sanitize and result.failure in ("", "incorrect", "runtime") and not result.hacks \
                    and self._compute_sanitizer():
                phase = time.monotonic()
                self._sanitize(problem, answer.source, result, seeds)
                result.timings["sanitize_s"] = time.monotonic() - phase
        elif not self.config.check_compile:
            result.compiled = result.launches > 0
        if self.device == "cpu" and self.config.sanitize:
            self._compute_sanitizer()  # warns once: nothing to run it on
        result.correct = (result.tests_total > 0 and result.tests_passed == result.tests_total
                          and result.compiled and not result.hacks and not result.failure)
        if result.tests_passed < result.tests_total and not result.failure:
            result.fail("incorrect", "some tests failed")
        return self._finish(result, started)

    def _finish(self, result: KernelResult, started: float) -> KernelResult:
        result.timings["total_s"] = time.monotonic() - started
        return result

    def _references(self, problem: Problem, seeds: SeedSource | None = None) -> tuple[list[_Expected], _Expected]:
        seeds = seeds or self._seeds(problem)
        expected = []
        poison = seeds.choice(range(0x31, 0x7C))  # finite in every float format; differs from the NaN fill
        for case_index, case in enumerate(problem.test_cases):
            for seed_index in range(self.config.seeds):
                label = f"test case {case_index} {case or '(default sizes)'}, seed #{seed_index}"
                expected.append(self._reference(problem, case, label, seeds, poison if seed_index % 2 else None))
        self._precede_with_a_first_call(problem, expected, seeds)
        ablation = self._reference(problem, problem.test_cases[0], "ablation", seeds)
        return expected, ablation

    def _seeds(self, problem: Problem) -> SeedSource:
        """The seed source of one grading of ``problem`` (secret unless the config has a grading seed)."""
        return SeedSource(self.config.seed, problem.name, problem.source)

    def _precede_with_a_first_call(self, problem: Problem, expected: list[_Expected], seeds: SeedSource) -> None:
        """Make one judged run a second call: the same process first runs the answer on other inputs of the same
        shapes, so state kept between calls (a cache keyed by shape or pointer, a warm-up that only the first call
        does right) shows in that run's output. The run is of the largest test case, where a shortcut taken after
        the first call has the most to leave out; its first call takes the inputs of that case's seed #0 or, with
        one seed per case, fresh inputs. The reference's answer to the first call (with the run's own model) is
        kept, so that a replay of it is recognised."""
        def size(entry: _Expected) -> int:
            return sum(value.numel() for value in entry.run.inputs if hasattr(value, "numel"))

        per_case = self.config.seeds
        largest = max(range(len(problem.test_cases)), key=lambda case: size(expected[case * per_case]))
        target = expected[largest * per_case + (1 if per_case > 1 else 0)]
        if per_case > 1:
            first_inputs = expected[largest * per_case].run.inputs
        else:
            _, first_inputs = problem.instantiate(problem.test_cases[largest], seeds.seed())
        target.run.first_inputs = first_inputs
        target.first_outputs = _reference_outputs(problem, target.run.init_inputs, target.run.seed, first_inputs)

    def _reference(self, problem: Problem, case: dict, label: str, seeds: SeedSource,
                   poison: int | None = None) -> _Expected:
        import torch

        seed = seeds.seed()
        init_inputs, inputs = problem.instantiate(case, seed)
        model = problem.build_model(init_inputs, seed)
        outputs = _outputs_of(model, inputs)
        run = Run(label=label, init_inputs=init_inputs, inputs=inputs, seed=seed, poison=poison)
        tensors = [x for x in inputs if isinstance(x, torch.Tensor)] + outputs + list(model.parameters()) \
            + list(model.buffers())
        min_bytes = sum(t.numel() * t.element_size() for t in tensors)
        return _Expected(label, run, [x.clone() if isinstance(x, torch.Tensor) else x for x in inputs], outputs,
                         min_bytes)

    # --- the sandboxed run ---------------------------------------------------------------------------
    def _run(self, problem, source, expected: list[_Expected], ablation: _Expected, result: KernelResult,
             seeds: SeedSource | None = None) -> list:
        """The sandboxed run: every test, the no-op ablation and, on a GPU, the timing cases, in one child."""
        mode = "interpret" if self.device == "cpu" else "cuda"
        gpu = self.device != "cpu"
        job = Job(kind="run", source=source, workdir="", secret=secrets.token_hex(16), limits=self._limits(problem),
                  device=self.device, runs=[e.run for e in expected], ablation=ablation.run,
                  timing=gpu and bool(problem.timing_cases), timing_repeats=self.config.timing_repeats,
                  hidden=problem_directories(problem))
        result.tests_total = len(expected)
        outbox = Outbox()
        timer = Timer(problem, result, outbox.send, self.device, self.config.timing_repeats, self._reference_times,
                      seeds or self._seeds(problem))
        specs: list[Spec] = []
        ops: dict[str, int] = {}
        errors: list[str] = []
        efficiencies: list[float] = []
        order = [("run", index) for index in range(len(expected))] + [("ablation", 0)]
        order += timer.order() if job.timing else []
        session = self._sandbox.session(mode, job, result, outbox, max_bytes=self._max_message_bytes(problem))
        try:
            with closing(in_order(session, result, order)) as messages:
                for header, buffers in messages:  # in_order passed only the expected kinds and indices
                    envelope = Envelope.from_header(header)
                    kind, index = envelope.kind, envelope.index
                    if kind == ImportFailure.KIND:
                        failure = ImportFailure.from_header(header)
                        result.fail("runtime", f"importing the answer failed:\n{failure.error}")
                        continue
                    if kind in TIMED_KINDS:
                        if not answer_step(timer.handle, outbox, result, kind, index, header, buffers) or \
                                (timer.done and result.failure):
                            break
                        continue
                    message = RunResult.from_header(header)
                    target = expected[index] if kind == "run" else ablation
                    if kind == "run":
                        result.launches += message.launches
                    for op in message.ops:
                        ops[op] = ops.get(op, 0) + 1
                    specs.extend(message.specs)
                    moved = message.bytes_loaded + message.bytes_stored
                    if kind == "run" and moved and message.error is None:
                        efficiencies.append(min(1.0, target.min_bytes / moved))
                    if not self._judge_run(message, buffers, target, problem, result, errors, expected):
                        break  # a protocol violation ends the session (closing it kills the child)
                    if kind == "ablation" and job.timing:
                        clean = (not errors and not ops and not result.failure and not result.hacks
                                 and result.launches > 0 and result.tests_passed == result.tests_total)
                        if not answer_step(timer.start, outbox, result, clean):
                            break
        finally:
            timer.close()
        if result.launches == 0 and result.tests_total and not result.failure in ("runtime", "timeout", "crash"):
            result.flag("no_triton_launch")
        for op in sorted(ops):
            result.flag(f"torch_fallback:{op}")
        if errors and not result.failure:
            result.fail("incorrect", errors[0])
        if efficiencies and self.device == "cpu":
            result.traffic_efficiency = round(sum(efficiencies) / len(efficiencies), 4)
        return specs[:MAX_SPECS]

    def _limits(self, problem: Problem) -> Limits:
        """The child's limits: on a GPU, host memory grows by four times what its largest timing case moves
        through it, and the GPU memory budget defaults to :func:`_gpu_share_mb`."""
        limits = self.config.limits
        if self.device == "cpu":
            return limits
        budget = limits.gpu_memory_mb or _gpu_share_mb(self.device, self.config.workers)
        return dataclasses.replace(limits, memory_mb=limits.memory_mb + 4 * self._timing_case_mb(problem),
                                   gpu_memory_mb=budget)

    def check_size(self, problem: Problem) -> None:
        """Refuse, before allocating anything, a problem whose test cases would not fit the memory budget: the
        grader holds every run's inputs (twice) and expected outputs at once.

        Raises:
            ProblemError: The estimate (from meta tensors) exceeds ``GraderConfig.memory_budget_mb``.
        """
        key = ("tests", str(problem.path), problem.source, repr(problem.test_cases))
        if key not in self._case_mb:  # the inputs alone (no model, no forward), with outputs as large again
            self._case_mb[key] = 2 * sum(_inputs_mb(problem, case) for case in problem.test_cases)
        need_mb = 2 * (self.config.seeds + 1) * self._case_mb[key]
        budget_mb = self.config.memory_budget_mb or _memory_budget_mb()
        if need_mb > budget_mb:
            raise ProblemError(f"{problem.path}: too large for this machine: its test cases need about "
                               f"{need_mb / 1024:.1f} GB, over the budget of {budget_mb / 1024:.1f} GB "
                               f"(GraderConfig.memory_budget_mb); make TEST_CASES smaller, or use --set")

    def _timing_case_mb(self, problem: Problem) -> int:
        """Megabytes of inputs and outputs of the problem's largest timing case, computed once per problem."""
        key = (str(problem.path), problem.source, repr(problem.timing_cases))
        if key not in self._case_mb:
            self._case_mb[key] = max([_case_mb(problem, case) for case in problem.timing_cases] or [0])
        return self._case_mb[key]

    def _max_message_bytes(self, problem: Problem) -> int:
        """The largest message the child may send: the configured cap, or more where an honest answer's outputs
        need it (twice the largest timing case's size), so no size limit fails an honest answer."""
        floor = self.config.max_output_mb * 2**20
        return max(floor, 2 * self._timing_case_mb(problem) * 2**20) if self.device != "cpu" else floor

    def _judge_run(self, message: RunResult, buffers, target: _Expected, problem, result, errors,
                   others: list[_Expected]) -> bool:
        """Judge one run or the ablation; False when the message broke the protocol (the session must end).

        An output that fails its own reference but matches the reference of another run of this grading (whose
        expected output differs) is a replay of state kept from that run: ``replayed_output``."""
        kind = message.kind
        if message.error is not None:
            if kind == "run":
                failure = "out_of_bounds" if message.out_of_bounds else "runtime"
                failure = "compile" if message.compile_error else failure
                result.fail(failure, f"{target.label}: the answer raised\n{message.error}")
            return True
        try:
            outputs = decode_all(message.outputs.tensors, buffers)
            inputs_after = decode_all(message.outputs.inputs_after, buffers[len(outputs):])
        except Malformed:
            result.fail("crash", "the answer's process broke the grading protocol (malformed tensors)")
            return False
        if message.outputs.not_plain:
            result.flag("output_not_plain_tensor")
        if message.outputs.aliases_input:
            result.flag("output_aliases_input")
        if kind == "run" and _inputs_changed(target.inputs, inputs_after):
            result.flag("input_mutated")
        comparison = compare_outputs(target.outputs, outputs, problem.atol, problem.rtol)
        if not comparison.ok and _replays_another_run(outputs, target, others, problem.atol, problem.rtol):
            result.flag("replayed_output")
        if kind == "ablation":
            if comparison.ok:
                result.flag("noop_still_correct")
            return True
        if comparison.max_abs_error is not None:
            result.max_abs_error = max(result.max_abs_error or 0.0, comparison.max_abs_error)
        if comparison.ok:
            result.tests_passed += 1
        else:
            errors.append(f"{target.label}: {comparison.message}")
        return True

    # --- bounds check on a GPU -----------------------------------------------------------------------
    def _bounds(self, problem: Problem, source: str, result: KernelResult, seeds: SeedSource) -> None:
        """Refuse an answer whose kernels access memory out of bounds under the interpreter, as a CPU machine
        would: ``out_of_bounds`` (over a GPU's runtime error, crash or wrong result from the same access), and no test of an
        offending case counts as passed."""
        found = find_out_of_bounds(self._sandbox, problem, source, self.config.limits, tuple(self.config.target),
                                   problem_directories(problem), seeds)
        if not found:
            return
        _void(result, self.config.seeds * len(found), f"{found[0].label}: the answer raised\n{found[0].error}")

    # --- compute-sanitizer on a GPU ------------------------------------------------------------------
    def _compute_sanitizer(self) -> str | None:
        """compute-sanitizer's path where ``sanitize`` can use it; else None, with a warning logged once per
        grader (on CPU, or where it is not installed)."""
        with self._sanitizer_lock:
            if not self._sanitizer_looked:
                self._sanitizer_looked = True
                self._sanitizer_path = find_compute_sanitizer() if self.device != "cpu" else None
                if self.device == "cpu":
                    log.warning("sanitize: compute-sanitizer checks GPU runs and this grader runs on the CPU; "
                                "gradings go on without it (every CPU run is bounds-checked anyway)")
                elif self._sanitizer_path is None:
                    log.warning("sanitize: compute-sanitizer was not found on PATH, in $CUDA_HOME/bin or in "
                                "/usr/local/cuda/bin; gradings go on without it (it comes with the CUDA toolkit)")
        return self._sanitizer_path

    def _sanitize(self, problem: Problem, source: str, result: KernelResult, seeds: SeedSource) -> None:
        """Refuse an answer whose smallest test case makes memcheck report an access error on the GPU, as the
        bounds pass does: ``out_of_bounds``, and no test of that case counts as passed."""
        found = run_memcheck(self._sandbox, self._sanitizer_path, problem, source, self._limits(problem),
                             tuple(self.config.target), problem_directories(problem), seeds, self.device)
        if found.out_of_bounds:
            _void(result, self.config.seeds, found.error)
        elif found.problem:
            log.warning("sanitize: %s: the memcheck run did not complete, so it found nothing: %s", problem.name,
                         found.problem[-500:])

    # --- compile check -------------------------------------------------------------------------------
    def _compile(self, source: str, specs: list[Spec], result: KernelResult, hidden: list[str]) -> None:
        specs = _unique(specs)
        target = tuple(self.config.target)
        keys = [CompileCache.key(source, spec, target) for spec in specs]
        known = {i: self._compiled.get(key) for i, key in enumerate(keys)}
        missing = [spec for i, spec in enumerate(specs) if known[i] is None]
        fresh: list[CompileOutcome] = []
        if missing:
            job = Job(kind="compile", source=source, workdir="", secret=secrets.token_hex(16),
                      limits=self.config.limits, specs=missing, target=target, hidden=list(hidden))
            session = KernelResult()  # trusted only if the session ends cleanly, with one "compiled" message
            replies = [Compiled.from_header(h) for h, _ in self._sandbox.session("compile", job, session)
                       if Envelope.from_header(h).kind == Compiled.KIND]
            for hack in session.hacks:
                result.flag(hack)
            if session.failure or len(replies) != 1:
                result.fail(session.failure or "crash", session.error or "the compile check's process sent "
                                                                         f"{len(replies)} results instead of one")
            else:
                fresh = list(replies[0].results)
            if len(fresh) == len(missing):
                for key, outcome in zip([k for i, k in enumerate(keys) if known[i] is None], fresh):
                    self._compiled.put(key, outcome)
        fresh_iter = iter(fresh)
        outcome = [known[i] if known[i] is not None else next(fresh_iter, None) for i in range(len(specs))]
        outcome = [r for r in outcome if r is not None]
        result.timings["compiled_specs"] = float(len(missing))
        failed = [r for r in outcome if not r.ok]
        result.kernel_stats += [KernelStats(r.kernel, **r.stats) for r in outcome if r.ok and r.stats is not None]
        result.compiled = bool(outcome) and not failed
        if failed:
            message = (f"{failed[0].kernel or 'the answer'} does not compile for {self.config.target[0]} "
                       f"{self.config.target[1]}:\n{failed[0].error}")
            if result.failure == "runtime":  # the interpreter stumbled where a GPU's compiler stops first
                result.failure, result.error = "compile", f"{message}\n(under the interpreter: {result.error[-500:]})"
            result.fail("compile", message)


def _void(result: KernelResult, runs: int, error: str) -> None:
    """An out-of-bounds access found after the runs: ``runs`` tests no longer count as passed, and the failure is
    ``out_of_bounds`` (over a GPU's runtime error, crash or wrong result from the same access)."""
    result.tests_passed = min(result.tests_passed, max(0, result.tests_total - runs))
    if result.failure in ("", "runtime", "crash", "incorrect"):
        result.failure, result.error = "out_of_bounds", error


def problem_directories(problem: Problem) -> list[str]:
    """The directories a candidate must not see: the problem's own, and its suite's when it sits in ``levelN``."""
    directory = problem.path.parent
    hidden = [str(directory)]
    if directory.name.startswith("level"):
        hidden.insert(0, str(directory.parent))
    return hidden


def _outputs_of(model, inputs: list) -> list:
    """The reference model's outputs for ``inputs`` (left untouched), as a list of CPU tensors."""
    return [t.cpu() for t in reference_outputs(model, inputs)]


def _reference_outputs(problem: Problem, init_inputs: list, seed: int, inputs: list) -> list:
    """What the reference model built from ``init_inputs`` and ``seed`` answers for other ``inputs``."""
    return _outputs_of(problem.build_model(init_inputs, seed), inputs)


def _replays_another_run(outputs: list, target: _Expected, others: list[_Expected], atol: float,
                         rtol: float) -> bool:
    """Whether ``outputs`` (which fail ``target``) match the reference's answer to another call of this grading
    (another run, or ``target``'s own first call) that ``target``'s expected outputs do not match: an answer to
    those inputs, not to this run's."""
    answers = [other.outputs for other in others if other is not target]
    answers += [target.first_outputs] if target.first_outputs is not None else []
    for answer in answers:
        if compare_outputs(answer, outputs, atol, rtol).ok and \
                not compare_outputs(target.outputs, answer, atol, rtol).ok:
            return True
    return False


def _inputs_changed(before: list, after: list) -> bool:
    import torch

    tensors = [x for x in before if isinstance(x, torch.Tensor)]
    if len(tensors) != len(after):
        return True
    return any(a.shape != b.shape or not torch.equal(a.reshape(-1).view(torch.uint8) if a.numel() else a,
                                                     b.reshape(-1).view(torch.uint8) if b.numel() else b)
               for a, b in zip((t.contiguous() for t in tensors), after))


def _warm_meta_tensors() -> None:
    """Arithmetic on the meta device imports torch's decompositions (about 1.5 s, once per process)."""
    import torch

    with torch.device("meta"):
        torch.ones(1) * 2.0


def _inputs_mb(problem: Problem, case: dict) -> int:
    """The inputs of one case, drawn on the meta device (no memory); 0 where they cannot be."""
    import torch

    try:
        with torch.device("meta"):
            _, inputs = problem.instantiate(case, 0)
    except Exception:
        return 0
    return -(-sum(t.numel() * t.element_size() for t in inputs if isinstance(t, torch.Tensor)) // 2**20)


def _case_mb(problem: Problem, case: dict) -> int:
    """Inputs and outputs of one case, measured on the meta device (no memory, no compute)."""
    import torch

    def size(tensors) -> int:
        return sum(t.numel() * t.element_size() for t in tensors if isinstance(t, torch.Tensor))

    try:
        with torch.device("meta"):
            init_inputs, inputs = problem.instantiate(case, 0)
    except Exception:  # inputs that cannot be drawn on meta tensors: no allowance
        return 0
    try:
        with torch.device("meta"):
            out = problem.build_model(init_inputs, 0)(*inputs)
        outputs = size(out if isinstance(out, (tuple, list)) else [out])
    except Exception:  # a forward that meta tensors cannot run: assume outputs as large as the inputs
        outputs = size(inputs)
    return -(-(size(inputs) + outputs) // 2**20)


def _memory_budget_mb() -> int:
    """A quarter of the machine's memory: gradings run side by side, and each child needs its own share."""
    import psutil

    return int(psutil.virtual_memory().total / 4 / 2**20)


def _gpu_share_mb(device: str, workers: int | None) -> int:
    """An equal share of half the GPU's memory per grading in flight, at least 2 GB (the grader's own reference
    computations and the CUDA contexts need the rest)."""
    import os

    import torch

    total = torch.cuda.get_device_properties(torch.device(device).index or 0).total_memory
    return max(2048, int(0.5 * total / 2**20 / (workers or os.cpu_count() or 1)))


def _unique(specs: list[Spec]) -> list[Spec]:
    """The specializations in order, each once."""
    unique: dict[str, Spec] = {}
    for spec in specs:
        unique.setdefault(repr(spec), spec)
    return list(unique.values())


def reward_of(result: KernelResult) -> float:
    """The default total reward of a grading record."""
    return total_reward(result)
