"""The sandboxed child that NVIDIA's ``compute-sanitizer`` starts (``GraderConfig(sanitize=True)``).

compute-sanitizer must start the process it checks, so this child cannot be forked from a warm zygote. The grader
runs ``compute-sanitizer --tool memcheck ... python -m kernelgym.sandbox.sanitized SOCKET`` (see
``kernelgym/sanitize.py``); this module connects to SOCKET, the grader's listening Unix socket in a private
directory, receives its :class:`~kernelgym.sandbox.protocol.Job` there as a zygote's child does, and then does what
a ``cuda`` zygote and its fork helper do: the same warm imports, a new PID namespace, and a fork of the sandboxed
child, which confines itself with ``child._confine`` and runs the job with ``child._run_job``, over the same
protocol. Nothing here is a second sandbox: every layer is the zygote child's.

What differs, and why:
- The sandboxed child starts CUDA *before* it confines itself (with torch's caching allocator off, so that each
  tensor is an allocation of its own whose bounds memcheck knows). The sanitizer's in-process part connects to
  its front end when CUDA starts, and the front end is outside the network namespace the child enters next. The
  descriptors that CUDA and the sanitizer opened stay open; the answer is still imported only after every layer
  is in place, as in a zygote child.
- The sandboxed child is PID 1 of its own PID namespace, below this process: compute-sanitizer, which holds the
  log file, is not in its sight (``/proc`` there shows only the child's own processes).
- torch's GPU memory share (``gpu_memory_budget``) binds the caching allocator only, which is off here, so the job
  comes without one and the layer is not claimed.

What this does not cover, beyond what a zygote child does not: the threads that CUDA and the sanitizer start
before the layers keep the host's mount and network namespaces and (as root) their capabilities, because
``unshare`` and ``capset`` bind the calling thread only; the seccomp filter binds them too (it is synchronised over
every thread). An answer that took over one of those threads (arbitrary native code in the process, past the audit
hook) could reach what the host's mount namespace shows, memcheck's log included. Entering every namespace but
the network's before CUDA starts would close that; it waits for a run on a GPU to show what the sanitizer needs.
None of this has run on a GPU yet.

This process never imports the answer; it exits with the sandboxed child's exit status.
"""
from __future__ import annotations

import os
import pickle
import socket
import sys

from . import isolation, protocol
from .child import UNCACHED_ALLOCATOR
from .protocol import Done, Hello, Job

__all__ = ["UNCACHED_ALLOCATOR", "main"]


def main(socket_path: str) -> None:
    """Connect to the grader, receive the job, warm the imports, fork the sandboxed child; exit as it exits."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(socket_path)
    _, buffers = protocol.recv(sock)
    job: Job = pickle.loads(buffers[0])
    from .zygote import _warm_imports

    _warm_imports("cuda" if job.device != "cpu" else "interpret")
    in_pid_namespace = isolation.unshare(isolation.CLONE_NEWPID)
    pid = os.fork()
    if pid == 0:
        _sandboxed(sock, job, in_pid_namespace)
    sock.close()
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    os._exit(code if code >= 0 else 128 - code)


def _sandboxed(sock: socket.socket, job: Job, in_pid_namespace: bool) -> None:
    """The sandboxed child: start CUDA, confine, run the job as a zygote's child does; never returns."""
    from .child import _channel_at, _confine, _run_job

    code = 0
    try:
        sock = _channel_at(sock, job.limits.open_files - 1)
        before = set(isolation._open_fds())
        if job.device != "cpu":
            _start_cuda(job.device)
        opened = set(isolation._open_fds()) - before
        layers = _confine(job, keep={sock.fileno()}, in_pid_namespace=in_pid_namespace, inherited=opened)
        protocol.send(sock, Hello(tuple(layers)).to_header())
        _run_job(sock, job, interpret=job.device == "cpu", in_pid_namespace=in_pid_namespace)
        protocol.send(sock, Done(job.secret).to_header())
    except BaseException:  # report what we can; the grader decides
        code = 1
    finally:
        os._exit(code)


def _start_cuda(device: str) -> None:
    """Create the CUDA context and make one allocation, so that torch reads :data:`UNCACHED_ALLOCATOR` now and
    the sanitizer connects to its front end before the network namespace."""
    import torch

    torch.cuda.init()
    torch.empty(1, device=device)
    torch.cuda.synchronize(device)


if __name__ == "__main__":
    main(sys.argv[1])
