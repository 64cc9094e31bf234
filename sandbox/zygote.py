"""A warm zygote: a process that has imported torch and triton once and forks one sandboxed child per request.

Started by :class:`kernelgym.sandbox.pool.Zygote` as ``python -m kernelgym.sandbox.zygote MODE CONTROL_FD``.
MODE is ``interpret`` (Triton's interpreter, for CPU machines), ``compile`` (Triton imported without the
interpreter, for compile checks on CPU machines) or ``cuda`` (a GPU machine). A request is one socket descriptor
passed over the control socket; the zygote forks, the child keeps that descriptor as its private channel to the
grader, and the zygote answers with the child's pid and the pid of the fork helper that made its PID namespace.

The zygote keeps torch at one thread and never initialises CUDA: a forked child that runs a matmul after its
parent used OpenMP threads deadlocks, and CUDA cannot be used across fork.
"""
from __future__ import annotations

import os
import signal
import socket
import struct
import sys


def _warm_imports(mode: str) -> None:
    os.environ["TRITON_INTERPRET"] = "1" if mode == "interpret" else "0"
    os.environ.setdefault("TRITON_DEFAULT_FP_FUSION", "1")
    os.environ["OMP_NUM_THREADS"] = "1"
    os.environ["MKL_NUM_THREADS"] = "1"
    import warnings

    warnings.filterwarnings("ignore")
    import numpy  # noqa: F401  (the interpreter runs on NumPy)
    import torch
    import torch.nn  # noqa: F401
    import torch.utils._python_dispatch  # noqa: F401
    import torch.utils.deterministic  # noqa: F401

    torch.set_num_threads(1)
    import triton
    import triton.language  # noqa: F401

    if mode != "compile":
        # Fill uninitialised memory with NaN / max-int in every child. Set here because the first call imports
        # torch._inductor (about 2 s), which a child should not pay.
        torch.use_deterministic_algorithms(True, warn_only=True)
        torch.utils.deterministic.fill_uninitialized_memory = True
    if mode == "interpret":
        import triton.runtime.interpreter  # noqa: F401
    else:
        import triton.backends.compiler  # noqa: F401
        import triton.compiler  # noqa: F401
    # Imported lazily by the first kernel launch (the interpreter's too): about 50 modules, some 80 ms that every
    # child would otherwise pay again.
    import triton.compiler.code_generator  # noqa: F401
    import triton.experimental.gluon  # noqa: F401
    import triton.language.extra.libdevice  # noqa: F401
    if mode == "interpret":
        _launch_once()
        from . import libdevice

        libdevice.install()  # every interpreter child needs it: once here, not once per child
    if mode == "compile":
        _compile_once()
    if mode == "cuda":
        _find_libcuda()
    from . import child, hooks, timing  # noqa: F401
    del triton


def _launch_once() -> None:
    """Launch a tiny kernel under the interpreter: its first launch sets up what every later one reuses (about 3 ms
    that each run process would otherwise pay again)."""
    import torch
    import triton
    import triton.language as tl

    @triton.jit
    def _add_one(ptr, n, BLOCK: tl.constexpr):
        offsets = tl.arange(0, BLOCK)
        mask = offsets < n
        tl.store(ptr + offsets, tl.load(ptr + offsets, mask=mask) + 1, mask=mask)

    _add_one[(1,)](torch.zeros(4), 4, BLOCK=8)


def _compile_once() -> None:
    """Compile a tiny kernel for the default GPU target, in a cache folder removed afterwards: the first compile in
    a process hashes Triton's own files and library for its cache key, loads the backend and asks ptxas its version
    (about 0.4 s on 2 cores), all kept for the process and inherited by every child it forks."""
    import shutil
    import tempfile

    import triton
    import triton.language as tl
    from triton.backends.compiler import GPUTarget
    from triton.compiler import ASTSource

    @triton.jit
    def _add_one(ptr, n, BLOCK: tl.constexpr):
        offsets = tl.arange(0, BLOCK)
        mask = offsets < n
        tl.store(ptr + offsets, tl.load(ptr + offsets, mask=mask) + 1, mask=mask)

    cache = tempfile.mkdtemp(prefix="kernelgym-warm-")
    previous = os.environ.get("TRITON_CACHE_DIR")
    os.environ["TRITON_CACHE_DIR"] = cache
    try:
        source = ASTSource(fn=_add_one, signature={"ptr": "*fp32", "n": "i32", "BLOCK": "constexpr"},
                           constexprs={"BLOCK": 8})
        triton.compile(source, target=GPUTarget("cuda", 90, 32))
    except Exception:  # no ptxas or an unknown target here: each compile child pays the first compile itself
        pass
    finally:
        shutil.rmtree(cache, ignore_errors=True)
        if previous is None:
            os.environ.pop("TRITON_CACHE_DIR", None)
        else:
            os.environ["TRITON_CACHE_DIR"] = previous


def _find_libcuda() -> None:
    """Find libcuda once, here: Triton's lookup runs ``/sbin/ldconfig -p``, which every child would otherwise run
    again inside its sandbox (where it failed on an H200 until the channel moved to the top descriptor, see
    ``child._channel_at``). The answer is cached in this process, inherited by every fork, and passed on as
    ``TRITON_LIBCUDA_PATH``. Loads nothing and does not initialise CUDA."""
    if os.environ.get("TRITON_LIBCUDA_PATH"):
        return
    try:
        from triton.backends.nvidia.driver import libcuda_dirs

        dirs = libcuda_dirs()
    except Exception:  # no NVIDIA backend or no driver: the child's first launch reports it
        return
    if dirs:
        os.environ["TRITON_LIBCUDA_PATH"] = dirs[0]


def _reap(signum, frame) -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _fork_sandboxed(channel_fd: int, report_fd: int, interpret: bool, child_main) -> None:
    """In a helper process: enter a new PID namespace, fork the sandboxed child (PID 1 there), report its host
    pid to the zygote, wait for it, exit. When the child dies, the kernel kills everything it started."""
    from .isolation import CLONE_NEWPID, unshare

    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    in_pid_namespace = unshare(CLONE_NEWPID)
    child = os.fork()
    if child == 0:
        os.close(report_fd)
        child_main(channel_fd, interpret=interpret, in_pid_namespace=in_pid_namespace)
    os.close(channel_fd)
    os.write(report_fd, struct.pack("!q", child))
    os.close(report_fd)
    try:
        os.waitpid(child, 0)
    finally:
        os._exit(0)


def serve(mode: str, control_fd: int) -> None:
    _warm_imports(mode)
    from .child import child_main

    import gc

    gc.freeze()  # a child's garbage collections skip what the zygote imported (fewer pages copied after fork)

    control = socket.socket(fileno=control_fd)
    signal.signal(signal.SIGCHLD, _reap)
    while True:
        try:
            _, fds, _, _ = socket.recv_fds(control, 16, 1)
        except InterruptedError:
            continue
        except OSError:
            return
        if not fds:
            return  # the grader closed the control socket
        report_read, report_write = os.pipe()
        helper = os.fork()
        if helper == 0:
            control.close()
            os.close(report_read)
            _fork_sandboxed(fds[0], report_write, interpret=(mode == "interpret"), child_main=child_main)
        os.close(fds[0])
        os.close(report_write)
        with os.fdopen(report_read, "rb") as report:
            data = report.read(8)
        pid = struct.unpack("!q", data)[0] if len(data) == 8 else -1
        control.sendall(struct.pack("!qq", pid, helper))


if __name__ == "__main__":
    serve(sys.argv[1], int(sys.argv[2]))
