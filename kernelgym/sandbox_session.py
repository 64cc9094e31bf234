"""The trusted side's one way to talk to a sandboxed child: warm zygote pools, one session per job, results read
strictly in order.

:class:`Sandbox` forks a child from a warm zygote of the job's mode, sends it the pickled job, and yields the
child's messages (JSON headers and raw byte buffers, see :mod:`kernelgym.sandbox.protocol`) until the child ends
the session with the job's secret. The grader's runs and compile checks, GPU timing and the sandboxed Python
grader all go through it. Nothing the child says is trusted here: the session records what it saw itself.
"""
from __future__ import annotations

import contextlib
import pickle
import shutil
import tempfile
import threading
import time
from typing import Callable

from .result import KernelResult
from .sandbox import cgroups, protocol
from .sandbox.pool import Spawned, ZygotePool, kill_child
from .sandbox.protocol import Done, Envelope, Hello, ImportFailure, Job

CHILD_GONE = ("the answer's process exited before grading finished (it exited, was killed by a signal, or hit a "
              "memory/CPU/file limit)")


class Sandbox:
    """Warm zygotes per mode (started on demand, at most ``workers`` each) and sessions with their children.

    Args:
        timeout_s: Wall-clock limit of a session (time the caller spends in :meth:`Outbox.paused` excluded).
        max_output_mb: Largest message accepted from a child, unless a session asks for another limit.
        workers: Zygotes per mode (default: the number of cores).
    """

    def __init__(self, timeout_s: float, max_output_mb: int, workers: int | None = None):
        self.timeout_s = timeout_s
        self.max_output_mb = max_output_mb
        self.workers = workers
        self._pools: dict[str, ZygotePool] = {}
        self._lock = threading.Lock()

    def pool(self, mode: str) -> ZygotePool:
        """The warm zygotes of one mode (``workers`` of them at most, started on demand)."""
        with self._lock:
            if mode not in self._pools:
                self._pools[mode] = ZygotePool(mode, self.workers)
            return self._pools[mode]

    @property
    def started_modes(self) -> set[str]:
        """The modes whose pools exist (started by a session or by :meth:`warm`)."""
        with self._lock:
            return set(self._pools)

    def warm(self, modes: list[str]) -> None:
        """Start every zygote of these modes now, in parallel, rather than on the first sessions."""
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max(1, len(modes))) as threads:
            list(threads.map(lambda mode: self.pool(mode).warm(), modes))

    def close(self) -> None:
        """Stop every zygote."""
        with self._lock:
            pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            pool.close()

    def session(self, mode: str, job: Job, result: KernelResult, outbox: Outbox | None = None,
                max_bytes: int | None = None, start: Callable[[Job], Spawned] | None = None):
        """Run one job in a fresh sandboxed child forked from a ``mode`` zygote; yield its messages until ``done``.

        The way to run anything in the sandbox (the kernel runs, the compile check, GPU timing, the Python grader).
        The child gets a private work directory and cgroup; the deadline is ``timeout_s``. Nothing the
        child says is trusted: ``result`` records what the session itself saw (the isolation layers, refused
        audit events as ``sandbox_denied:*`` flags, a timeout, a crash or a protocol violation), and the child is
        killed and cleaned up when the generator ends, however it ends.

        Args:
            mode: The zygote mode (``interpret``, ``compile`` or ``cuda``).
            job: The job (its ``workdir`` and ``cgroup`` are set here).
            result: Where the session's own findings go.
            outbox: Lets the caller answer the child (GPU timing) and pause the deadline while it works.
            max_bytes: Largest message accepted (default: ``max_output_mb``).
            start: Starts the child instead of a fork from a ``mode`` zygote, once the job's ``workdir`` and
                ``cgroup`` are set (the child under compute-sanitizer, see :mod:`kernelgym.sanitize`); the child
                it returns is ended by its ``stop``.

        Yields:
            ``(header, buffers)`` for every message but ``hello`` and ``done``: the header as the child sent it,
            to be read through its record in :mod:`kernelgym.sandbox.protocol`.
        """
        workdir = tempfile.mkdtemp(prefix="kernelgym-")
        job.workdir = workdir
        job.cgroup = f"kernelgym-{job.secret[:16]}"
        try:
            child = start(job) if start is not None else self.pool(mode).spawn()
        except BaseException:
            shutil.rmtree(workdir, ignore_errors=True)
            raise
        stop = child.stop or kill_child
        sock = child.sock
        outbox = outbox or Outbox()
        outbox.sock = sock
        deadline = time.monotonic() + self.timeout_s
        max_bytes = max_bytes or self.max_output_mb * 2**20
        try:
            protocol.send(sock, {"type": "job"}, [pickle.dumps(job)])
            while True:
                header, buffers = protocol.recv(sock, deadline + outbox.paused_s, max_bytes)
                envelope = Envelope.from_header(header)
                for name in envelope.denied:
                    result.flag(f"sandbox_denied:{name}")
                if envelope.kind == Hello.KIND:
                    layers = Hello.from_header(header).isolation
                    result.isolation = list(layers)
                    result.network_isolated = "network_namespace" in layers
                elif envelope.kind == Done.KIND:
                    if Done.from_header(header).secret != job.secret:
                        raise protocol.ChannelViolation("wrong secret")
                    return
                else:
                    yield header, buffers
        except protocol.ChannelTimeout:
            result.fail("timeout", f"the answer exceeded the wall-clock limit of {self.timeout_s:g} s "
                                   f"and was killed")
        except protocol.ChannelClosed:
            stop(child)  # the kernel records an OOM kill in the group's events once the child is gone
            if cgroups.out_of_memory(job.cgroup):  # out of memory, as a MemoryError under an rlimit: runtime
                result.fail("runtime", f"the answer ran out of memory: its process was killed for using more "
                                       f"than the {job.limits.memory_mb} MB of host memory it is allowed")
            else:
                result.fail("crash", CHILD_GONE)
        except (protocol.ChannelViolation, BrokenPipeError, ConnectionResetError) as exc:
            result.fail("crash", f"the answer's process broke the grading protocol ({exc})")
        finally:
            sock.close()
            stop(child)
            cgroups.remove(job.cgroup)
            shutil.rmtree(workdir, ignore_errors=True)


def in_order(messages, result: KernelResult, order: list[tuple[str, int]]):
    """Pass on a session's messages while they keep the protocol: an import ``error`` as the only message, or the
    ``(type, index)`` results of ``order`` (e.g. each run index once and in order, then the ablation once), each
    exactly once and in that order. Anything else (a forged, repeated, out-of-order or out-of-range result, or
    anything after an import error) ends the session as a protocol violation. A session that ends with results
    missing is a crash, unless it had already failed (a timeout, a child that died) or the caller stopped reading.
    The session is closed (its child killed) whenever this generator stops."""
    position, errored = 0, False
    try:
        for header, buffers in messages:
            envelope = Envelope.from_header(header)
            kind, index = envelope.kind, envelope.index
            if kind == ImportFailure.KIND:
                ok = position == 0 and not errored
                errored = True
            else:
                ok = (not errored and position < len(order) and index is not None
                      and (kind, index) == order[position])
                position += 1
            if not ok:
                result.fail("crash", f"the answer's process broke the grading protocol (an unexpected {kind!r} "
                                     f"message: a result arrived twice, out of order, or was forged)")
                return
            yield header, buffers
        if not errored and position < len(order) and not result.failure:
            result.fail("crash", CHILD_GONE)  # the session ended cleanly with results missing
    finally:
        close = getattr(messages, "close", None)
        if close is not None:
            close()


class Outbox:
    """The grader's way to answer a child within a session (GPU timing), and time that does not count against
    the child's deadline (the grader's own work between messages, waiting for the GPU's timing lock)."""

    def __init__(self):
        self.sock = None
        self.paused_s = 0.0

    def send(self, header: dict, buffers: list = ()) -> None:
        protocol.send(self.sock, header, list(buffers))

    @contextlib.contextmanager
    def paused(self):
        started = time.monotonic()
        try:
            yield
        finally:
            self.paused_s += time.monotonic() - started


def answer_step(step, outbox: Outbox, result: KernelResult, *args) -> bool:
    """Run a timing step that may write to the child (the grader's own time, not the child's); False when the
    child is gone (a crash: the session must end)."""
    try:
        with outbox.paused():
            step(*args)
        return True
    except (BrokenPipeError, ConnectionResetError):
        result.fail("crash", CHILD_GONE)
        return False
