"""The ``python`` job: run a user-written grader ``grade(sample, item) -> float`` in a sandboxed child.

The job is forked from the same warm zygote and confined by the same layers as a kernel candidate (see
:mod:`kernelgym.sandbox.child`), and then one more: where the kernel supports Landlock (Linux 5.13+), the child
may read only Python's own installation (standard library and site-packages, for imports) and read and write only
its private working directory; with Landlock ABI 4+ it may also neither bind nor connect TCP sockets, and with
ABI 6+ it may not signal processes outside itself. The layer is reported as ``landlock_filesystem`` /
``landlock_network`` beside the others.

Only JSON crosses back: the score (a number, which the parent still checks and clips), the name of the type
that ``grade`` returned instead, or the error message.
"""
from __future__ import annotations

import ctypes
import json
import numbers
import os
import socket
import sys
import sysconfig
import traceback

from . import audit, protocol
from .isolation import PR_SET_NO_NEW_PRIVS
from .protocol import Score, ScriptJob

_SYS_CREATE_RULESET, _SYS_ADD_RULE, _SYS_RESTRICT_SELF = 444, 445, 446  # the same on every architecture
_RULE_PATH_BENEATH = 1
_EXECUTE, _WRITE_FILE, _READ_FILE, _READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
_TRUNCATE = 1 << 14
_READ = _EXECUTE | _READ_FILE | _READ_DIR


def run_script(sock: socket.socket, job: ScriptJob) -> None:
    """Apply Landlock, load ``job.source``, call ``grade(sample, item)`` and send back one ``score`` message."""
    layers = restrict_paths(job.workdir, python_roots())
    path = os.path.join(job.workdir, "grader.py")
    try:
        data = json.loads(job.payload)
        with open(path, "w") as f:
            f.write(job.source)
        namespace = {"__name__": "grader", "__file__": path}
        exec(compile(job.source, path, "exec"), namespace)
        value = namespace["grade"](data["sample"], data["item"])
    except BaseException as exc:
        protocol.send(sock, Score(error=_trim(exc, path), isolation=tuple(layers)).to_header())
        return
    if isinstance(value, numbers.Real):
        protocol.send(sock, Score(float(value), isolation=tuple(layers)).to_header())
    else:
        protocol.send(sock, Score(returned=type(value).__name__, isolation=tuple(layers)).to_header())


def python_roots() -> list[str]:
    """Directories the child may read: Python's standard library and site-packages."""
    paths = sysconfig.get_paths()
    roots = {paths[key] for key in ("stdlib", "platstdlib") if key in paths} | set(audit.site_dirs())
    return sorted(root for root in roots if os.path.isdir(root))


def restrict_paths(workdir: str, readable: list[str]) -> list[str]:
    """Confine this process with Landlock: read ``readable``, read and write ``workdir`` and ``/dev/null``,
    nothing else; no TCP where the ABI allows. Return the layers that took effect (none without Landlock)."""
    if not sys.platform.startswith("linux"):
        return []
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    abi = libc.syscall(_SYS_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(1))
    if abi < 1:
        return []
    handled = (1 << 13) - 1 | (1 << 13 if abi >= 2 else 0) | (_TRUNCATE if abi >= 3 else 0) \
        | (1 << 15 if abi >= 5 else 0)
    attr = (ctypes.c_uint64 * 3)(handled, 3 if abi >= 4 else 0, 3 if abi >= 6 else 0)
    size = 8 * (3 if abi >= 6 else 2 if abi >= 4 else 1)
    ruleset = libc.syscall(_SYS_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0))
    if ruleset < 0:
        return []
    try:
        rules = [(root, _READ) for root in readable] + [(workdir, handled)]
        rules.append((os.devnull, _READ_FILE | _WRITE_FILE | (_TRUNCATE if abi >= 3 else 0)))
        for path, access in rules:
            if not _add_rule(libc, ruleset, path, access):
                return []
        libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)  # which Landlock requires (already set by the child)
        if libc.syscall(_SYS_RESTRICT_SELF, ctypes.c_int(ruleset), ctypes.c_uint32(0)) != 0:
            return []
    finally:
        os.close(ruleset)
    return ["landlock_filesystem"] + (["landlock_network"] if abi >= 4 else [])


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def _add_rule(libc, ruleset: int, path: str, access: int) -> bool:
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return True  # nothing there to allow
    try:
        rule = _PathBeneath(access, fd)
        return libc.syscall(_SYS_ADD_RULE, ctypes.c_int(ruleset), ctypes.c_int(_RULE_PATH_BENEATH),
                            ctypes.byref(rule), ctypes.c_uint32(0)) == 0
    finally:
        os.close(fd)


def _trim(exc: BaseException, path: str) -> str:
    """The frames of a traceback in the user's grader (the file at ``path``, not kernelgym's own grader.py) and
    the message."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == path]
    lines = [f"line {f.lineno}: {f.line}" for f in frames[-3:]]
    return "\n".join(lines + [f"{type(exc).__name__}: {exc}"[-1500:]])
