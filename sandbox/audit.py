"""Audit hooks (PEP 578) in the sandboxed child: the candidate's own Python is refused what an answer never needs.

Installed after the harness has set itself up and before the candidate is imported; an audit hook cannot be
removed from Python. An event is *the candidate's* when the nearest frame above it that is not the standard
library (``<frozen ...>`` and generated ``<...>`` code count as the standard library) is code from the candidate's
file: so the candidate calling ``inspect.stack()`` is refused, while Triton reading the candidate's source to
compile it is not. A refused event raises ``PermissionError`` in the candidate and is recorded; the child reports
the records and the grader turns each into a ``sandbox_denied:<what>`` hack flag.

Refused for the candidate: frames and tracing (``sys._getframe``, ``tb_frame``, ``gi_frame``, ``settrace``, ...),
``gc`` object scans, all of ``ctypes``, processes (``os.fork``, ``os.system``, ``subprocess``, exec, spawn) and
signals to others (``os.kill``), sockets, environment edits (``os.putenv``), directory listings and file-system
changes, files outside its working directory, imports of modules outside the answer format's list, replacing
the code or special attributes (``__code__``, ``__defaults__``, ``__bases__``, ...) of functions and classes that
are not its own, and compiling or executing code of its own (``exec``, ``eval``, ``compile``, ``marshal``, new code
or function objects). CPython raises no audit event for an ordinary class or module attribute assignment, so
monkeypatching (``torch.Tensor.__eq__ = ...``) is refused by the static checks only; the comparison it targets
happens in the grader anyway.

What this is not: a security boundary. CPython's documentation says as much; a candidate that reaches native
code, or library functions that do the refused things on its behalf, is not stopped here. The OS layers
(namespaces, seccomp, rlimits) are the boundary; this layer closes the easy in-process routes to the harness's
objects (the channel, the secret, the instrumentation) and names what the candidate tried.
"""
from __future__ import annotations

import os
import sys
import sysconfig
import threading

# The modules an answer may import: the static check (kernelgym.static_checks) refuses others before anything
# runs, and the audit hook refuses them at run time. The child side defines it, so it imports nothing of the
# trusted side.
ALLOWED_MODULES = frozenset({"torch", "triton", "math", "typing", "functools", "itertools", "dataclasses",
                             "__future__"})

DENIED_EVENTS = frozenset({
    "sys._getframe", "sys._current_frames", "sys._current_exceptions", "sys._getframemodulename",
    "sys.settrace", "sys.setprofile", "sys.addaudithook", "sys.monitoring.register_callback",
    "gc.get_objects", "gc.get_referrers", "gc.get_referents",
    "os.fork", "os.forkpty", "os.system", "os.kill", "os.killpg", "signal.pthread_kill", "os.putenv",
    "os.unsetenv", "os.listdir", "os.scandir", "os.chdir", "os.mkdir", "os.remove", "os.rename", "os.rmdir",
    "os.chmod", "os.chown", "os.link", "os.symlink", "os.truncate", "os.utime", "os.setxattr", "os.removexattr",
    "os.listxattr", "os.getxattr", "os.lockf", "glob.glob", "glob.glob/2", "pathlib.Path.glob",
    "pathlib.Path.rglob", "pickle.find_class", "setopencodehook",
    "mmap.__new__", "builtins.input", "builtins.breakpoint",
})
DENIED_PREFIXES = (
    "ctypes.", "socket.", "subprocess.", "_posixsubprocess.", "os.exec", "os.spawn", "os.posix_spawn", "shutil.",
    "tempfile.", "fcntl.", "resource.", "urllib.", "http.", "ftplib.", "smtplib.", "telnetlib.", "poplib.",
    "imaplib.", "nntplib.", "webbrowser.", "sqlite3.", "pty.", "cpython.",
)
# Refused only when the candidate's own code is the immediate caller: the standard library (dataclasses,
# namedtuple, typing) generates and compiles code from validated identifiers, and the import system loads the
# standard library's own helpers (the idna codec for a host name), which is harmless; what those helpers then do
# is checked on its own.
OWN_CODE_EVENTS = frozenset({"exec", "compile", "code.__new__", "function.__new__", "import", "marshal.load",
                             "marshal.loads"})
FRAME_ATTRIBUTES = frozenset({"tb_frame", "gi_frame", "cr_frame", "ag_frame", "f_back"})
# Standard-library modules that call sys._getframe only to read the caller's module name.
_NAME_LOOKUPS = ("collections/__init__.py", "typing.py", "enum.py", "dataclasses.py")


def install(candidate_path: str, workdir: str, denied: list[str]) -> None:
    """Add the audit hook for a candidate loaded from ``candidate_path``; refusals are appended to ``denied``.

    Nothing but the interpreter's hook list and the caller keep a reference to the hook or to ``denied``, so the
    candidate cannot reach them without the very introspection the hook refuses. Everything the hook calls is
    bound here, in its closure: rebinding a module attribute (``os.path.abspath``, a builtin, this module's
    globals) afterwards changes nothing for it.
    """
    sys.addaudithook(_make_hook(candidate_path, workdir, denied))


def site_dirs() -> list[str]:
    """Every directory third-party packages are imported from: this environment's site-packages, and the base
    installation's too where a virtual environment sees it (``--system-site-packages``) or a distribution keeps
    them apart (``dist-packages``). A package under the standard library's directory is still a library, not a
    part of the standard library the hook may look through."""
    import site

    paths = sysconfig.get_paths()
    found = [paths[key] for key in ("purelib", "platlib") if key in paths]
    found += site.getsitepackages() if hasattr(site, "getsitepackages") else []
    found += [path for path in sys.path if os.path.basename(path.rstrip("/")) in ("site-packages", "dist-packages")]
    return sorted({os.path.abspath(path) for path in found if os.path.isdir(path)})


def _make_hook(candidate_path: str, workdir: str, denied: list[str]):
    stdlib = os.path.join(sysconfig.get_paths()["stdlib"], "")
    site = tuple(os.path.join(path, "") for path in site_dirs())
    workdir = os.path.join(os.path.abspath(workdir), "")
    watched = _make_classifier(workdir)
    busy: set[int] = set()
    get_ident, getframe, refuse, is_instance = threading.get_ident, sys._getframe, PermissionError, isinstance
    own_code_events, name_lookups = OWN_CODE_EVENTS, _NAME_LOOKUPS

    def library_file(path) -> bool:
        return is_instance(path, str) and ".." not in path.split("/") and path.startswith((stdlib, *site))

    def transparent(filename: str) -> bool:
        return filename.startswith("<") or (filename.startswith(stdlib) and not filename.startswith(site))

    def candidate_did_it(frame, own_code_only: bool) -> bool:
        while frame is not None:
            filename = frame.f_code.co_filename
            if filename == candidate_path:
                return True
            if own_code_only or not transparent(filename):
                return False
            frame = frame.f_back
        return False

    def hook(event: str, args: tuple) -> None:
        what = watched(event, args)
        if what is None:
            return
        tid = get_ident()
        if tid in busy:
            return  # the hook's own frame walk
        busy.add(tid)
        try:
            caller = getframe(1)
            if event == "sys._getframe" and caller.f_code.co_filename.endswith(name_lookups):
                return
            if event == "open" and caller.f_code.co_filename.startswith("<frozen importlib") and \
                    library_file(args[0]):
                return  # the import system loading torch or triton modules that the answer may import
            if not candidate_did_it(caller, own_code_only=event in own_code_events):
                return
        finally:
            busy.discard(tid)
        if what not in denied:
            denied.append(what)
        raise refuse(f"sandbox: {what} is not allowed in an answer")

    return hook


def _make_classifier(workdir: str):
    """``watched(event, args)``: the name under which an event is refused when the candidate raised it, or None."""
    import types

    denied_events, prefixes, own_code = DENIED_EVENTS, DENIED_PREFIXES, OWN_CODE_EVENTS
    allowed_modules, frame_attributes = frozenset(ALLOWED_MODULES), FRAME_ATTRIBUTES
    is_instance, to_str, fsdecode, length = isinstance, str, os.fsdecode, len
    type_dict = type.__dict__["__dict__"].__get__
    type_qualname = type.__dict__["__qualname__"].__get__
    function_module = types.FunctionType.__dict__["__module__"].__get__
    function_qualname = types.FunctionType.__dict__["__qualname__"].__get__
    function_type = types.FunctionType

    def inside_workdir(path) -> bool:
        if is_instance(path, bytes):
            path = fsdecode(path)
        if not is_instance(path, str) or ".." in path.split("/"):
            return False
        return (path if path.startswith("/") else workdir + path).startswith(workdir)

    def foreign_patch(args: tuple):
        target = args[0] if args else None
        name = to_str(args[1]) if length(args) > 1 else "?"
        if is_instance(target, type):
            module, qualname = type_dict(target).get("__module__"), type_qualname(target)
        elif is_instance(target, function_type):
            module, qualname = function_module(target), function_qualname(target)
        else:
            return None
        return None if module == "candidate" else f"setattr:{module}.{qualname}.{name}"

    def watched(event: str, args: tuple):
        if event in denied_events or (event in own_code and event != "import") or event.startswith(prefixes):
            return event
        if event == "open":
            return None if inside_workdir(args[0] if args else None) else "open"
        if event == "import":
            root = to_str(args[0]).split(".")[0] if args else ""
            return None if root in allowed_modules else f"import:{root}"
        if event == "object.__getattr__":
            name = args[1] if length(args) > 1 else ""
            return name if name in frame_attributes else None
        if event in ("object.__setattr__", "object.__delattr__"):
            return foreign_patch(args)
        return None

    return watched
