"""OS-level confinement applied by a freshly forked child before any candidate code runs.

The layers, each applied when the OS allows it and reported by name when it took effect:

- ``pid_namespace``: the child is PID 1 of a fresh PID namespace (the zygote's fork helper does this), so when it
  dies the kernel kills every process it started, daemons that called ``setsid`` included, and no process of the
  host is visible to it (no signals, no ptrace, no ``/proc/<pid>/mem`` of the grader).
- ``pids_cgroup`` / ``memory_cgroup``: per-grading cgroups (v1 or v2, see ``cgroups``) cap the processes and
  threads (fork bombs stop there, even as root) and the resident host memory.
- ``network_namespace``: no network interface but a downed loopback.
- ``read_only_filesystem``: a private mount namespace where every mount is read-only except the private working
  directory, with a fresh ``/proc`` for the PID namespace.
- ``socket_directories_hidden``: ``/run``, ``/var/run``, ``/tmp``, ``/var/tmp`` and ``/dev/shm`` are covered with
  empty file systems, so no host daemon's Unix socket file is in sight (the network namespace does not cover
  those; it does cover abstract sockets).
- ``disk_quota``: the working directory is a private tmpfs of ``Limits.disk_mb`` (``noexec`` where nothing needs
  to run from it), so many files cannot fill the disk either; it vanishes with the child.
- ``problem_files_hidden``: an empty read-only tmpfs is mounted over the problem's directory (and its suite), so
  the reference and its solution cannot be read.
- ``no_capabilities``: the child drops every capability, so even as root it cannot undo the above.
- ``seccomp``: a syscall filter (x86_64 and aarch64) refuses with EPERM ``ptrace``, ``process_vm_readv/writev``,
  new sockets (on a GPU: any but ``AF_UNIX``, which the CUDA driver needs), namespaces and mounts, ``bpf``, ``perf_event_open``, ``io_uring``, kernel keyrings and modules,
  ``execve`` where nothing needs it, and ``write``/``writev``/``pwrite*``/``sendfile``/``splice`` to the private
  channel or its duplication or replacement with ``dup*``/``fcntl``; ``sendto``/``sendmsg`` (what the harness's
  ``send`` uses) stay allowed on it, so the audit hook alone stops a candidate's own send; syscalls of a foreign
  ABI kill the process.
- rlimits (always): CPU time, file size, open files, processes (where no pids cgroup caps them); host memory as
  ``rlimit_address_space`` on CPU, ``rlimit_data`` on a GPU without a memory cgroup (the driver's device mappings
  exceed any address-space limit: ``cudaGetDeviceCount`` then fails).
"""
from __future__ import annotations

import ctypes
import os
import platform
import resource
import sys
from dataclasses import dataclass

CLONE_NEWNS = 0x00020000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
# Where host daemons keep their socket files (Docker, D-Bus, systemd, nvidia-persistenced, X11, tmux): covered
# in the child's mount namespace, because a Unix socket file is reachable whatever the network namespace says.
SOCKET_DIRECTORIES = ("/run", "/var/run", "/tmp", "/var/tmp", "/dev/shm")
NPROC_HEADROOM = 8  # RLIMIT_NPROC fallback: this many times Limits.processes on top of the user's tasks
PR_SET_NO_NEW_PRIVS = 38  # prctl option: no exec may grant privileges again (needed by seccomp and Landlock)


@dataclass
class Limits:
    """Resource limits for one sandboxed child.

    Attributes:
        memory_mb: Host memory the child may add on top of what it inherited from the warm zygote: address space
            on CPU, private writable memory on a GPU without a memory cgroup, and resident memory in its memory
            cgroup (whose cap also leaves room for copies of the inherited pages and for the private tmpfs).
        cpu_seconds: CPU time before the kernel sends SIGXCPU.
        file_mb: Largest file the child may write.
        open_files: Most file descriptors open at once.
        processes: Most processes and threads (pids cgroup; also RLIMIT_NPROC, which binds non-root users only).
        disk_mb: Size of the private tmpfs that holds the working directory (all files together).
        gpu_memory_mb: What torch's allocator may hold on the GPU (None: no cap; the grader sets a share).
    """

    memory_mb: int = 2048
    cpu_seconds: int = 120
    file_mb: int = 64
    open_files: int = 256
    processes: int = 32
    disk_mb: int = 128
    gpu_memory_mb: int | None = None

    def __post_init__(self):
        """Refuse a limit that is not a positive integer, naming it."""
        for name in ("memory_mb", "cpu_seconds", "file_mb", "open_files", "processes", "disk_mb", "gpu_memory_mb"):
            value = getattr(self, name)
            if value is None and name == "gpu_memory_mb":
                continue
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"Limits.{name} must be a positive integer, not {value!r}")


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def unshare(flags: int) -> bool:
    """``unshare(2)``; False where the OS refuses (no privilege or no namespace support)."""
    try:
        return _libc().unshare(flags) == 0
    except (OSError, AttributeError):
        return False


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    libc = _libc()
    if libc.mount(source and source.encode(), target.encode(), fstype and fstype.encode(), flags,
                  data and data.encode()) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"mount {target}: {os.strerror(errno)}")


def read_only_filesystem(workdir: str, disk_mb: int = 0, noexec: bool = False,
                         hidden: tuple[str, ...] = ()) -> list[str]:
    """In a new mount namespace: fresh /proc, the host's socket directories emptied, everything read-only but
    ``workdir``.

    Args:
        workdir: The one writable directory (empty when called).
        disk_mb: Mount a private tmpfs of this size on ``workdir`` (0: bind-mount the directory as it is).
        noexec: Mount the tmpfs ``noexec``.
        hidden: Directories to cover with an empty read-only tmpfs (the problem files).

    Returns:
        The layers that took effect: ``read_only_filesystem``, ``socket_directories_hidden``, ``disk_quota``,
        ``problem_files_hidden``.
    """
    if not unshare(CLONE_NEWNS):
        return []
    layers = []
    try:
        _mount(None, "/", None, MS_REC | MS_PRIVATE)
        if hide_socket_directories(workdir):
            layers.append("socket_directories_hidden")
        if _private_tmpfs(workdir, disk_mb, noexec):
            layers.append("disk_quota")
        else:
            _mount(workdir, workdir, None, MS_BIND)
        if hidden and hide_directories(hidden, keep=(workdir,)):
            layers.append("problem_files_hidden")
        _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
        with open("/proc/self/mountinfo") as f:
            points = [line.split()[4] for line in f]
        for point in points:
            if point != workdir and point != "/proc" and not point.startswith("/proc/"):
                try:
                    _mount(None, point, None, MS_REMOUNT | MS_BIND | MS_RDONLY)
                except OSError:
                    pass  # a mount that cannot be remounted (e.g. already read-only with other flags)
        return ["read_only_filesystem"] + layers
    except OSError:
        return []


def hide_socket_directories(workdir: str) -> bool:
    """Cover :data:`SOCKET_DIRECTORIES` with empty tmpfs mounts, so no host daemon's socket file is in sight.

    What the child needs inside such a directory (the Python installation or this package, in a checkout under
    ``/tmp`` say) is bind-mounted back into the cover, and ``workdir``'s path is re-created in it (the private
    tmpfs goes there next); everything is remounted read-only with the rest. True when every existing directory is
    covered (a directory that is itself needed stays as it is).
    """
    needed = _needed_paths()
    all_hidden, done = True, set()
    for directory in SOCKET_DIRECTORIES:
        path = os.path.realpath(directory)
        if path in done or not os.path.isdir(path):
            continue
        done.add(path)
        inside = [n for n in needed if _contains(path, n) and os.path.isdir(n)]
        if path in inside:
            all_hidden = False
            continue
        originals = [(n, os.open(n, os.O_PATH | os.O_DIRECTORY)) for n in inside]  # reachable once covered
        try:
            _mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=64k,mode=0755")
            for needed_path, fd in originals:
                os.makedirs(needed_path, exist_ok=True)
                _mount(f"/proc/self/fd/{fd}", needed_path, None, MS_BIND | MS_REC)
            if _contains(path, workdir):
                os.makedirs(workdir, mode=0o700, exist_ok=True)
        except OSError:
            return False
        finally:
            for _, fd in originals:
                os.close(fd)
    return all_hidden


def _needed_paths(keep: tuple[str, ...] = ()) -> list[str]:
    """What a child cannot run without: the Python installation and this package (and ``keep``)."""
    package_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return [os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, package_root, *keep)]


def _private_tmpfs(workdir: str, disk_mb: int, noexec: bool) -> bool:
    if disk_mb <= 0:
        return False
    flags = MS_NOSUID | MS_NODEV | (MS_NOEXEC if noexec else 0)
    try:
        _mount("tmpfs", workdir, "tmpfs", flags, f"size={int(disk_mb)}m,mode=0700")
        return True
    except OSError:
        return False


def hide_directories(paths: tuple[str, ...], keep: tuple[str, ...] = ()) -> bool:
    """Cover each directory with an empty read-only tmpfs; True when every one of them is hidden.

    A directory that holds the Python installation, this package, or a path in ``keep`` is left visible (hiding it
    would break the child), and then the layer does not count as in effect.
    """
    needed = _needed_paths(keep)
    all_hidden = True
    for path in sorted({os.path.realpath(p) for p in paths}, key=len):
        if not os.path.isdir(path):
            continue  # inside a directory hidden already, or gone
        if any(_contains(path, n) for n in needed):
            all_hidden = False
            continue
        try:
            _mount("tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k,mode=0555")
        except OSError:
            all_hidden = False
    return all_hidden


def _contains(directory: str, path: str) -> bool:
    return path == directory or path.startswith(directory.rstrip("/") + "/")


def drop_capabilities() -> bool:
    """Drop every capability (effective, permitted, inheritable and the bounding set) and forbid regaining any.

    The child keeps its user id, so it can still read the Python installation it was forked from (which may sit
    in root's home), but it can no longer remount, change cgroups, trace or signal what it cannot see, or bypass
    file permissions.
    """
    libc = _libc()
    pr_capbset_drop = 24
    for cap in range(64):
        libc.prctl(pr_capbset_drop, cap, 0, 0, 0)  # fails harmlessly past the last capability
    libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)

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


def apply_limits(limits: Limits, cap_processes: bool = True, memory: str = "address_space",
                 user_tasks: int = 0) -> str:
    """Set rlimits; a memory rlimit is relative to what the child inherited from the zygote.

    Args:
        limits: The limits.
        cap_processes: Set RLIMIT_NPROC. It counts every process and thread of the user system-wide (root's too,
            once capabilities are dropped), so it is set only when no pids cgroup caps the grading, at
            ``user_tasks`` plus :data:`NPROC_HEADROOM` times ``limits.processes`` (the gradings beside this one
            start tasks too).
        user_tasks: The user's tasks when the child started (:func:`count_user_tasks`, read before the child's
            fresh ``/proc`` hides the others).
        memory: ``address_space`` (RLIMIT_AS: CPU children), ``data`` (RLIMIT_DATA: private writable memory, which
            leaves out the CUDA driver's reserved and device mappings) or ``none`` (a memory cgroup caps it).

    Returns:
        The name of the memory layer set: ``rlimit_address_space``, ``rlimit_data`` or "".
    """
    extra = limits.memory_mb * 2**20
    layer = ""
    if memory == "address_space":
        _set(resource.RLIMIT_AS, _virtual_memory_bytes() + extra)
        layer = "rlimit_address_space"
    elif memory == "data":
        _set(resource.RLIMIT_DATA, _data_bytes() + extra)
        layer = "rlimit_data"
    _set(resource.RLIMIT_CPU, limits.cpu_seconds)
    _set(resource.RLIMIT_FSIZE, limits.file_mb * 2**20)
    _set(resource.RLIMIT_NOFILE, limits.open_files)
    if cap_processes:  # other gradings' tasks count too, and grow meanwhile: a looser cap than the cgroup's
        _set(resource.RLIMIT_NPROC, user_tasks + NPROC_HEADROOM * limits.processes)
    _set(resource.RLIMIT_CORE, 0)
    return layer


def count_user_tasks() -> int:
    """Processes and threads of this process's real user id, system-wide (what RLIMIT_NPROC counts)."""
    uid, count = os.getuid(), 0
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            if os.stat(f"/proc/{name}").st_uid == uid:
                count += len(os.listdir(f"/proc/{name}/task"))
        except OSError:
            pass
    return count


def scrub_environment(env: dict[str, str]) -> None:
    """Replace the whole environment: nothing of the grader's (seeds, keys, paths) reaches the candidate.

    ``tempfile``'s cached directory is the caller's to reset (the child points it at its working directory)."""
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


def resident_bytes() -> int:
    """This process's resident memory, shared pages included (what a child forked now could copy on write)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _virtual_memory_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _data_bytes() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmData:"):
                return int(line.split()[1]) * 1024
    return 0


def _open_fds() -> list[int]:
    try:
        return [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:
        return list(range(3, 1024))


# --- seccomp ------------------------------------------------------------------------------------------
# Syscall numbers (checked against libseccomp's tables) for the two ABIs the filter supports.
_SYSCALLS = {
    "x86_64": (0xC000003E, {
        "ptrace": 101, "process_vm_readv": 310, "process_vm_writev": 311, "socket": 41, "connect": 42, "bind": 49,
        "listen": 50, "accept": 43, "accept4": 288, "write": 1, "writev": 20, "pwrite64": 18, "pwritev": 296,
        "pwritev2": 328, "sendfile": 40, "splice": 275, "dup": 32, "dup2": 33, "dup3": 292, "fcntl": 72,
        "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427, "unshare": 272, "setns": 308,
        "clone": 56, "clone3": 435, "mount": 165, "umount2": 166, "pivot_root": 155, "chroot": 161,
        "move_mount": 429, "open_tree": 428, "fsopen": 430, "fsconfig": 431, "fsmount": 432, "fspick": 433,
        "mount_setattr": 442, "bpf": 321, "perf_event_open": 298, "userfaultfd": 323, "keyctl": 250,
        "add_key": 248, "request_key": 249, "kexec_load": 246, "kexec_file_load": 320, "init_module": 175,
        "finit_module": 313, "delete_module": 176, "reboot": 169, "swapon": 167, "swapoff": 168, "acct": 163,
        "process_madvise": 440, "pidfd_getfd": 438, "kcmp": 312, "open_by_handle_at": 304,
        "name_to_handle_at": 303, "execve": 59, "execveat": 322, "syslog": 103, "seccomp": 317,
        "iopl": 172, "ioperm": 173, "quotactl": 179,
    }),
    "aarch64": (0xC00000B7, {
        "ptrace": 117, "process_vm_readv": 270, "process_vm_writev": 271, "socket": 198, "connect": 203,
        "bind": 200, "listen": 201, "accept": 202, "accept4": 242, "write": 64, "writev": 66, "pwrite64": 68,
        "pwritev": 70, "pwritev2": 287, "sendfile": 71, "splice": 76, "dup": 23, "dup3": 24, "fcntl": 25,
        "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427, "unshare": 97, "setns": 268,
        "clone": 220, "clone3": 435, "mount": 40, "umount2": 39, "pivot_root": 41, "chroot": 51,
        "move_mount": 429, "open_tree": 428, "fsopen": 430, "fsconfig": 431, "fsmount": 432, "fspick": 433,
        "mount_setattr": 442, "bpf": 280, "perf_event_open": 241, "userfaultfd": 282, "keyctl": 219,
        "add_key": 217, "request_key": 218, "kexec_load": 104, "kexec_file_load": 294, "init_module": 105,
        "finit_module": 273, "delete_module": 106, "reboot": 142, "swapon": 224, "swapoff": 225, "acct": 89,
        "process_madvise": 440, "pidfd_getfd": 438, "kcmp": 272, "open_by_handle_at": 265,
        "name_to_handle_at": 264, "execve": 221, "execveat": 281, "syslog": 116, "seccomp": 277, "quotactl": 60,
    }),
}
# Refused outright: reaching other processes, the network, the kernel's namespaces, mounts and other
# privileged interfaces. (Capabilities are gone already; this also binds what a capability would not.)
SECCOMP_DENIED = (
    "ptrace", "process_vm_readv", "process_vm_writev", "socket", "connect", "bind", "listen", "accept", "accept4",
    "io_uring_setup", "io_uring_enter", "io_uring_register", "unshare", "setns", "mount", "umount2", "pivot_root",
    "chroot", "move_mount", "open_tree", "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr", "bpf",
    "perf_event_open", "userfaultfd", "keyctl", "add_key", "request_key", "kexec_load", "kexec_file_load",
    "init_module", "finit_module", "delete_module", "reboot", "swapon", "swapoff", "acct", "process_madvise",
    "pidfd_getfd", "kcmp", "open_by_handle_at", "name_to_handle_at", "syslog", "iopl", "ioperm", "quotactl",
)
# Refused when their argument at these positions is the private channel: the grader-side send() is the only way
# to write to it, and it cannot be duplicated, replaced, or spliced into.
SECCOMP_CHANNEL_ARGS = {
    "write": (0,), "writev": (0,), "pwrite64": (0,), "pwritev": (0,), "pwritev2": (0,), "sendfile": (0,),
    "splice": (2,), "dup": (0,), "dup2": (0, 1), "dup3": (0, 1),
}
# Allowed on Unix sockets in GPU mode (the only family ``socket`` may then create). The mount namespace hides the
# host's socket directories (see :data:`SOCKET_DIRECTORIES`), and the network namespace the abstract ones.
UNIX_SOCKET_CALLS = ("connect", "bind", "listen", "accept", "accept4")
AF_UNIX = 1
CLONE_NAMESPACES = 0x7E020000  # CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET
_F_DUPFD, _F_DUPFD_CLOEXEC = 0, 1030
_EPERM, _ENOSYS = 1, 38
_RET_ALLOW, _RET_ERRNO, _RET_KILL_PROCESS = 0x7FFF0000, 0x00050000, 0x80000000
_LD_ABS, _JEQ, _JGE, _JSET, _RET = 0x20, 0x15, 0x35, 0x45, 0x06


class _SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint32)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


def seccomp_program(machine: str, channel_fd: int, allow_exec: bool,
                    unix_sockets: bool = False) -> list[tuple[int, int, int, int]] | None:
    """The BPF program of the child's syscall filter as ``(code, jt, jf, k)`` tuples; None for other ABIs.

    Args:
        machine: ``platform.machine()``.
        channel_fd: The private channel's descriptor.
        allow_exec: Allow ``execve`` (ptxas, and Triton's launcher build on a GPU).
        unix_sockets: Allow ``socket(AF_UNIX, ...)`` and the calls in :data:`UNIX_SOCKET_CALLS` (the CUDA driver
            needs them); every other address family stays refused.
    """
    if machine not in _SYSCALLS:
        return None
    arch, numbers = _SYSCALLS[machine]
    deny = (_RET, 0, 0, _RET_ERRNO | _EPERM)
    allow = (_RET, 0, 0, _RET_ALLOW)
    prog = [(_LD_ABS, 0, 0, 4), (_JEQ, 1, 0, arch), (_RET, 0, 0, _RET_KILL_PROCESS), (_LD_ABS, 0, 0, 0)]
    if machine == "x86_64":
        prog += [(_JGE, 0, 1, 0x40000000), deny]  # the x32 ABI
    refused = list(SECCOMP_DENIED) + ([] if allow_exec else ["execve", "execveat"])
    if unix_sockets:
        refused = [name for name in refused if name != "socket" and name not in UNIX_SOCKET_CALLS]
        prog += [(_JEQ, 0, 4, numbers["socket"]), _arg(0), (_JEQ, 1, 0, AF_UNIX), deny, allow]
    for name in refused:
        prog += [(_JEQ, 0, 1, numbers[name]), deny]
    prog += [(_JEQ, 0, 1, numbers["clone3"]), (_RET, 0, 0, _RET_ERRNO | _ENOSYS)]  # glibc falls back to clone
    prog += [(_JEQ, 0, 4, numbers["clone"]), _arg(0), (_JSET, 0, 1, CLONE_NAMESPACES), deny, allow]
    for name, positions in SECCOMP_CHANNEL_ARGS.items():
        if name not in numbers:
            continue  # dup2 does not exist on aarch64
        body = []
        for position in positions:
            body += [_arg(position), (_JEQ, 0, 1, channel_fd), deny]
        prog += [(_JEQ, 0, len(body) + 1, numbers[name])] + body + [allow]
    prog += [(_JEQ, 0, 6, numbers["fcntl"]), _arg(0), (_JEQ, 0, 4, channel_fd), _arg(1),
             (_JEQ, 1, 0, _F_DUPFD), (_JEQ, 0, 1, _F_DUPFD_CLOEXEC), deny, allow]
    return prog + [allow]


def _arg(position: int) -> tuple[int, int, int, int]:
    """Load the low 32 bits of syscall argument ``position`` (little-endian ``seccomp_data``)."""
    return (_LD_ABS, 0, 0, 16 + 8 * position)


def install_seccomp(channel_fd: int, allow_exec: bool, unix_sockets: bool = False) -> bool:
    """Install the syscall filter on every thread of this process; False where the OS or the ABI does not allow it.

    Needs ``no_new_privs`` (set by :func:`drop_capabilities`) or CAP_SYS_ADMIN. See :func:`seccomp_program`.
    """
    program = seccomp_program(platform.machine(), channel_fd, allow_exec, unix_sockets)
    if program is None or sys.byteorder != "little":
        return False
    filters = (_SockFilter * len(program))(*[_SockFilter(*ins) for ins in program])
    fprog = _SockFprog(len(program), filters)
    libc = _libc()
    libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    seccomp_nr = _SYSCALLS[platform.machine()][1]["seccomp"]
    set_mode_filter, flag_tsync = 1, 1
    if libc.syscall(seccomp_nr, set_mode_filter, flag_tsync, ctypes.byref(fprog)) == 0:
        return True
    pr_set_seccomp, seccomp_mode_filter = 22, 2
    return libc.prctl(pr_set_seccomp, seccomp_mode_filter, ctypes.byref(fprog), 0, 0) == 0
