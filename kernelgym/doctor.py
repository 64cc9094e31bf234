"""What grading can do on this machine, found by doing it: the probing behind ``kernelgym doctor`` (its command
and report text are :mod:`kernelgym.cli.doctor`).

It grades the built-in vector-add reference in a real sandboxed child: on CPU (Triton's interpreter and the
compile check for a real GPU target), and on the GPU where one is visible (CUDA and a Triton launch inside the
fully sandboxed child, with timing). It names the sandbox layers that took effect and, for each one that did
not, the likely reason. Where CUDA fails inside the sandbox, it forks one child per layer to name the layer that
breaks it (``kernelgym.sandbox.layer_probe``).
"""
from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from dataclasses import asdict, dataclass, field

# Every layer a grading child can have, and what its absence usually means.
LAYERS = {
    "pid_namespace": "no PID namespaces (not root, or a container without CAP_SYS_ADMIN)",
    "pids_cgroup": "no writable pids cgroup (not root, or cgroup v2 with the grader in a group that cannot nest)",
    "memory_cgroup": "no writable memory cgroup (host memory is then capped by an rlimit instead)",
    "network_namespace": "no network namespaces (not root)",
    "read_only_filesystem": "no mount namespaces (not root)",
    "socket_directories_hidden": "no mount namespaces (not root)",
    "disk_quota": "tmpfs cannot be mounted (not root)",
    "problem_files_hidden": "the problem folder holds the Python installation or KernelGym itself",
    "no_capabilities": "capset refused",
    "seccomp": "a CPU other than x86_64/aarch64, or seccomp disabled in the kernel",
    "rlimits": "",
    "audit_hook": "",
}
MEMORY_LAYERS = ("memory_cgroup", "rlimit_address_space", "rlimit_data")


@dataclass
class Check:
    """One thing doctor tried."""

    name: str
    ok: bool
    detail: str = ""


@dataclass
class DoctorReport:
    """What doctor found; ``ok`` when every check passed."""

    machine: dict = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    layers: dict[str, list[str]] = field(default_factory=dict)  # per device: the layers in force
    missing: dict[str, dict[str, str]] = field(default_factory=dict)  # per device: layer -> likely reason
    layer_trials: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    def to_dict(self) -> dict:
        return {**asdict(self), "ok": self.ok}


def run_doctor(device: str = "auto", layer_trials: bool = False) -> DoctorReport:
    """Grade the vector-add reference on CPU and (where visible and asked for) on the GPU; see the module doc."""
    import torch
    import triton

    cuda = torch.cuda.is_available()
    report = DoctorReport(machine={
        "python": platform.python_version(), "torch": torch.__version__, "triton": triton.__version__,
        "cpus": os.cpu_count(), "root": os.geteuid() == 0, "cuda_visible": cuda,
        "gpu": torch.cuda.get_device_name(0) if cuda else None,
    })
    if device in ("auto", "cpu"):
        _grade_on(report, "cpu")
    if device == "cuda" and not cuda:
        report.checks.append(Check("cuda", False, "no CUDA GPU is visible to torch"))
    if cuda and device in ("auto", "cuda"):
        result = _grade_on(report, "cuda")
        if not result.correct or layer_trials:
            report.layer_trials = probe_layers()
    return report


def _grade_on(report: DoctorReport, device: str):
    from .grader import Grader, GraderConfig
    from .problem import load_problem
    from .registry import builtin_problems

    problem = load_problem(builtin_problems() / "level1" / "01_vector_add.py")
    config = GraderConfig(device=device, workers=1, seeds=1, timing_repeats=5, timeout_s=120)
    with Grader(config) as grader:
        result = grader.grade(problem, problem.solution_path.read_text(), allow_plain_source=True)
    where = "Triton's interpreter" if device == "cpu" else "CUDA"
    report.checks.append(Check(f"{device}: a reference graded correct in the sandbox ({where})", result.correct,
                               result.error[-400:]))
    if device == "cpu":
        report.checks.append(Check("cpu: compile check for a real GPU target (sm_90 without a GPU)",
                                   result.compiled, "" if result.compiled else result.error[-400:]))
    else:
        report.checks.append(Check("cuda: timed against eager torch", result.speedup is not None,
                                   f"speedup {result.speedup:.2f}" if result.speedup else result.error[-400:]))
    report.layers[device] = list(result.isolation)
    missing = {name: why for name, why in LAYERS.items() if name not in result.isolation}
    if not any(name in result.isolation for name in MEMORY_LAYERS):
        missing["host_memory_limit"] = "neither a memory cgroup nor an rlimit took effect"
    if device != "cpu" and "gpu_memory_budget" not in result.isolation:
        missing["gpu_memory_budget"] = "torch refused the per-process memory fraction"
    report.missing[device] = missing
    return result


def probe_layers() -> list[dict]:
    """Run ``kernelgym.sandbox.layer_probe`` in a fresh process (CUDA untouched before its forks)."""
    try:
        done = subprocess.run([sys.executable, "-m", "kernelgym.sandbox.layer_probe"], capture_output=True,
                              text=True, timeout=600)
    except subprocess.TimeoutExpired:
        return [{"trial": "all", "cuda": "the layer probe did not finish in 600 s"}]
    trials = []
    for line in done.stdout.splitlines():
        try:
            trials.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return trials or [{"trial": "all", "cuda": f"the layer probe failed: {done.stderr[-400:]}"}]
