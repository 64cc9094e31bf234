"""Out-of-bounds accesses on a GPU, found by NVIDIA's compute-sanitizer (``GraderConfig(sanitize=True)``).

The interpreter's bounds pass (:mod:`kernelgym.bounds`) checks every test case on the CPU; with ``sanitize`` a GPU
grading also runs its smallest test case once on the GPU under compute-sanitizer's memcheck, which sees what the
real kernel does (the code the GPU compiler made, not the interpreter's reading of it). A memcheck access error
gives the same verdict as the bounds pass: ``out_of_bounds``, and no test of that case counts as passed.

compute-sanitizer must start the process it checks, so the child is not forked from a warm zygote: the grader
starts ``compute-sanitizer ... python -m kernelgym.sandbox.sanitized SOCKET`` (:mod:`kernelgym.sandbox.sanitized`),
which confines itself with every layer of a GPU child and talks to the grader over the same protocol, through
:meth:`kernelgym.sandbox_session.Sandbox.session`. The channel's socket and memcheck's log file sit in a private
directory of the grader's (mode 0700) that the child's mount namespace covers with an empty file system, and the
child's PID namespace does not hold compute-sanitizer: the child can neither see nor write the log. The verdict
comes only from what compute-sanitizer itself says: its exit status and its log (:mod:`kernelgym.memcheck`).

Not covered: memcheck's checking code runs inside the checked process (as the launch counter does), so an answer
that reaches it could hide its own errors from it (never fake another answer's); the bounds pass still applies.
"""
from __future__ import annotations

import dataclasses
import os
import secrets
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass

from . import memcheck
from .problem import Problem
from .result import KernelResult
from .sandbox.child import UNCACHED_ALLOCATOR
from .sandbox.isolation import Limits
from .sandbox.pool import Spawned, kill_child
from .sandbox.protocol import Envelope, ImportFailure, Job, Run, RunResult
from .sandbox_session import Sandbox, in_order
from .seeds import SeedSource

# Where compute-sanitizer is looked for after PATH: the CUDA toolkit's bin folders.
TOOLKIT_BINS = ("CUDA_HOME", "CUDA_PATH")
DEFAULT_TOOLKIT = "/usr/local/cuda"
TARGET_GRACE_S = 2.0  # how long the checked tree may take to exit by itself once the session ended
EXIT_GRACE_S = 30.0  # how long compute-sanitizer may take to write its summary and exit after its target ended
# What compute-sanitizer's environment keeps of the grader's (as a zygote's does), and what it adds.
ENVIRONMENT = ("PATH", "HOME", "LANG", "PYTHONPATH", "TRITON_DEFAULT_FP_FUSION", "CUDA_VISIBLE_DEVICES",
               "NVIDIA_VISIBLE_DEVICES", "LD_LIBRARY_PATH")


class SanitizerStartError(RuntimeError):
    """compute-sanitizer did not start the child (its own output says why)."""


def find_compute_sanitizer() -> str | None:
    """The ``compute-sanitizer`` executable: on PATH, else in ``$CUDA_HOME/bin``, ``$CUDA_PATH/bin`` or
    ``/usr/local/cuda/bin``; None when there is none."""
    found = shutil.which("compute-sanitizer")
    if found:
        return found
    roots = [os.environ[name] for name in TOOLKIT_BINS if os.environ.get(name)] + [DEFAULT_TOOLKIT]
    for root in roots:
        candidate = os.path.join(root, "bin", "compute-sanitizer")
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


@dataclass(frozen=True)
class Sanitized:
    """What one memcheck run of an answer's smallest test case found.

    Attributes:
        case: Index of the test case in ``problem.test_cases``.
        label: The run's label, as in a grading's error text.
        exit_status: compute-sanitizer's exit status (None: it did not end by itself).
        report: What its log says.
        isolation: The layers the checked child reported (its ``hello``).
        problem: Why the check did not complete ("" when it did): the sanitizer did not start the child, the
            session failed, or the log has no summary. Only an access error that memcheck reported counts then;
            its absence proves nothing.
    """

    case: int
    label: str
    exit_status: int | None
    report: memcheck.Report
    isolation: tuple[str, ...] = ()
    problem: str = ""

    @property
    def out_of_bounds(self) -> bool:
        """memcheck found an access error (see :func:`kernelgym.memcheck.out_of_bounds`)."""
        return memcheck.out_of_bounds(self.exit_status, self.report)

    @property
    def error(self) -> str:
        """The error text of an out-of-bounds verdict: the first access error's record."""
        return f"{self.label}: compute-sanitizer's memcheck found\n{self.report.access[0]}" if self.report.access \
            else ""


def smallest_case(problem: Problem) -> int:
    """The index of the test case whose inputs are smallest (drawn on the meta device; the first on a tie, or
    where they cannot be drawn there)."""
    import torch

    sizes = []
    for case in problem.test_cases:
        try:
            with torch.device("meta"):
                _, inputs = problem.instantiate(case, 0)
            sizes.append(sum(t.numel() * t.element_size() for t in inputs if isinstance(t, torch.Tensor)))
        except Exception:
            return 0
    return sizes.index(min(sizes)) if sizes else 0


def run_memcheck(sandbox: Sandbox, executable: str, problem: Problem, source: str, limits: Limits, target: tuple,
                 hidden: list[str], seeds: SeedSource, device: str) -> Sanitized:
    """Run ``source`` once on the problem's smallest test case in a sandboxed child under memcheck.

    Args:
        sandbox: The grader's sandbox (its deadline and message limit apply).
        executable: compute-sanitizer (:func:`find_compute_sanitizer`).
        problem: The problem.
        source: The answer's code.
        limits: The child's OS limits (its GPU memory share is dropped: the caching allocator is off here).
        target: The compile target (what ``torch.cuda`` reports on CPU).
        hidden: Directories the child must not see.
        seeds: The grading's seed source.
        device: ``cuda`` (or ``cuda:N``); ``cpu`` only to test the plumbing with a stand-in sanitizer.
    """
    index = smallest_case(problem)
    case = problem.test_cases[index]
    seed = seeds.seed()
    init_inputs, inputs = problem.instantiate(case, seed)
    label = f"test case {index} {case or '(default sizes)'}, under compute-sanitizer's memcheck"
    private = tempfile.mkdtemp(prefix="kernelgym-sanitizer-")  # mode 0700: the grader's alone
    run = Run(label=label, init_inputs=_on_cpu(init_inputs), inputs=_on_cpu(inputs), seed=seed)
    job = Job(kind="run", source=source, workdir="", secret=secrets.token_hex(16),
              limits=dataclasses.replace(limits, gpu_memory_mb=None), device=device, runs=[run], target=target,
              hidden=list(hidden) + [private])
    launcher = Launcher(executable, private, sandbox.timeout_s)
    scratch = KernelResult()  # the session's own findings; only memcheck's verdict counts
    try:
        try:
            messages = sandbox.session("cuda", job, scratch, start=launcher.start)
            with closing(in_order(messages, scratch, [("run", 0)])) as ordered:
                for header, _ in ordered:
                    if Envelope.from_header(header).kind != ImportFailure.KIND:
                        RunResult.from_header(header)  # read and dropped: the outputs were judged already
        except SanitizerStartError as exc:
            return Sanitized(index, label, None, memcheck.Report(), problem=str(exc))
        report = memcheck.parse_log(launcher.read_log())
        problem_text = scratch.error if scratch.failure and scratch.failure != "runtime" else ""
        if report.errors is None and not problem_text:
            problem_text = f"compute-sanitizer wrote no error summary (exit status {launcher.exit_status}): " \
                           f"{launcher.output()[-500:]}"
        return Sanitized(index, label, launcher.exit_status, report, tuple(scratch.isolation), problem_text)
    finally:
        shutil.rmtree(private, ignore_errors=True)


class Launcher:
    """Starts compute-sanitizer on :mod:`kernelgym.sandbox.sanitized` for one session, and ends it.

    Args:
        executable: compute-sanitizer.
        private: The grader's private directory (the channel's socket and the log go there).
        timeout_s: How long the child may take to connect.
    """

    def __init__(self, executable: str, private: str, timeout_s: float):
        self.executable, self.private, self.timeout_s = executable, private, timeout_s
        self.log_file = os.path.join(private, "memcheck.log")
        self.socket_path = os.path.join(private, "channel")
        self.process: subprocess.Popen | None = None
        self.exit_status: int | None = None
        self._output = tempfile.TemporaryFile()

    def argv(self) -> list[str]:
        """The command line: memcheck on a fresh Python running the sandbox's entry module."""
        target = [sys.executable, "-m", "kernelgym.sandbox.sanitized", self.socket_path]
        return memcheck.command(self.executable, self.log_file, self.timeout_s, target)

    def start(self, job: Job) -> Spawned:
        """Start compute-sanitizer and wait for the child to connect (see ``Sandbox.session``'s ``start``).

        Raises:
            SanitizerStartError: It exited, or nothing of its tree connected within the timeout.
        """
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            listener.bind(self.socket_path)
            listener.listen(1)
            env = {key: os.environ[key] for key in ENVIRONMENT if key in os.environ}
            env[UNCACHED_ALLOCATOR] = "1"
            self.process = subprocess.Popen(self.argv(), env=env, stdin=subprocess.DEVNULL, stdout=self._output,
                                            stderr=subprocess.STDOUT, start_new_session=True)
            conn = self._accept(listener)
        finally:
            listener.close()
        return Spawned(self.process.pid, conn, self.process.pid, stop=self.stop)

    def _accept(self, listener: socket.socket) -> socket.socket:
        deadline = time.monotonic() + self.timeout_s
        listener.settimeout(0.2)
        while time.monotonic() < deadline:
            try:
                conn, _ = listener.accept()
            except socket.timeout:
                if self.process.poll() is not None:
                    break
                continue
            if self._in_tree(conn):
                conn.settimeout(None)
                return conn
            conn.close()
        self.stop(None)
        raise SanitizerStartError(f"compute-sanitizer did not start the sanitized child (exit status "
                                  f"{self.exit_status}): {self.output()[-1000:]}")

    def _in_tree(self, conn: socket.socket) -> bool:
        """Whether the peer is a process that compute-sanitizer started (only the grader's user can reach the
        private directory; this also keeps out that user's other processes)."""
        import psutil

        pid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))[0]
        try:
            return pid in {p.pid for p in psutil.Process(self.process.pid).children(recursive=True)}
        except psutil.Error:
            return False

    def stop(self, child: Spawned | None) -> None:
        """End the checked tree (at once where it has not ended within :data:`TARGET_GRACE_S`: a timed-out or
        broken session), then let compute-sanitizer write its summary and exit (at most :data:`EXIT_GRACE_S`),
        and kill whatever is left."""
        import psutil

        if self.process is None:
            return
        try:
            tree = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.Error:
            tree = []
        _, alive = psutil.wait_procs(tree, timeout=TARGET_GRACE_S)
        for process in alive:
            try:
                process.kill()
            except psutil.Error:
                pass
        try:
            self.exit_status = self.process.wait(timeout=EXIT_GRACE_S)
        except subprocess.TimeoutExpired:
            kill_child(child or Spawned(self.process.pid, None, self.process.pid))
            self.process.wait()
        for process in tree:
            try:
                process.kill()
            except psutil.Error:
                pass

    def read_log(self) -> str:
        """The first :data:`kernelgym.memcheck.MAX_LOG_BYTES` of memcheck's log ("" where it wrote none)."""
        try:
            with open(self.log_file, "rb") as f:
                return f.read(memcheck.MAX_LOG_BYTES).decode(errors="replace")
        except OSError:
            return ""

    def output(self) -> str:
        """What compute-sanitizer printed (its own errors: a log file takes its reports)."""
        self._output.seek(0)
        return self._output.read()[-4000:].decode(errors="replace")


def _on_cpu(values: list) -> list:
    """``values`` with every tensor moved to the CPU (a problem may place its inputs on the GPU)."""
    import torch

    return [v.cpu() if isinstance(v, torch.Tensor) else v for v in values]
