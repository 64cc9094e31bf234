"""OS-level confinement applied by a freshly forked child before any candidate code runs."""
from __future__ import annotations

import ctypes
import os
import resource
from dataclasses import dataclass

CLONE_NEWNET = 0x40000000


@dataclass
class Limits:
    """Resource limits for one sandboxed child.

    Attributes:
        memory_mb: Address space the child may add on top of what it inherited from the warm zygote.
        cpu_seconds: CPU time before the kernel sends SIGXCPU.
        file_mb: Largest file the child may write.
        open_files: Most file descriptors open at once.
        processes: RLIMIT_NPROC (binds non-root users only; root is contained by the process-group kill).
    """

    memory_mb: int = 2048
    cpu_seconds: int = 120
    file_mb: int = 64
    open_files: int = 256
    processes: int = 64


def cut_network() -> bool:
    """Move this process into a fresh network namespace (no interfaces but a downed loopback).

    Returns:
        True when the namespace was created; False where the OS refuses (no privilege), in which case the grading
        record says so.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.unshare(CLONE_NEWNET) == 0
    except (OSError, AttributeError):
        return False


def apply_limits(limits: Limits) -> None:
    """Set rlimits; the address-space limit is relative to the size inherited from the zygote."""
    inherited = _virtual_memory_bytes()
    _set(resource.RLIMIT_AS, inherited + limits.memory_mb * 2**20)
    _set(resource.RLIMIT_CPU, limits.cpu_seconds)
    _set(resource.RLIMIT_FSIZE, limits.file_mb * 2**20)
    _set(resource.RLIMIT_NOFILE, limits.open_files)
    _set(resource.RLIMIT_NPROC, limits.processes)
    _set(resource.RLIMIT_CORE, 0)


def scrub_environment(env: dict[str, str]) -> None:
    """Replace the whole environment: nothing of the grader's (seeds, keys, paths) reaches the candidate."""
    os.environ.clear()
    os.environ.update(env)


def close_other_fds(keep: set[int]) -> None:
    """Close every inherited descriptor except stdin/stdout/stderr and ``keep``."""
    for fd in _open_fds():
        if fd > 2 and fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass


def redirect_output(path: str) -> None:
    """Send stdout and stderr to a file (bounded by RLIMIT_FSIZE) and stdin to /dev/null."""
    out = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(out, 1)
    os.dup2(out, 2)
    os.close(out)
    os.close(null)


def _set(which: int, value: int) -> None:
    soft, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(which, (value, value))


def _virtual_memory_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _open_fds() -> list[int]:
    try:
        return [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:
        return list(range(3, 1024))
