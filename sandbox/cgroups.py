"""Per-grading control groups: a cap on processes and one on memory that bind root too, on cgroup v1 and v2.

A sandboxed child calls :func:`join` first thing after the fork, before it allocates anything; the grader calls
:func:`remove` once the child is gone. A memory cgroup counts resident pages (anonymous memory, the private tmpfs,
page cache it brings in), not address space, so it bounds host memory on a GPU too, where the driver's device
mappings make an address-space limit useless (``cudaGetDeviceCount`` fails under one).

Where the groups live:
- cgroup v2 (one hierarchy at ``/sys/fs/cgroup``): ``<own group>/kernelgym/<name>``. The kernel's "no internal
  processes" rule lets a group other than the root pass controllers to its children only when it holds no
  process itself, so where the grader's own group is not the root, its processes (the grader, its zygotes, and
  whatever else shares the group) are first moved into a leaf ``<own group>/kernelgym-host``, as container
  runtimes do when they nest; they stay under the same parent and its limits. ``KERNELGYM_CGROUP_NEST=0`` turns
  that off (the cgroup layers are then absent where the grader's group is not the root).
- cgroup v1: ``/sys/fs/cgroup/pids/<own pids group>/<name>`` and ``/sys/fs/cgroup/memory/<own memory group>/<name>``.
"""
from __future__ import annotations

import os

ROOT = "/sys/fs/cgroup"
GROUP = "kernelgym"  # v2: the parent of every grading's group, with the pids and memory controllers on
HOST_LEAF = "kernelgym-host"  # v2: where the processes of a non-root group move so that GROUP can sit beside them


def join(name: str, processes: int, memory_bytes: int | None) -> list[str]:
    """Create this grading's groups, set their caps and move the calling process into them.

    Args:
        name: The grading's group name (unique per grading).
        processes: Most processes and threads.
        memory_bytes: Most resident memory, or None for no memory cap.

    Returns:
        The layers that took effect: ``pids_cgroup``, ``memory_cgroup``.
    """
    if _is_v2():
        return _join_v2(name, processes, memory_bytes)
    layers = []
    if _join_v1("pids", name, {"pids.max": processes}):
        layers.append("pids_cgroup")
    if memory_bytes is not None and _join_v1("memory", name, {"memory.limit_in_bytes": memory_bytes,
                                                              "memory.memsw.limit_in_bytes": memory_bytes,
                                                              "memory.swappiness": 0}):
        layers.append("memory_cgroup")
    return layers


def remove(name: str) -> None:
    """Remove a grading's groups once its processes are gone (a group that still holds one stays)."""
    for path in _paths(name):
        try:
            os.rmdir(path)
        except OSError:
            pass


def out_of_memory(name: str) -> bool:
    """Whether the kernel killed a process of this grading's memory group for going over its cap."""
    for path in _paths(name):
        for events in ("memory.events", "memory.oom_control"):  # v2, v1: "oom_kill N" among other counters
            words = _read_words(os.path.join(path, events)) or []
            counts = dict(zip(words[::2], words[1::2]))
            if counts.get("oom_kill", "0") != "0":
                return True
    return False


def _is_v2() -> bool:
    return os.path.exists(os.path.join(ROOT, "cgroup.controllers"))


def _own(controller: str) -> str:
    """This process's group in one v1 hierarchy (``controller``) or in the v2 hierarchy (``""``)."""
    try:
        with open("/proc/self/cgroup") as f:
            for line in f:
                _, names, path = line.rstrip("\n").split(":", 2)
                if controller in names.split(",") or (not controller and not names):
                    path = path.strip("/")
                    if not controller and (path == HOST_LEAF or path.endswith("/" + HOST_LEAF)):
                        path = path[:-len(HOST_LEAF)]  # moved by _nest: the group we nest in is the parent
                    return path.strip("/")
    except (OSError, ValueError):
        pass
    return ""


def _paths(name: str) -> list[str]:
    if _is_v2():
        return [os.path.join(ROOT, _own(""), GROUP, name)]
    return [os.path.join(ROOT, c, _own(c), name) for c in ("pids", "memory")]


def _write(path: str, value) -> bool:
    try:
        with open(path, "w") as f:
            f.write(str(value))
        return True
    except OSError:
        return False


def _join_v1(controller: str, name: str, settings: dict) -> bool:
    path = os.path.join(ROOT, controller, _own(controller), name)
    try:
        os.makedirs(path, exist_ok=True)
    except OSError:
        return False
    first, *rest = settings.items()
    if not _write(os.path.join(path, first[0]), first[1]):
        return False
    for key, value in rest:  # optional: memsw exists only with swap accounting
        _write(os.path.join(path, key), value)
    return _write(os.path.join(path, "cgroup.procs"), 0)


def _read_words(path: str) -> list[str] | None:
    try:
        with open(path) as f:
            return f.read().split()
    except OSError:
        return None


def _enable(directory: str, controllers: list[str]) -> bool:
    """Pass ``controllers`` on to the groups below ``directory``; True when every one was accepted."""
    return all([_write(os.path.join(directory, "cgroup.subtree_control"), f"+{c}") for c in controllers])


def _nest(own: str) -> bool:
    """Move every process of our own v2 group into a leaf ``<own>/kernelgym-host``, so that the controllers can be
    switched on for the groups beside it (the "no internal processes" rule); True when the group is then empty.

    The processes stay under the same parent, so every limit that applied to them still does.
    """
    if os.environ.get("KERNELGYM_CGROUP_NEST", "1") == "0" or own.rstrip("/") == ROOT:
        return False
    leaf = os.path.join(own, HOST_LEAF)
    try:
        os.makedirs(leaf, exist_ok=True)
    except OSError:
        return False
    for pid in _read_words(os.path.join(own, "cgroup.procs")) or []:
        _write(os.path.join(leaf, "cgroup.procs"), pid)  # a process that exited meanwhile fails harmlessly
    return _read_words(os.path.join(own, "cgroup.procs")) == []


def _join_v2(name: str, processes: int, memory_bytes: int | None) -> list[str]:
    own = os.path.join(ROOT, _own(""))
    parent = os.path.join(own, GROUP)
    wanted = ["pids"] + (["memory"] if memory_bytes is not None else [])
    try:
        os.makedirs(parent, exist_ok=True)
    except OSError:
        return []
    if not _enable(own, wanted) and _nest(own):
        _enable(own, wanted)
    _enable(parent, wanted)  # a controller refused on the way shows in the group's cgroup.controllers below
    path = os.path.join(parent, name)
    try:
        os.makedirs(path, exist_ok=True)
    except OSError:
        return []
    enabled = _read_words(os.path.join(path, "cgroup.controllers")) or []
    layers = []
    if "pids" in enabled and _write(os.path.join(path, "pids.max"), processes):
        layers.append("pids_cgroup")
    if memory_bytes is not None and "memory" in enabled and _write(os.path.join(path, "memory.max"), memory_bytes):
        _write(os.path.join(path, "memory.swap.max"), 0)
        _write(os.path.join(path, "memory.oom.group"), 1)
        layers.append("memory_cgroup")
    if not layers or not _write(os.path.join(path, "cgroup.procs"), 0):
        return []
    return layers
