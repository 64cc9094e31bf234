"""The sandboxed child: runs one candidate, or compiles its kernels, and reports raw bytes to the grader.

What this sandbox covers (each item is exercised by a fixture in tests/adversarial/):
- One candidate, one fresh process, forked from a warm zygote: nothing it does reaches the next candidate
  (no shared memory, modules, caches or files; its working directory is a tmpfs that dies with it).
- On CPU, one run, one process: each test run and the ablation import the candidate afresh in a process forked
  from this one (which never imports it), and the working directory is emptied and every other process in the
  PID namespace killed between runs, so nothing a run leaves (globals, class attributes, function defaults,
  caches keyed by shape or pointer, files, processes) reaches another. One run of the largest test case calls
  ``forward`` twice in its process, first on other inputs of the same shapes, then on its own copied into the same
  tensors; only the second output is judged, so state kept between calls shows. The grader flags an output that
  matches the reference of another call of the grading instead of its own (``replayed_output``).
- The candidate never shares a process with the reference model, its outputs, the seeds or the verdict: the
  grader computes all of those in its own process and only sends the inputs.
- Only raw tensor bytes (and plain JSON data) travel back, over a private socket that no other process holds.
  The grader accepts each run's result once and in order, and the session only when it ends with ``done`` tagged
  with the per-grading secret; an early exit, a forged or repeated message is a crash. stdout and stderr go to a
  capped file; nothing printed counts. Outputs must be plain ``torch.Tensor`` of the reference's dtype and shape,
  must not alias an input, and the inputs must come back unchanged.
- The OS layers, each reported by name in ``KernelResult.isolation`` when it took effect (see ``isolation``):
  a PID namespace (every process the child starts, daemons included, dies with it), pids and memory cgroups (fork
  bombs and memory bombs, even as root), a network namespace without a usable interface, a read-only mount
  namespace whose only writable place is a private tmpfs of bounded size (``noexec`` for interpreter runs), the
  host's socket directories and the problem's directory hidden under empty tmpfs mounts, no capabilities, a
  seccomp filter (ptrace, process_vm_*, new sockets (on a GPU, all but ``AF_UNIX``), namespaces, mounts, bpf,
  io_uring, ``execve`` where nothing needs it, and ``write``/``writev``/``pwrite*``/``sendfile``/``splice`` to the
  channel or its duplication with ``dup*``/``fcntl``; ``sendto``/``sendmsg``, which the harness's own ``send``
  uses, stay allowed, so a candidate's own send on the channel is stopped only by the audit hook refusing it a
  socket object; the channel sits at the top descriptor, close-on-exec, so the programs a child runs never reuse
  its number), rlimits (address space on CPU, private data on a GPU without a memory cgroup, CPU time, file size,
  open files, processes), on a GPU a share of the GPU's memory, a scrubbed environment, closed inherited
  descriptors, and a wall-clock limit enforced by the grader, which kills the child's group.
- An audit hook (``audit``) refuses, in the candidate's own code, frame walking and tracing, ``gc`` scans,
  ``ctypes``, process creation and signals, sockets, environment edits, files outside its directory and dynamic
  code; each refusal becomes a ``sandbox_denied:<what>`` hack flag.
- Uninitialised memory is filled with NaN / max-int (torch's deterministic fill); every odd-numbered seed of a
  test case (#1, #3, ...) runs with every buffer that ``forward`` allocates filled with a different, finite byte:
  an output that depends on uninitialised memory cannot pass both. With one seed per test case there is no
  poisoned run.
- Hooks installed before the candidate loads count launches, record specializations with a fingerprint of the
  kernel and everything it reaches (the compile check refuses a kernel that differs from the one that ran),
  bound-check every interpreter load and store, round float32 ``tl.dot`` operands to TF32 as NVIDIA GPUs do,
  trace aten ops outside kernels (grid callables and pre-run hooks included), and can turn every launch into a
  no-op (the ablation).
- Under the interpreter, code written for a GPU runs as on one (``cuda_on_cpu``): ``cuda`` placements mean the
  CPU, the answer's own code sees CUDA tensors, and the ``torch.cuda`` calls it makes behave as on one in-order
  device; the hooks below see the same ops and launches either way.
- On a GPU, the runs share one process (CUDA cannot be used again after a fork): the double call and the
  ``replayed_output`` check still apply, and a cache that serves a later run something wrong is caught by that
  run's own comparison. Timing runs in this same child after the tests; its code is bound before the candidate
  loads, its inputs arrive only then (fresh secret seeds), and after timing the inputs are refilled in place
  with fresh values and the output checked again (pointer- and shape-keyed caches are caught).

What it does not cover:
- The launch counter, the op trace, the ablation switch and the reporting code live in the candidate's process.
  A candidate that gets past the static checks can reach them through what the audit hook does not watch
  (function closures, private torch APIs that pop the dispatch mode, attributes of the harness's modules) and
  hide a torch fallback from both checks at once (``hidden_fallback_ablation_aware``, a known gap). It can never
  fake correct outputs: the comparison happens in the grader, on its own copy of the reference.
- The audit hook is not a security boundary: library code acting for the candidate is not watched (a C-level
  file read by ``torch.from_file``, a fork by a torch DataLoader); the OS layers are the boundary for those.
- Where the OS refuses a layer (no root or namespaces, no pids cgroup, an ABI other than x86_64/aarch64 for
  seccomp), that layer is absent and ``KernelResult.isolation`` says so; the others still apply.
- The child keeps the grader's user id (root on CI, without capabilities) and can read, not write, whatever that
  user can read outside the hidden problem directories (the Python installation, other files on the machine).
- On a GPU run, ``execve`` is allowed and the working directory is executable (Triton runs ptxas and builds its
  launcher there); a content-hash cache still saves its work during the timed calls (it is caught only if it
  answers wrongly). The GPU child may create and connect Unix sockets (the CUDA driver does); only the hidden
  socket directories keep host daemons out of reach, and without root (no mount namespace) they are in sight.
  The GPU memory share binds torch's allocator, not native allocations. Side channels, kernel and GPU-driver
  exploits are out of scope.
"""
from __future__ import annotations

import importlib.util
import os
import pickle
import socket
import sys
import tempfile
import traceback

from . import audit, cgroups, isolation, protocol
from .hooks import Instrumentation, OutOfBoundsAccess, kernel_fingerprint
from .protocol import (CompileOutcome, Compiled, Done, Hello, ImportFailure, Job, Run, RunResult, Spec,
                       encode_outputs, trim_traceback)


# Set by the grader for a child under compute-sanitizer (``sanitized``): torch's caching allocator off, so that
# every tensor is an allocation of its own, whose bounds memcheck checks.
UNCACHED_ALLOCATOR = "PYTORCH_NO_CUDA_MEMORY_CACHING"
# Passed from the zygote to a GPU child: which devices it sees (the zygote's own environment is already scrubbed).
GPU_ENVIRONMENT = ("CUDA_VISIBLE_DEVICES", "NVIDIA_VISIBLE_DEVICES", "LD_LIBRARY_PATH", "TRITON_LIBCUDA_PATH",
                   UNCACHED_ALLOCATOR)


def child_main(channel_fd: int, interpret: bool, in_pid_namespace: bool = False) -> None:
    """Entry point of a freshly forked child; never returns."""
    code = 0
    try:
        sock = socket.socket(fileno=channel_fd)
        _, buffers = protocol.recv(sock)
        job: Job = pickle.loads(buffers[0])
        sock = _channel_at(sock, job.limits.open_files - 1)
        layers = _confine(job, keep={sock.fileno()}, in_pid_namespace=in_pid_namespace)
        protocol.send(sock, Hello(tuple(layers)).to_header())
        if job.kind == "run":
            _run_job(sock, job, interpret, in_pid_namespace)
        elif job.kind == "python":  # a user-written grader: see sandbox/script.py
            from .script import run_script
            run_script(sock, job)
        else:
            _compile_job(sock, job)
        protocol.send(sock, Done(job.secret).to_header())
    except BaseException:  # report what we can; the grader decides
        code = 1
    finally:
        os._exit(code)


def _channel_at(sock: socket.socket, fd: int) -> socket.socket:
    """Move the channel to descriptor ``fd`` (the highest the open-files limit allows), close-on-exec.

    The seccomp filter refuses writes to the channel's descriptor *number*, and programs the child runs (gcc
    building Triton's launcher, ptxas, ldconfig) inherit the filter: at a low number, the first file such a
    program opened would get that number and its writes would fail (seen on an H200: every launcher build
    failed). At the top of the range no program reaches it, and none inherits the channel itself.
    """
    current = sock.detach()
    if current != fd:
        os.dup2(current, fd, inheritable=False)
        os.close(current)
    else:
        os.set_inheritable(fd, False)
    return socket.socket(fileno=fd)


def _confine(job: Job, keep: set[int], in_pid_namespace: bool, inherited: set[int] = frozenset()) -> list[str]:
    """Apply every isolation layer the OS allows, in order; return the names of those that took effect.

    ``keep`` holds the private channel; ``inherited`` are other descriptors left open (those that CUDA and
    compute-sanitizer opened before a ``sanitized`` child confines itself).

    A GPU child gets the same layers as a CPU child, changed only as far as CUDA needs: its seccomp filter lets
    it create Unix sockets (the driver's; every other family is refused, and the host's socket directories are
    out of sight), and its host memory is capped by the memory cgroup (or, without one, RLIMIT_DATA) rather than
    an address-space limit, which the driver's device mappings exceed.
    """
    gpu = job.device != "cpu"
    layers = ["pid_namespace"] if in_pid_namespace else []
    os.setsid()
    if job.cgroup:
        # The group is also charged for what no address-space limit counts: the zygote's pages that this process
        # and its run process each copy on write, and the files of the private tmpfs. With those on top, the
        # address-space limit stays the one a CPU memory bomb meets (a MemoryError, whatever the copies).
        memory_cap = (job.limits.memory_mb + job.limits.disk_mb) * 2**20 + 2 * isolation.resident_bytes()
        layers += cgroups.join(job.cgroup, job.limits.processes, memory_cap)
    user_tasks = 0 if "pids_cgroup" in layers else isolation.count_user_tasks()
    if isolation.unshare(isolation.CLONE_NEWNET):
        layers.append("network_namespace")
    needs_exec = job.kind == "compile" or gpu  # ptxas, and Triton's launcher on a GPU
    layers += isolation.read_only_filesystem(job.workdir, job.limits.disk_mb, noexec=not needs_exec,
                                             hidden=tuple(job.hidden))
    os.chdir(job.workdir)
    env = {"PATH": "/usr/bin:/bin", "HOME": job.workdir, "TMPDIR": job.workdir, "OMP_NUM_THREADS": "1",
           "TRITON_CACHE_DIR": os.path.join(job.workdir, ".triton"), "PYTHONDONTWRITEBYTECODE": "1",
           "TRITON_INTERPRET": os.environ.get("TRITON_INTERPRET", "0"),
           "TRITON_DEFAULT_FP_FUSION": os.environ.get("TRITON_DEFAULT_FP_FUSION", "1")}
    env.update({key: value for key, value in os.environ.items() if key in GPU_ENVIRONMENT})
    isolation.scrub_environment(env)
    tempfile.tempdir = job.workdir  # the zygote may have cached /tmp, which is read-only here
    isolation.redirect_output(os.path.join(job.workdir, "output.log"))
    isolation.close_other_fds(set(keep) | set(inherited))
    memory = "address_space" if not gpu else ("none" if "memory_cgroup" in layers else "data")
    memory_layer = isolation.apply_limits(job.limits, cap_processes="pids_cgroup" not in layers, memory=memory,
                                          user_tasks=user_tasks)
    layers += [memory_layer] if memory_layer else []
    if isolation.drop_capabilities():
        layers.append("no_capabilities")
    if gpu and job.kind == "run" and job.limits.gpu_memory_mb and _gpu_memory_budget(job.limits.gpu_memory_mb):
        layers.append("gpu_memory_budget")
    (channel,) = keep
    if isolation.install_seccomp(channel, allow_exec=needs_exec, unix_sockets=gpu):
        layers.append("seccomp")
    sys.dont_write_bytecode = True
    return layers + ["rlimits"] + (["audit_hook"] if job.kind in ("run", "compile") else [])


def _gpu_memory_budget(megabytes: int) -> bool:
    """Cap what torch's allocator may hold on the GPU (what every tensor and Triton's scratch go through); an
    answer that asks for more gets torch's out-of-memory error, and the gradings beside it keep their share.
    Initialises CUDA in this child."""
    import torch

    try:
        total = torch.cuda.get_device_properties(0).total_memory
        torch.cuda.set_per_process_memory_fraction(min(1.0, megabytes * 2**20 / total))
        return True
    except (RuntimeError, AssertionError):
        return False


def _candidate_path(job: Job, module_name: str = "candidate") -> str:
    return os.path.join(job.workdir, f"{module_name}.py")


def _import_candidate(job: Job, module_name: str = "candidate"):
    path = _candidate_path(job, module_name)
    with open(path, "w") as f:
        f.write(job.source)
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


# --- run jobs -------------------------------------------------------------------------------------------
def _run_job(sock: socket.socket, job: Job, interpret: bool, in_pid_namespace: bool = False) -> None:
    import torch

    hooks = Instrumentation()
    hooks.install(interpret=interpret)
    if interpret:
        _quiet_autotuner()
        from . import libdevice

        libdevice.install()  # the GPU's math library, which the interpreter lacks (the zygote did it already)
    torch.use_deterministic_algorithms(True, warn_only=True)
    torch.utils.deterministic.fill_uninitialized_memory = True
    trace = hooks.trace_mode()
    denied: list[str] = []  # refused audit events; only this frame and the audit hook hold the list
    audit.install(_candidate_path(job), job.workdir, denied)
    if job.device == "cpu":
        view = _gpu_view_on_cpu(job)
        _each_run_in_a_fresh_process(sock, job, hooks, trace, denied, in_pid_namespace, view)
        return
    try:
        module = _import_candidate(job)
    except BaseException as exc:
        _send_import_error(sock, exc, denied)
        return
    for kind, index, run in _work(job):
        hooks.noop = kind == "ablation"
        _send_run(sock, kind, index, run, module, hooks, trace, job.device, denied)
    hooks.noop = False
    if job.timing:
        from .timing import serve_timing
        serve_timing(sock, module, hooks, job)


def _gpu_view_on_cpu(job: Job):
    """Make code written for a GPU run under the interpreter (see ``cuda_on_cpu``): the ``torch.cuda`` functions
    an answer calls, for a device of the compile target's capability, and the context its code runs in."""
    from . import cuda_on_cpu

    backend, arch = job.target[0], job.target[1]
    capability = divmod(int(arch), 10) if backend == "cuda" and str(arch).isdigit() else (9, 0)
    cuda_on_cpu.install_cuda_api(capability)
    return cuda_on_cpu.gpu_view(_candidate_path(job))


def _work(job: Job) -> list[tuple[str, int, Run]]:
    """The runs of a job in the order the grader expects them: the tests, then the no-op ablation."""
    work = [("run", index, run) for index, run in enumerate(job.runs)]
    return work + ([("ablation", 0, job.ablation)] if job.ablation is not None else [])


IMPORT_FAILED = 3  # a per-run process's exit status when the answer could not be imported


def _each_run_in_a_fresh_process(sock, job: Job, hooks: Instrumentation, trace, denied: list[str],
                                 in_pid_namespace: bool, view) -> None:
    """Run every test and the ablation in a process of its own, forked from this one, which never imports the
    answer: nothing an answer keeps during one run (globals, class attributes, caches, files, processes it left
    behind) reaches the next. Between runs the working directory is emptied and, in the PID namespace, every
    other process killed. A run process that dies ends the grading as a crash (this process exits too)."""
    for kind, index, run in _work(job):
        _empty_workdir(job.workdir)
        pid = os.fork()
        if pid == 0:
            _one_run(sock, job, kind, index, run, hooks, trace, denied, view)
        _, status = os.waitpid(pid, 0)
        _kill_leftovers(pid, in_pid_namespace)
        code = os.waitstatus_to_exitcode(status)
        if code == IMPORT_FAILED and kind == "run" and index == 0:
            return
        if code != 0:
            os._exit(1)


def _one_run(sock, job: Job, kind: str, index: int, run: Run, hooks: Instrumentation, trace,
             denied: list[str], view) -> None:
    """In a per-run process: import the answer, run once, report (the answer's code in ``view``); never
    returns."""
    code = 0
    try:
        os.setpgid(0, 0)  # what the answer starts stays in this group, killed after the run
        with view:
            try:
                module = _import_candidate(job)
            except BaseException as exc:
                module, code = None, IMPORT_FAILED
                _send_import_error(sock, exc, denied)
            if module is not None:
                hooks.noop = kind == "ablation"
                _send_run(sock, kind, index, run, module, hooks, trace, job.device, denied)
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _empty_workdir(workdir: str) -> None:
    """Remove everything a previous run left in the working directory and start a fresh output file."""
    import shutil

    for entry in os.scandir(workdir):
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            try:
                os.unlink(entry.path)
            except OSError:
                pass
    isolation.redirect_output(os.path.join(workdir, "output.log"))


def _kill_leftovers(pid: int, in_pid_namespace: bool) -> None:
    """Kill whatever a run process left running: in a PID namespace, where this process is PID 1, every other
    process in it; elsewhere the run process's group."""
    import signal

    try:
        if in_pid_namespace and os.getpid() == 1:
            os.kill(-1, signal.SIGKILL)
        else:
            os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass
    while True:
        try:
            if os.waitpid(-1, os.WNOHANG) == (0, 0):
                break
        except ChildProcessError:
            break


def _send_import_error(sock, exc: BaseException, denied: list[str]) -> None:
    protocol.send(sock, ImportFailure(trim_traceback(exc), denied=tuple(denied)).to_header())


def _send_run(sock, kind, index, run: Run, module, hooks: Instrumentation, trace, device: str,
              denied: list[str]) -> None:
    import torch

    inputs = [x.to(device) if isinstance(x, torch.Tensor) else x for x in run.inputs]
    hooks.reset()
    first_log = None
    try:
        torch.manual_seed(run.seed)
        model = module.ModelNew(*run.init_inputs)
        if device != "cpu":
            model = model.to(device)
        if run.first_inputs is not None:
            first = [x.to(device) if isinstance(x, torch.Tensor) else x for x in run.first_inputs]
            _forward(model, first, hooks, trace, run.poison)
            first_log = hooks.reset()
            with torch.no_grad():
                for slot, value in zip(first, inputs):
                    if isinstance(slot, torch.Tensor):
                        slot.copy_(value)
            inputs = first
        output = _forward(model, inputs, hooks, trace, run.poison)
        if device != "cpu":
            torch.cuda.synchronize()
    except BaseException as exc:
        log = _merged(first_log, hooks.reset())
        oob = isinstance(exc, OutOfBoundsAccess) or "out-of-bounds" in str(exc)
        failed = RunResult(kind, index, launches=log.launches, ops=dict(log.ops), specs=Spec.all_of(log.specs),
                           error=trim_traceback(exc), out_of_bounds=oob,
                           compile_error=device != "cpu" and _raised_compiling(exc), denied=tuple(denied))
        protocol.send(sock, failed.to_header())
        return
    log = _merged(first_log, hooks.reset())
    outputs, buffers = encode_outputs(output, inputs)
    result = RunResult(kind, index, outputs, log.launches, dict(log.ops), Spec.all_of(log.specs), log.bytes_loaded,
                       log.bytes_stored, denied=tuple(denied))
    protocol.send(sock, result.to_header(), buffers)


def _forward(model, inputs: list, hooks: Instrumentation, trace, poison: int | None):
    import torch

    with torch.no_grad(), trace:
        hooks.tracing, hooks.poison = True, poison
        try:
            return model(*inputs)
        finally:
            hooks.tracing, hooks.poison = False, None


def _merged(first, second):
    """The judged call's log, with the torch ops and specializations of an earlier call added (its launches and
    traffic are not the judged call's)."""
    if first is None:
        return second
    for op, count in first.ops.items():
        second.ops[op] = second.ops.get(op, 0) + count
    second.specs = first.specs + second.specs
    return second


def _raised_compiling(exc: BaseException) -> bool:
    """Whether a launch failed in Triton's compiler (a kernel that does not compile for this GPU: front end,
    MLIR passes or ptxas) rather than in the answer's own code or at run time."""
    from triton.compiler.errors import CompilationError

    paths = [f.filename.replace(os.sep, "/") for f in traceback.extract_tb(exc.__traceback__)]
    return isinstance(exc, CompilationError) or any("/triton/compiler/" in p or "/triton/backends/" in p
                                                    for p in paths)


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

    denied: list[str] = []
    audit.install(_candidate_path(job), job.workdir, denied)
    try:
        module = _import_candidate(job)
    except BaseException as exc:
        failed = CompileOutcome(error=trim_traceback(exc))
        protocol.send(sock, Compiled((failed,), tuple(denied)).to_header())
        return
    target = GPUTarget(*job.target)
    results = []
    for spec in job.specs:
        name = spec.qualname
        try:
            fn = _resolve(module, name)
            if kernel_fingerprint(fn) != spec.fingerprint:
                raise LookupError(f"{name} found when the answer is imported again is not the kernel that ran: "
                                  f"an answer must define the same kernels whether or not it runs under Triton's "
                                  f"interpreter")
            while not isinstance(fn, JITFunction):
                fn = fn.fn
            attrs = {(fn.arg_names.index(arg),): [["tt.divisibility", 16]]
                     for arg in spec.aligned if arg in fn.arg_names}
            source = ASTSource(fn=fn, signature=dict(spec.signature), constexprs=dict(spec.constexprs), attrs=attrs)
            compiled = triton.compile(source, target=target, options=dict(spec.options) or None)
            stats = kernel_stats(compiled, job.target[1]) if job.target[0] == "cuda" else {}
            consts = ",".join(f"{k}={v}" for k, v in spec.constexprs.items())
            results.append(CompileOutcome(True, f"{name}[{consts}]" if consts else name, stats=stats))
        except BaseException as exc:
            results.append(CompileOutcome(False, name, _compile_message(exc)))
    protocol.send(sock, Compiled(tuple(results), tuple(denied)).to_header())


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
