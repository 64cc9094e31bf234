"""Which sandbox layer, if any, stops CUDA: ``python -m kernelgym.sandbox.layer_probe`` prints one JSON line per
trial. Each trial is a child forked from this process (which imported torch and triton, CUDA untouched, as a
zygote does) that applies one layer, or all of them as a grading child does, then allocates on the GPU and
launches a Triton kernel. Used by ``kernelgym doctor`` when CUDA fails inside the sandbox.
"""
from __future__ import annotations

import json
import os
import socket
import sys
import tempfile
import time


def _cuda_work() -> str:
    import torch
    import triton
    import triton.language as tl

    @triton.jit
    def add_one(x_ptr, n, BLOCK: tl.constexpr):
        offsets = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
        mask = offsets < n
        tl.store(x_ptr + offsets, tl.load(x_ptr + offsets, mask=mask) + 1, mask=mask)

    x = torch.zeros(1000, device="cuda")
    add_one[(4,)](x, 1000, BLOCK=256)
    torch.cuda.synchronize()
    return "ok" if float(x.sum()) == 1000.0 else f"wrong result {float(x.sum())}"


def _layers(workdir: str, channel: int) -> dict:
    from . import cgroups, child, isolation
    from .isolation import Limits

    def private_files():
        layers = isolation.read_only_filesystem(workdir, 128, noexec=False)
        os.chdir(workdir)
        os.environ["TRITON_CACHE_DIR"] = os.path.join(workdir, ".triton")
        tempfile.tempdir = workdir
        return layers

    def seccomp():
        isolation.drop_capabilities()
        return ["seccomp"] if isolation.install_seccomp(channel, allow_exec=True, unix_sockets=True) else []

    def everything():
        job = child.Job(kind="probe", source="", workdir=workdir, secret="", limits=Limits(), device="cuda",
                        cgroup=f"kernelgym-probe-{os.getpid()}")
        return child._confine(job, keep={channel}, in_pid_namespace=False)

    return {
        "none": lambda: [],
        "cgroups": lambda: cgroups.join(f"kernelgym-probe-{os.getpid()}", 32, 2 * 2**30),
        "network_namespace": lambda: ["network_namespace"] if isolation.unshare(isolation.CLONE_NEWNET) else [],
        "read_only_filesystem": private_files,
        "rlimit_data": lambda: [isolation.apply_limits(Limits(), memory="data", cap_processes=False)],
        "no_capabilities": lambda: ["no_capabilities"] if isolation.drop_capabilities() else [],
        "seccomp": seccomp,
        "all": everything,
    }


def trial(name: str, timeout_s: float = 60.0) -> dict:
    """Fork a child that applies layer ``name`` and then uses CUDA; what it reported, or how it died."""
    from . import cgroups

    workdir = tempfile.mkdtemp(prefix="kernelgym-probe-")
    peer, channel = socket.socketpair()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # pragma: no cover (the forked child)
        from .child import _channel_at
        from .isolation import Limits

        report = {"trial": name}
        try:
            channel = _channel_at(channel, Limits().open_files - 1)  # where a grading child keeps it
            report["layers"] = _layers(workdir, channel.fileno())[name]()
            report["cuda"] = _cuda_work()
        except BaseException as exc:
            report["cuda"] = f"{type(exc).__name__}: {exc}"[:400]
        channel.sendall(json.dumps(report).encode())
        os._exit(0)
    channel.close()
    peer.settimeout(timeout_s)
    try:
        data = peer.recv(1 << 16)
    except OSError:
        data = b""
    try:
        os.kill(pid, 9)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)
    cgroups.remove(f"kernelgym-probe-{pid}")
    report = json.loads(data) if data else {"trial": name, "cuda": "the child died before reporting"}
    report["seconds"] = round(time.monotonic() - started, 2)
    return report


def main() -> None:
    import torch  # noqa: F401  (imported before the forks, as in a zygote; CUDA stays untouched)
    import triton  # noqa: F401

    from .zygote import _find_libcuda

    _find_libcuda()
    for name in _layers("", -1):
        print(json.dumps(trial(name)), flush=True)


if __name__ == "__main__":
    main()
    sys.exit(0)
