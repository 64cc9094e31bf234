"""Grader-side handles on warm zygotes (one, or a pool of them), and the lifecycle of one sandboxed child."""
from __future__ import annotations

import os
import select
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, NamedTuple

import psutil


class Spawned(NamedTuple):
    """A freshly forked sandboxed child (or one that a process other than a zygote started)."""

    pid: int
    sock: socket.socket
    helper: int  # the zygote's fork helper that made the child's PID namespace and waits for it
    stop: Callable[["Spawned"], None] | None = None  # how to end it (default: kill_child)


class SandboxStartError(RuntimeError):
    """A zygote could not be started (a broken installation, not a model failure)."""


class Zygote:
    """One warm zygote process in a given mode (``interpret``, ``compile`` or ``cuda``).

    Started lazily on first use; :meth:`spawn` is thread-safe. The zygote's environment carries nothing of the
    grader's but what Python needs to start.
    """

    def __init__(self, mode: str):
        self.mode = mode
        self._process: subprocess.Popen | None = None
        self._control: socket.socket | None = None
        self._lock = threading.Lock()
        self._log = tempfile.TemporaryFile()

    def _start(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        names = ("PATH", "HOME", "LANG", "PYTHONPATH", "TRITON_DEFAULT_FP_FUSION", "CUDA_VISIBLE_DEVICES",
                 "NVIDIA_VISIBLE_DEVICES", "LD_LIBRARY_PATH")
        env = {key: os.environ[key] for key in names if key in os.environ}
        self._process = subprocess.Popen(
            [sys.executable, "-m", "kernelgym.sandbox.zygote", self.mode, str(theirs.fileno())],
            pass_fds=(theirs.fileno(),), env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=self._log, start_new_session=True,
        )
        theirs.close()
        self._control = ours

    def spawn(self) -> "Spawned":
        """Fork a fresh child; return its pid, the grader's end of its private channel and its helper's pid."""
        with self._lock:
            for attempt in range(2):
                if self._process is None or self._process.poll() is not None:
                    self._start()
                ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
                try:
                    socket.send_fds(self._control, [b"f"], [theirs.fileno()])
                    pid, helper = struct.unpack("!qq", _recv_exact(self._control, 16))
                    return Spawned(pid, ours, helper)
                except (OSError, EOFError) as exc:
                    ours.close()
                    error = exc
                    self.close()
                finally:
                    theirs.close()
            raise SandboxStartError(f"the {self.mode} zygote failed twice: {error}; stderr: {self._stderr()}")

    def _stderr(self) -> str:
        self._log.seek(0)
        return self._log.read()[-2000:].decode(errors="replace")

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def close(self) -> None:
        if self._control is not None:
            self._control.close()
            self._control = None
        if self._process is not None:
            kill_tree(self._process.pid)
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
            self._process = None


class ZygotePool:
    """Up to ``size`` warm zygotes of one mode; each fork goes to an idle one, so ``size`` forks run at once.

    A zygote forks one child at a time, and a fork of a process that imported torch and triton is not cheap: two
    forks of a ~300 MB image and a PID namespace, about 0.1 s measured on a shared 2-core machine. One zygote
    therefore caps a machine at roughly ten new children a second whatever its cores; a zygote per worker lifts
    that cap with the core count. Children never run inside a zygote: a candidate that crashes, hangs or (on a
    GPU) leaves a CUDA error behind costs nothing but its own process, and a zygote never initialises CUDA
    (each child does, after the fork).

    Zygotes start on demand (a batch of N parallel gradings starts N, a single grading starts one), or all at once
    with :meth:`warm`. The most recently used idle zygote serves the next fork, so a light load keeps one zygote
    busy and its memory warm. A zygote that died is restarted by its next fork (see :meth:`Zygote.spawn`).

    Args:
        mode: ``interpret``, ``compile`` or ``cuda``.
        size: Most zygotes (default: the number of cores).
    """

    def __init__(self, mode: str, size: int | None = None):
        self.mode = mode
        self.size = max(1, size or os.cpu_count() or 1)
        self._all: list[Zygote] = []
        self._idle: list[Zygote] = []  # a stack: the most recently used on top
        self._ready = threading.Condition()

    def first(self) -> Zygote:
        """The pool's first zygote (created, not started, if none exists yet): for inspection and tests."""
        with self._ready:
            if not self._all:
                self._idle.append(self._new())
            return self._all[0]

    @property
    def zygotes(self) -> list[Zygote]:
        """The zygotes created so far."""
        with self._ready:
            return list(self._all)

    def _new(self) -> Zygote:
        zygote = Zygote(self.mode)
        self._all.append(zygote)
        return zygote

    def _acquire(self) -> Zygote:
        with self._ready:
            while True:
                if self._idle:
                    return self._idle.pop()
                if len(self._all) < self.size:
                    return self._new()
                self._ready.wait()

    def _release(self, zygote: Zygote) -> None:
        with self._ready:
            self._idle.append(zygote)
            self._ready.notify()

    def spawn(self) -> Spawned:
        """Fork a fresh child from an idle zygote (starting one if fewer than ``size`` exist and none is idle)."""
        zygote = self._acquire()
        try:
            return zygote.spawn()
        finally:
            self._release(zygote)

    def warm(self) -> None:
        """Start all ``size`` zygotes now, in parallel, and return once each has forked a child."""
        with self._ready:
            while len(self._all) < self.size:
                self._idle.append(self._new())
            members = list(self._all)

        def fork_once(zygote: Zygote) -> None:
            child = zygote.spawn()
            child.sock.close()
            kill_child(child)

        with ThreadPoolExecutor(len(members)) as threads:
            list(threads.map(fork_once, members))  # raises SandboxStartError if a zygote cannot start

    def close(self) -> None:
        with self._ready:
            members, self._all, self._idle = self._all, [], []
        for zygote in members:
            zygote.close()


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise EOFError("zygote closed the control socket")
        data += chunk
    return data


def kill_child(child: Spawned) -> None:
    """Kill a sandboxed child, its process group (it called setsid, so pgid == pid) and any descendants, and wait
    until both the child and its fork helper have exited."""
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    kill_tree(child.pid)
    wait_gone(child.pid)
    wait_gone(child.helper)


def kill_tree(pid: int) -> None:
    try:
        parent = psutil.Process(pid)
        procs = parent.children(recursive=True) + [parent]
    except psutil.Error:
        return
    for proc in procs:
        try:
            proc.kill()
        except psutil.Error:
            pass


def wait_gone(pid: int, timeout: float = 2.0) -> None:
    """Wait until a process has exited (a zombie or reaped: the zygote reaps its children).

    A pidfd (Linux 5.3+) wakes the moment the process exits; where there is none, poll every 5 ms.
    """
    try:
        pidfd = os.pidfd_open(pid)
    except ProcessLookupError:
        return
    except (AttributeError, OSError):
        pidfd = None
    if pidfd is not None:
        try:
            poller = select.poll()  # not select(): a grader with many descriptors may hand out numbers above 1024
            poller.register(pidfd, select.POLLIN)
            poller.poll(timeout * 1000)
        finally:
            os.close(pidfd)
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return
        except psutil.Error:
            return
        time.sleep(0.005)
