"""The sandboxed child: runs one candidate, or compiles its kernels, and reports raw bytes to the grader.

What this sandbox covers:
- One candidate, one fresh process, forked from a warm zygote: nothing it does reaches the next candidate
  (no shared memory, modules, caches or files; its working directory is deleted by the grader afterwards).
- The candidate never shares a process with the reference model, its outputs, the seeds or the verdict: the
  grader computes all of those in its own process and only sends the inputs.
- Only raw tensor bytes (and plain JSON data) travel back, over a private socket that no other process holds.
  stdout and stderr go to a capped file; nothing printed counts.
- A scrubbed environment; a private temporary working directory; rlimits on address space, CPU time, file size,
  open files and processes; a network namespace with no usable interface where the OS allows it (the record says
  when it did not); a wall-clock limit enforced by the grader, which kills the child's whole process group.
- Uninitialised memory is filled with NaN / max-int (torch's deterministic fill), so a result can never come from
  memory that an earlier call left behind.
- Hooks installed before the candidate loads count launches, record specializations, bound-check every
  interpreter load and store, trace aten ops outside kernels, and can turn every launch into a no-op (ablation).

What it does not cover (yet):
- The candidate runs as the grader's user; with root it could still reach the file system outside its working
  directory, ptrace, or fork processes that leave the process group (``setsid``). Static checks forbid the imports
  that do this, but they are not a security boundary against a determined escape from Python.
- The hooks and the op trace live in the candidate's process. A candidate that tampers with them (through means
  the static checks did not catch) can hide its own launches or fallbacks, though never fake correct outputs;
  the no-op ablation and the grader-side comparison remain.
- Kernel-level or GPU-driver exploits.
"""
from __future__ import annotations

import importlib.util
import os
import pickle
import socket
import sys
import tempfile
import traceback
from dataclasses import dataclass, field

from . import isolation, protocol
from .hooks import Instrumentation, OutOfBoundsAccess
from .isolation import Limits


@dataclass
class Run:
    """One forward call: constructor arguments, inputs and the construction seed."""

    label: str
    init_inputs: list
    inputs: list
    seed: int


@dataclass
class Job:
    """Everything a child needs; built by the grader, pickled over the private channel."""

    kind: str  # "run" or "compile"
    source: str
    workdir: str
    secret: str
    limits: Limits
    device: str = "cpu"
    runs: list[Run] = field(default_factory=list)
    ablation: Run | None = None
    timing_runs: list[Run] = field(default_factory=list)
    timing_repeats: int = 20
    specs: list[dict] = field(default_factory=list)
    target: tuple = ("cuda", 90, 32)
    cgroup: str = ""


def child_main(channel_fd: int, interpret: bool, in_pid_namespace: bool = False) -> None:
    """Entry point of a freshly forked child; never returns."""
    code = 0
    try:
        sock = socket.socket(fileno=channel_fd)
        _, buffers = protocol.recv(sock)
        job: Job = pickle.loads(buffers[0])
        layers = _confine(job, keep={sock.fileno()}, in_pid_namespace=in_pid_namespace)
        protocol.send(sock, {"type": "hello", "isolation": layers})
        if job.kind == "run":
            _run_job(sock, job, interpret)
        elif job.kind == "python":  # a user-written grader: see sandbox/script.py
            from .script import run_script
            run_script(sock, job)
        else:
            _compile_job(sock, job)
        protocol.send(sock, {"type": "done", "secret": job.secret})
    except BaseException:  # report what we can; the grader decides
        code = 1
    finally:
        os._exit(code)


def _confine(job: Job, keep: set[int], in_pid_namespace: bool) -> list[str]:
    """Apply every isolation layer the OS allows, in order; return the names of those that took effect."""
    layers = ["pid_namespace"] if in_pid_namespace else []
    os.setsid()
    if job.cgroup and isolation.join_pids_cgroup(job.cgroup, job.limits.processes):
        layers.append("pids_cgroup")
    if isolation.unshare(isolation.CLONE_NEWNET):
        layers.append("network_namespace")
    if isolation.read_only_filesystem(job.workdir):
        layers.append("read_only_filesystem")
    os.chdir(job.workdir)
    env = {"PATH": "/usr/bin:/bin", "HOME": job.workdir, "TMPDIR": job.workdir, "OMP_NUM_THREADS": "1",
           "TRITON_CACHE_DIR": os.path.join(job.workdir, ".triton"), "PYTHONDONTWRITEBYTECODE": "1",
           "TRITON_INTERPRET": os.environ.get("TRITON_INTERPRET", "0"),
           "TRITON_DEFAULT_FP_FUSION": os.environ.get("TRITON_DEFAULT_FP_FUSION", "1")}
    isolation.scrub_environment(env)
    tempfile.tempdir = job.workdir  # the zygote may have cached /tmp, which is read-only here
    isolation.redirect_output(os.path.join(job.workdir, "output.log"))
    isolation.close_other_fds(keep)
    isolation.apply_limits(job.limits, cap_processes="pids_cgroup" not in layers)
    if isolation.drop_capabilities():
        layers.append("no_capabilities")
    sys.dont_write_bytecode = True
    return layers + ["rlimits"]


def _import_candidate(job: Job, module_name: str = "candidate"):
    path = os.path.join(job.workdir, f"{module_name}.py")
    with open(path, "w") as f:
        f.write(job.source)
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


# --- run jobs -------------------------------------------------------------------------------------------
def _run_job(sock: socket.socket, job: Job, interpret: bool) -> None:
    import torch

    hooks = Instrumentation()
    hooks.install(interpret=interpret)
    if interpret:
        _quiet_autotuner()
    torch.use_deterministic_algorithms(True, warn_only=True)
    torch.utils.deterministic.fill_uninitialized_memory = True
    trace = hooks.trace_mode()
    try:
        module = _import_candidate(job)
    except BaseException as exc:
        protocol.send(sock, {"type": "error", "stage": "import", "error": _trim_traceback(exc)})
        return
    for index, run in enumerate(job.runs):
        _send_run(sock, "run", index, run, module, hooks, trace, job.device)
    if job.ablation is not None:
        hooks.noop = True
        _send_run(sock, "ablation", 0, job.ablation, module, hooks, trace, job.device)
        hooks.noop = False
    if job.timing_runs:
        from .timing import time_candidate
        for index, run in enumerate(job.timing_runs):
            time_candidate(sock, index, run, module, hooks, job)


def _send_run(sock, kind, index, run: Run, module, hooks: Instrumentation, trace, device: str) -> None:
    import torch

    inputs = [x.to(device) if isinstance(x, torch.Tensor) else x for x in run.inputs]
    hooks.reset()
    try:
        torch.manual_seed(run.seed)
        model = module.ModelNew(*run.init_inputs)
        if device != "cpu":
            model = model.to(device)
        with torch.no_grad(), trace:
            hooks.tracing = True
            try:
                output = model(*inputs)
            finally:
                hooks.tracing = False
        if device != "cpu":
            torch.cuda.synchronize()
    except BaseException as exc:
        log = hooks.reset()
        oob = isinstance(exc, OutOfBoundsAccess) or "out-of-bounds" in str(exc)
        protocol.send(sock, {"type": kind, "index": index, "error": _trim_traceback(exc), "out_of_bounds": oob,
                             "launches": log.launches, "ops": log.ops, "specs": log.specs})
        return
    log = hooks.reset()
    header, buffers = encode_outputs(output, inputs)
    header.update({"type": kind, "index": index, "launches": log.launches, "ops": log.ops, "specs": log.specs,
                   "bytes_loaded": log.bytes_loaded, "bytes_stored": log.bytes_stored})
    protocol.send(sock, header, buffers)


def encode_outputs(output, inputs) -> tuple[dict, list[bytes]]:
    """Raw bytes of the outputs and of the inputs after the call, plus the facts the grader checks."""
    import torch

    outputs = list(output) if isinstance(output, (tuple, list)) else [output]
    header: dict = {"outputs": [], "inputs_after": [], "not_plain": [], "aliases_input": False}
    buffers: list[bytes] = []
    input_ranges = [_storage_range(x) for x in inputs if type(x) is torch.Tensor]
    for i, out in enumerate(outputs):
        if type(out) is not torch.Tensor:
            header["not_plain"].append(f"output {i} is {type(out).__name__}, not a plain torch.Tensor")
            continue
        lo, hi = _storage_range(out)
        if out.numel() and any(lo < in_hi and in_lo < hi for in_lo, in_hi in input_ranges):
            header["aliases_input"] = True
        meta, raw = _tensor_bytes(out)
        header["outputs"].append(meta)
        buffers.append(raw)
    for x in inputs:
        if type(x) is torch.Tensor:
            meta, raw = _tensor_bytes(x)
            header["inputs_after"].append(meta)
            buffers.append(raw)
    return header, buffers


def _tensor_bytes(t) -> tuple[dict, bytes]:
    flat = t.detach().to("cpu").contiguous().reshape(-1)
    raw = flat.view(torch_uint8()).numpy().tobytes() if flat.numel() else b""
    return {"dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape)}, raw


def torch_uint8():
    import torch
    return torch.uint8


def _storage_range(t) -> tuple[int, int]:
    storage = t.untyped_storage()
    return storage.data_ptr(), storage.data_ptr() + storage.nbytes()


def _quiet_autotuner() -> None:
    """Under the interpreter, autotuning would time every config with a GPU benchmarker that does not exist:
    take the first config without timing (correctness does not depend on the choice)."""
    from triton.runtime import autotuner

    autotuner.Autotuner._bench = lambda self, *args, config, **meta: [0.0, 0.0, 0.0]


# --- compile jobs ---------------------------------------------------------------------------------------
def _compile_job(sock: socket.socket, job: Job) -> None:
    import triton
    from triton.backends.compiler import GPUTarget
    from triton.compiler import ASTSource
    from triton.runtime.jit import JITFunction

    from .gpu_stats import kernel_stats

    try:
        module = _import_candidate(job)
    except BaseException as exc:
        protocol.send(sock, {"type": "compiled", "results": [{"ok": False, "error": _trim_traceback(exc)}]})
        return
    target = GPUTarget(*job.target)
    results = []
    for spec in job.specs:
        name = spec["qualname"]
        try:
            fn = _resolve(module, name)
            while not isinstance(fn, JITFunction):
                fn = fn.fn
            attrs = {(fn.arg_names.index(arg),): [["tt.divisibility", 16]]
                     for arg in spec.get("aligned", []) if arg in fn.arg_names}
            source = ASTSource(fn=fn, signature=spec["signature"], constexprs=spec["constexprs"], attrs=attrs)
            compiled = triton.compile(source, target=target, options=spec.get("options") or None)
            stats = kernel_stats(compiled, job.target[1]) if job.target[0] == "cuda" else {}
            consts = ",".join(f"{k}={v}" for k, v in spec["constexprs"].items())
            results.append({"ok": True, "kernel": f"{name}[{consts}]" if consts else name, "stats": stats})
        except BaseException as exc:
            results.append({"ok": False, "kernel": name, "error": _compile_message(exc)})
    protocol.send(sock, {"type": "compiled", "results": results})


def _resolve(module, qualname: str):
    if "<locals>" in qualname:
        raise LookupError(f"kernel {qualname} is defined inside a function; define kernels at module level")
    obj = module
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


def _compile_message(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return f"{type(exc).__name__}: {text}"[-2000:]


def _trim_traceback(exc: BaseException) -> str:
    """The candidate-side frames of a traceback and the message, short enough for a prompt."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "candidate" in f.filename]
    lines = [f"line {f.lineno}: {f.line}" for f in frames[-3:]]
    message = f"{type(exc).__name__}: {exc}".strip()
    return "\n".join(lines + [message[-1500:]])
