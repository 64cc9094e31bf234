"""OS-level confinement applied by a freshly forked child before any candidate code runs.

The layers, each applied when the OS allows it and reported by name when it took effect:

- ``pid_namespace``: the child is PID 1 of a fresh PID namespace (the zygote's fork helper does this), so when it
  dies the kernel kills every process it started, daemons that called ``setsid`` included, and no process of the
  host is visible to it (no signals, no ptrace, no ``/proc/<pid>/mem`` of the grader).
- ``pids_cgroup``: a pids cgroup caps the number of processes and threads (fork bombs stop there, even as root).
- ``network_namespace``: no network interface but a downed loopback.
- ``read_only_filesystem``: a private mount namespace where every mount is read-only except the private working
  directory, with a fresh ``/proc`` for the PID namespace.
- ``no_capabilities``: the child drops every capability, so even as root it cannot undo the above.
- rlimits (always): address space, CPU time, file size, open files, processes.
"""
from __future__ import annotations

import ctypes
import os
import resource
from dataclasses import dataclass

CLONE_NEWNS = 0x00020000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
PIDS_CGROUP_ROOT = "/sys/fs/cgroup/pids"


@dataclass
class Limits:
    """Resource limits for one sandboxed child.

    Attributes:
        memory_mb: Address space the child may add on top of what it inherited from the warm zygote.
        cpu_seconds: CPU time before the kernel sends SIGXCPU.
        file_mb: Largest file the child may write.
        open_files: Most file descriptors open at once.
        processes: Most processes and threads (pids cgroup; also RLIMIT_NPROC, which binds non-root users only).
    """

    memory_mb: int = 2048
    cpu_seconds: int = 120
    file_mb: int = 64
    open_files: int = 256
    processes: int = 32


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def unshare(flags: int) -> bool:
    """``unshare(2)``; False where the OS refuses (no privilege or no namespace support)."""
    try:
        return _libc().unshare(flags) == 0
    except (OSError, AttributeError):
        return False


def _mount(source: str | None, target: str, fstype: str | None, flags: int) -> None:
    libc = _libc()
    if libc.mount(source and source.encode(), target.encode(), fstype and fstype.encode(), flags, None) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"mount {target}: {os.strerror(errno)}")


def join_pids_cgroup(name: str, limit: int) -> bool:
    """Create ``pids/<name>`` with ``pids.max = limit`` and move this process into it."""
    path = os.path.join(PIDS_CGROUP_ROOT, name)
    try:
        os.makedirs(path, exist_ok=True)
        with open(os.path.join(path, "pids.max"), "w") as f:
            f.write(str(limit))
        with open(os.path.join(path, "cgroup.procs"), "w") as f:
            f.write("0")
        return True
    except OSError:
        return False


def remove_pids_cgroup(name: str) -> None:
    """Remove a grading's pids cgroup once its processes are gone (called by the grader)."""
    try:
        os.rmdir(os.path.join(PIDS_CGROUP_ROOT, name))
    except OSError:
        pass


def read_only_filesystem(workdir: str) -> bool:
    """In a new mount namespace: fresh /proc, everything read-only but ``workdir``."""
    if not unshare(CLONE_NEWNS):
        return False
    try:
        _mount(None, "/", None, MS_REC | MS_PRIVATE)
        _mount(workdir, workdir, None, MS_BIND)
        _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
        with open("/proc/self/mountinfo") as f:
            points = [line.split()[4] for line in f]
        for point in points:
            if point != workdir and point != "/proc" and not point.startswith("/proc/"):
                try:
                    _mount(None, point, None, MS_REMOUNT | MS_BIND | MS_RDONLY)
                except OSError:
                    pass  # a mount that cannot be remounted (e.g. already read-only with other flags)
        return True
    except OSError:
        return False


def drop_capabilities() -> bool:
    """Drop every capability (effective, permitted, inheritable and the bounding set) and forbid regaining any.

    The child keeps its user id, so it can still read the Python installation it was forked from (which may sit
    in root's home), but it can no longer remount, change cgroups, trace or signal what it cannot see, or bypass
    file permissions.
    """
    libc = _libc()
    pr_capbset_drop, pr_set_no_new_privs = 24, 38
    for cap in range(64):
        libc.prctl(pr_capbset_drop, cap, 0, 0, 0)  # fails harmlessly past the last capability
    libc.prctl(pr_set_no_new_privs, 1, 0, 0, 0)

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                    ("inheritable", ctypes.c_uint32)]

    header = Header(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3
    data = (Data * 2)()
    if libc.capset(ctypes.byref(header), data) != 0:
        return False
    with open("/proc/self/status") as f:
        effective = [line.split()[1] for line in f if line.startswith("CapEff:")]
    return bool(effective) and int(effective[0], 16) == 0


def apply_limits(limits: Limits, cap_processes: bool = True) -> None:
    """Set rlimits; the address-space limit is relative to the size inherited from the zygote.

    RLIMIT_NPROC counts every process of the user system-wide, so it is set only when no pids cgroup caps the
    grading (several gradings run at once as the same user)."""
    inherited = _virtual_memory_bytes()
    _set(resource.RLIMIT_AS, inherited + limits.memory_mb * 2**20)
    _set(resource.RLIMIT_CPU, limits.cpu_seconds)
    _set(resource.RLIMIT_FSIZE, limits.file_mb * 2**20)
    _set(resource.RLIMIT_NOFILE, limits.open_files)
    if cap_processes:
        _set(resource.RLIMIT_NPROC, limits.processes)
    _set(resource.RLIMIT_CORE, 0)


def scrub_environment(env: dict[str, str]) -> None:
    """Replace the whole environment: nothing of the grader's (seeds, keys, paths) reaches the candidate."""
    import tempfile

    os.environ.clear()
    os.environ.update(env)
    tempfile.tempdir = None  # the zygote may have cached its own; the next use reads TMPDIR again


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
