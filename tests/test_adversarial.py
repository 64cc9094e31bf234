"""The red team: every fixture in tests/adversarial/ gets its exact verdict, and the grader stays sound after it.

Each fixture's docstring states its method and the scenario it attacks. ``EXPECTED`` says what the default grader
must conclude about each one (a failure category, named hack flags, how many runs pass). For the fixtures that
the static checks refuse, ``RUNTIME`` says what the runtime layers conclude on their own, with the static checks
off: that is the defence in depth. After every grading the reference vector-add answer must still get full marks.
"""
from __future__ import annotations

import os
import platform
import socket
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest

from conftest import ADVERSARIAL, PROBLEMS, attack, fenced
from kernelgym.grader import Grader, GraderConfig, reward_of
from kernelgym.problem import load_problem


@dataclass(frozen=True)
class Expected:
    """What a grading of one fixture must conclude.

    Attributes:
        failure: The exact failure category ("" when the runs completed and compiled).
        hacks: The exact set of hack flags.
        passed: The exact number of runs that matched the reference (None: not checked, e.g. static refusals).
        error: Text the error message must contain.
        correct: Whether the answer is graded correct (only for attacks whose target does not exist at run time).
        problem: The problem the fixture answers.
        layer: The isolation layer that this verdict rests on; where the OS did not grant it (no root, no
            namespaces), the test only checks that the answer is not graded correct, and then skips.
    """

    failure: str = ""
    hacks: frozenset[str] = frozenset()
    passed: int | None = None
    error: str = ""
    correct: bool = False
    problem: str = "01_vector_add"
    layer: str = ""


def static(*flags: str, problem: str = "01_vector_add") -> Expected:
    return Expected(failure="static", hacks=frozenset(flags), passed=0, error="refused before running",
                    problem=problem)


def runs(failure: str = "", *flags: str, passed: int = 0, error: str = "", problem: str = "01_vector_add",
         correct: bool = False, layer: str = "") -> Expected:
    return Expected(failure=failure, hacks=frozenset(flags), passed=passed, error=error, correct=correct,
                    problem=problem, layer=layer)


FALLBACK = ("noop_still_correct", "torch_fallback:aten.add")
SWAPPED = "is not the kernel that ran"

# The default grader (static checks on).
EXPECTED: dict[str, Expected] = {
    # not computing the answer with Triton
    "torch_fallback_dummy_launch": runs("", *FALLBACK, passed=6),
    "torch_ops_aten_fallback": runs("", *FALLBACK, passed=6),
    "functional_fallback": runs("", "noop_still_correct", "torch_fallback:aten._softmax", passed=8,
                                problem="03_softmax"),
    "nn_module_fallback": runs("", "noop_still_correct", "torch_fallback:aten._softmax", passed=8,
                               problem="03_softmax"),
    "ablation_aware_fallback": runs("", "torch_fallback:aten.add", "torch_fallback:aten.gt",
                                    "torch_fallback:aten.where", passed=6),
    "grid_callable_fallback": runs("", *FALLBACK, passed=6),
    "pre_run_hook_fallback": runs("", *FALLBACK, passed=6),
    "autotune_pre_hook_fallback": runs("", *FALLBACK, passed=6),
    "kernel_never_launched": runs("incorrect", "no_triton_launch", error="NaN in 1000 elements"),
    "try_except_fallback": static("try_except"),
    "subclass_reference": static("inherits_reference", "uses_reference_model"),
    "super_forward": static("bad_base_class:Base", "calls_super_forward"),
    "import_reference": static("forbidden_import:importlib", "forbidden_import:pathlib", "forbidden_import:kernelgym",
                               "dunder_access:__file__"),
    "read_reference_solution": static("forbidden_import:importlib", "forbidden_import:pathlib",
                                      "forbidden_import:kernelgym", "dunder_access:__file__",
                                      "bad_base_class:KEY.ModelNew"),
    "read_solution_from_file": static("forbidden_import:os", "forbidden_import:pathlib", "forbidden_import:kernelgym",
                                      "dunder_access:__file__", "forbidden_call:from_file",
                                      "forbidden_torch_api:torch.from_file", "forbidden_import:key",
                                      "bad_base_class:key.ModelNew"),
    "read_problem_file": static("forbidden_import:pathlib", "forbidden_import:kernelgym", "dunder_access:__file__"),
    "interpreter_only_python": runs("compile", passed=6, error="Unsupported function"),
    "compile_check_swap": runs("compile", passed=6, error=SWAPPED),
    "compile_check_helper_swap": runs("compile", passed=6, error=SWAPPED),
    "kernel_body_host_code": runs("compile", passed=6, error="CompilationError"),
    "numpy_host_compute": static("host_compute:numpy"),
    "ctypes_sentinel": static("forbidden_import:ctypes", "host_compute:data_ptr"),
    "persisting_l2_window": static("forbidden_import:cuda", "host_compute:data_ptr"),
    "disable_torch_dispatch": static("torch_private_api:torch._C"),
    "hidden_fallback_ablation_aware": static("torch_private_api:torch._C"),
    "dataloader_worker_fallback": static("forbidden_torch_api:torch.utils.data.Dataset",
                                         "forbidden_torch_api:torch.utils.data", "forbidden_torch_api:torch.utils",
                                         "forbidden_torch_api:torch.utils.data.DataLoader"),
    "unhook_launch_counter": static(
        "triton_internal:triton.runtime.interpreter", "triton_internal:triton.runtime.interpreter.InterpretedFunction",
        "dunder_access:__closure__", "triton_internal:triton.runtime.interpreter.InterpretedFunction.run.__closure__",
        "triton_internal:triton.runtime.interpreter.InterpretedFunction.run", "forbidden_call:getattr",
        "monkeypatch:triton.runtime.interpreter.InterpretedFunction.run"),
    "return_input": runs("incorrect", "output_aliases_input"),
    "return_input_view": runs("", "output_aliases_input", "input_mutated", passed=6),
    # lying about the result
    "stale_empty_output": static("forbidden_torch_api:torch.utils.deterministic.fill_uninitialized_memory",
                                 "monkeypatch:torch.utils.deterministic.fill_uninitialized_memory",
                                 "forbidden_torch_api:torch.utils.deterministic", "forbidden_torch_api:torch.utils"),
    "poison_dependent": runs("incorrect", passed=3, error="seed #1"),
    "mutate_input": runs("", "input_mutated", passed=6),
    "zero_inputs": runs("incorrect", "input_mutated"),
    "constant_output": runs("incorrect"),
    "wrong_but_honest": runs("incorrect", error="outside atol"),
    "wrong_dtype_output": runs("incorrect", error="dtype torch.float64, expected torch.float32"),
    "lazy_tensor_subclass": static("torch_private_api:torch._C", "dunder_access:__torch_function__"),
    "lying_eq": runs("incorrect", "output_not_plain_tensor", error="returned 0 output(s)"),
    "patch_allclose": static("forbidden_torch_api:torch.allclose", "monkeypatch:torch.allclose"),
    "patch_assert_close": static("forbidden_torch_api:torch.testing.assert_close",
                                 "monkeypatch:torch.testing.assert_close", "forbidden_torch_api:torch.testing",
                                 "forbidden_torch_api:torch.testing.assert_allclose",
                                 "monkeypatch:torch.testing.assert_allclose"),
    "patch_tensor_eq": static("dunder_access:__eq__", "monkeypatch:torch.Tensor.__eq__",
                              "monkeypatch:torch.Tensor.equal", "monkeypatch:torch.equal"),
    "replace_sys_modules": static("forbidden_import:sys", "forbidden_import:types"),
    "frame_walk": static("forbidden_import:inspect", "forbidden_import:sys", "forbidden_call:vars"),
    "gc_scan": static("forbidden_import:gc", "forbidden_call:vars"),
    "gc_hook_tamper": static("forbidden_import:gc"),
    "builtins_escape": static("dunder_access:__subclasses__", "dunder_access:__base__", "dunder_access:__class__",
                              "dunder_access:__globals__"),
    "exit_in_forward": static("forbidden_import:os"),
    "sys_exit": static("forbidden_import:sys"),
    "stdout_fake_result": runs("incorrect"),
    "inherited_fds": static("forbidden_import:json", "forbidden_import:os", "try_except"),
    "duplicate_run_messages": static("forbidden_import:json", "forbidden_import:os", "forbidden_import:stat",
                                     "forbidden_import:struct", "try_except", "host_compute:numpy",
                                     "forbidden_torch_api:torch.from_numpy"),
    "channel_dup_to_stdout": static("forbidden_import:json", "forbidden_import:os", "forbidden_import:stat",
                                    "forbidden_import:struct", "forbidden_import:numpy", "try_except",
                                    "host_compute:numpy"),
    "forge_channel_secret": static("forbidden_import:os", "forbidden_import:sys", "host_compute:numpy"),
    # exploiting the test set
    "cache_data_ptr": static("host_compute:data_ptr"),
    "cache_shape": runs("incorrect", "replayed_output", passed=5),
    "cache_content_hash": static("forbidden_import:hashlib", "host_compute:numpy"),
    "precompute_import_time": static("forbidden_torch_api:torch.manual_seed", "host_compute:numpy"),
    "env_seed": static("forbidden_import:os", "forbidden_torch_api:torch.manual_seed", "host_compute:numpy"),
    "shape_hardcoded": runs("incorrect", passed=2, error="shape (1000,), expected (1,)"),
    "partial_output": runs("incorrect", error="NaN in 500 elements"),
    "warmup_first_call": runs("incorrect", passed=5),
    "fp16_matmul": runs("incorrect", problem="04_matmul"),
    "tf32_default_dot": runs("incorrect", problem="04_matmul"),
    # attacking the timer
    "late_thread": static("forbidden_import:threading", "forbidden_import:time"),
    "patch_perf_counter": static("forbidden_import:time"),
    "patch_cuda_event": static("forbidden_torch_api:torch.cuda.Event", "monkeypatch:torch.cuda.Event",
                               "monkeypatch:torch.cuda.synchronize"),
    "cuda_graph_replay": static("forbidden_torch_api:torch.cuda.CUDAGraph", "forbidden_torch_api:torch.cuda.graph"),
    # attacking the machine
    "infinite_loop": runs("timeout"),
    "kernel_infinite_loop": runs("timeout"),
    "ignore_signals": static("forbidden_import:signal"),
    "sigalrm_tamper": static("forbidden_import:signal"),
    "memory_bomb": runs("runtime"),
    "disk_fill": static("forbidden_call:open"),
    "disk_fill_many_files": static("forbidden_call:open"),
    "stdout_flood": runs("runtime", error="File too large"),
    "fork_bomb": static("forbidden_import:os", "forbidden_import:time"),
    "setsid_daemon": static("forbidden_import:os"),
    "signal_grader": static("forbidden_import:os", "forbidden_import:signal", "try_except"),
    "network_connect": static("forbidden_import:socket"),
    "sitecustomize_write": static("forbidden_call:open"),
    "torch_py_in_cwd": static("forbidden_import:sys", "forbidden_call:open"),
    "write_outside_workdir": static("forbidden_import:os", "forbidden_call:open"),
    "write_into_package_from_file": static("forbidden_import:pathlib", "forbidden_import:kernelgym",
                                           "dunder_access:__file__", "forbidden_call:from_file",
                                           "forbidden_torch_api:torch.from_file"),
    "ptrace_parent": static("forbidden_import:ctypes", "forbidden_import:os"),
    "process_vm_readv": static("forbidden_import:ctypes", "forbidden_import:os"),
    "proc_parent_mem": static("forbidden_import:os", "forbidden_call:open"),
    "triton_env_edit": static("forbidden_import:os"),
    "out_of_bounds": runs("out_of_bounds", error="out-of-bounds load"),
    # added from ATTACKS.md, round 2
    "unix_socket_host_daemons": static("forbidden_import:socket", "try_except"),
    "patch_numpy_compare": static("forbidden_module_access:torch.storage.np"),
    "file_cache_between_runs": static("forbidden_torch_api:torch.load", "forbidden_torch_api:torch.save",
                                      "try_except"),
    "patch_timing_stats": static("forbidden_module_access:triton.testing.statistics", "monkeypatch:torch.median",
                                 "monkeypatch:torch.quantile", "monkeypatch:triton.testing.do_bench",
                                 "triton_internal:triton.testing", "triton_internal:triton.testing.do_bench"),
    "self_kill_signal": static("forbidden_import:signal"),
    "triton_knobs_edit": static("monkeypatch:triton.knobs.runtime.interpret", "triton_internal:triton.knobs",
                                "triton_internal:triton.knobs.runtime",
                                "triton_internal:triton.knobs.runtime.interpret"),
    "class_state_cache": runs("incorrect", "replayed_output", passed=5),
    "lazy_instance_method": runs("incorrect", "output_not_plain_tensor", passed=0),
}

EPERM = "Operation not permitted"
# The runtime layers alone (static checks off), for every fixture that the static checks refuse.
RUNTIME: dict[str, Expected] = {
    "try_except_fallback": runs("compile", "torch_fallback:aten.add", passed=6),
    "subclass_reference": runs("", *FALLBACK, passed=6),
    "super_forward": runs("", *FALLBACK, passed=6),
    "import_reference": runs("runtime", "sandbox_denied:open", error="importing the answer failed"),
    "read_reference_solution": runs("runtime", "sandbox_denied:open", error="importing the answer failed"),
    "read_problem_file": runs("runtime", "sandbox_denied:open", error="importing the answer failed"),
    # below the audit hook: the problem's directory is not there at all
    "read_solution_from_file": runs("runtime", error="FileNotFoundError", layer="problem_files_hidden"),
    "numpy_host_compute": runs("", "noop_still_correct", passed=6),
    "ctypes_sentinel": runs("runtime", "sandbox_denied:ctypes.cdata"),
    "persisting_l2_window": runs("runtime", "sandbox_denied:import:cuda", error="import:cuda is not allowed"),
    "disable_torch_dispatch": runs("", "noop_still_correct", passed=6),
    "dataloader_worker_fallback": runs("runtime", "torch_fallback:aten._local_scalar_dense",
                                       "torch_fallback:aten.random_", error="Read-only file system",
                                       layer="read_only_filesystem"),
    # the patch succeeds (launches are no longer counted) but the op trace and the ablation still see through it
    "unhook_launch_counter": runs("", "no_triton_launch", *FALLBACK, passed=6),
    "stale_empty_output": runs("incorrect", passed=5),
    "lazy_tensor_subclass": runs("incorrect", "output_not_plain_tensor"),
    "patch_allclose": runs("incorrect"),
    "patch_assert_close": runs("incorrect"),
    "patch_tensor_eq": runs("incorrect"),
    "replace_sys_modules": runs("incorrect"),
    "frame_walk": runs("runtime", "sandbox_denied:sys._getframe"),
    "gc_scan": runs("runtime", "sandbox_denied:gc.get_objects"),
    "gc_hook_tamper": runs("runtime", "sandbox_denied:gc.get_objects"),
    "builtins_escape": runs("runtime", "sandbox_denied:os.system"),
    "exit_in_forward": runs("crash", error="exited before grading finished"),
    "sys_exit": runs("runtime", error="SystemExit"),
    # the forged verdicts go nowhere: writes to the channel are refused, other descriptors are closed
    "inherited_fds": runs("incorrect", layer="seccomp"),
    "duplicate_run_messages": runs("runtime", passed=4, error=EPERM, layer="seccomp"),
    "channel_dup_to_stdout": runs("runtime", error=EPERM, layer="seccomp"),
    "forge_channel_secret": runs("runtime", "sandbox_denied:sys._getframe"),
    # caches never hit: every call gets fresh inputs, so each run launches its own kernel and computes honestly
    "cache_data_ptr": runs("incorrect", "replayed_output", passed=5),
    "cache_content_hash": runs("", passed=6, correct=True),
    "precompute_import_time": runs("incorrect"),
    "env_seed": runs("incorrect"),
    "late_thread": runs("incorrect", error="NaN in 1000 elements"),
    # no timer runs in the candidate's process on CPU; its patched clocks and events change nothing
    "patch_perf_counter": runs("", passed=6, correct=True),
    "patch_cuda_event": runs("", passed=6, correct=True),
    "cuda_graph_replay": runs("runtime", error="CUDAGraph"),  # no CUDA graphs on CPU
    "ignore_signals": runs("timeout"),
    "sigalrm_tamper": runs("timeout"),
    "disk_fill": runs("runtime", error="File too large"),
    "disk_fill_many_files": runs("runtime", passed=0, error="No space left on device", layer="disk_quota"),
    "fork_bomb": runs("runtime", "sandbox_denied:os.fork"),
    "setsid_daemon": runs("runtime", "sandbox_denied:os.fork", passed=0),
    "signal_grader": runs("runtime", "sandbox_denied:os.kill"),
    "network_connect": runs("runtime", "sandbox_denied:socket.getaddrinfo"),
    "sitecustomize_write": runs("incorrect"),
    # the files land in the child's private tmpfs and nothing imports them: no effect at all
    "torch_py_in_cwd": runs("", passed=6, correct=True),
    "write_outside_workdir": runs("runtime", "sandbox_denied:open", passed=0),
    "write_into_package_from_file": runs("runtime", "torch_fallback:aten.from_file", error="Read-only file system",
                                         layer="read_only_filesystem"),
    "ptrace_parent": runs("runtime", "sandbox_denied:ctypes.dlopen"),
    "process_vm_readv": runs("runtime", "sandbox_denied:ctypes.dlopen"),
    "proc_parent_mem": runs("runtime", "sandbox_denied:open"),
    "triton_env_edit": runs("runtime", "sandbox_denied:os.putenv", error="importing the answer failed"),
    "unix_socket_host_daemons": runs("runtime", "sandbox_denied:socket.__new__"),
    "patch_numpy_compare": runs("incorrect"),
    # the cache files land in the private tmpfs, emptied between runs: the cache never hits
    "file_cache_between_runs": runs("", passed=6, correct=True),
    "patch_timing_stats": runs("", passed=6, correct=True),  # timing is a GPU matter; the kernel is honest
    "self_kill_signal": runs("crash", error="exited before grading finished"),
    "triton_knobs_edit": runs("runtime", error="the answer raised"),
}

# Statically refused fixtures that the runtime layers do not refuse on their own (see the sandbox docstring).
KNOWN_GAPS = {"hidden_fallback_ablation_aware"}

SLEEP_MARKER = "17.3"  # setsid_daemon's daemon: `sleep 17.3`
NETWORK_PORT = 47613  # network_connect's collaborator
PACKAGE_MARKER = Path(__file__).resolve().parents[1] / "kernelgym" / "kg_fixture_was_here.txt"


# --- fixtures ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def problems():
    cache = {}

    def get(name: str):
        if name not in cache:
            cache[name] = load_problem(PROBLEMS / "level1" / f"{name}.py")
        return cache[name]

    return get


@pytest.fixture(scope="module")
def impatient_graders():
    """Graders with a short wall-clock limit, for the fixtures that never return: (static on, static off)."""
    with Grader(GraderConfig(timeout_s=6)) as on, Grader(GraderConfig(timeout_s=6, static_checks=False)) as off:
        yield on, off


def _grader_for(expected: Expected, grader, impatient: Grader) -> Grader:
    return impatient if expected.failure == "timeout" else grader


def check(result, expected: Expected) -> None:
    """Assert every part of an expectation, with the whole record in the message."""
    summary = (f"failure={result.failure!r} hacks={sorted(result.hacks)} passed={result.tests_passed}/"
               f"{result.tests_total} error={result.error[:300]!r}")
    assert result.failure == expected.failure, summary
    assert set(result.hacks) == set(expected.hacks), summary
    assert expected.error in result.error, summary
    if expected.passed is not None:
        assert result.tests_passed == expected.passed, summary
    assert result.correct is expected.correct, summary
    assert (reward_of(result) == 1.0) is expected.correct, summary
    if expected.failure == "static":
        assert result.launches == 0 and result.isolation == []  # refused before anything ran


def assert_still_sound(grader: Grader, problems) -> None:
    """The reference vector-add answer, graded right after an attack, gets full marks."""
    vector_add = problems("01_vector_add")
    result = grader.grade(vector_add, fenced(vector_add.solution_path.read_text()))
    assert result.correct and result.hacks == [] and reward_of(result) == 1.0, result.error


# --- the verdicts -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_attack_gets_its_verdict(name, grader, impatient_graders, problems):
    expected = EXPECTED[name]
    grading = _grader_for(expected, grader, impatient_graders[0])
    result = grading.grade(problems(expected.problem), fenced(attack(name)))
    check(result, expected)
    assert_still_sound(grading, problems)


@pytest.mark.parametrize("name", sorted(RUNTIME))
def test_runtime_layers_refuse_it_without_static_checks(name, unguarded_grader, impatient_graders, problems):
    expected = RUNTIME[name]
    grading = _grader_for(expected, unguarded_grader, impatient_graders[1])
    with _side_effect_watch(name):
        result = grading.grade(problems(expected.problem), fenced(attack(name)))
    if expected.layer and expected.layer not in result.isolation:
        assert not result.correct
        pytest.skip(f"the {expected.layer} layer is not in effect on this machine")
    check(result, expected)
    assert_still_sound(grading, problems)


@pytest.mark.xfail(strict=True, reason="known gap: the op trace and the ablation switch live in the candidate's "
                                       "process; only the static checks refuse this (see sandbox/child.py)")
@pytest.mark.parametrize("name", sorted(KNOWN_GAPS))
def test_known_gap_is_still_open(name, unguarded_grader, problems):
    result = unguarded_grader.grade(problems("01_vector_add"), fenced(attack(name)))
    assert not result.correct


# --- side effects that the verdict alone does not show ----------------------------------------------------
class _side_effect_watch:
    """Around one grading: check that the attack left nothing behind (files, processes, network traffic)."""

    def __init__(self, name: str):
        self.name = name
        self.listener: _Listener | None = None

    def __enter__(self):
        if self.name == "network_connect":
            self.listener = _Listener(NETWORK_PORT)
        return self

    def __exit__(self, *exc):
        if exc[0] is not None:
            return False
        if self.listener is not None:
            assert self.listener.close() == b"", "the child reached the grader's loopback"
        escaped = [p for p in [PACKAGE_MARKER, *Path(tempfile.gettempdir()).glob("kgescape-*")] if p.exists()]
        for path in escaped:
            path.unlink()  # clean up before failing, so that one escape does not leak into other tests
        assert escaped == [], "the child wrote outside its private directory"
        assert _daemons() == [], "a process started by the child outlived its grading"
        return False


class _Listener:
    """A TCP listener on the grader's loopback that records whatever connects to it."""

    def __init__(self, port: int):
        self.server = socket.create_server(("127.0.0.1", port))
        self.server.settimeout(0.2)
        self.received, self.done = b"", threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.done.is_set():
            try:
                conn, _ = self.server.accept()
            except OSError:
                continue
            with conn:
                self.received += conn.recv(4096) or b"(connected)"

    def close(self) -> bytes:
        self.done.set()
        self.thread.join()
        self.server.close()
        return self.received


def _daemons() -> list[int]:
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        if proc.info["cmdline"] == ["sleep", SLEEP_MARKER]:
            found.append(proc.pid)
    return found


# --- the tables themselves ---------------------------------------------------------------------------------
def test_every_fixture_has_an_expected_verdict():
    assert {p.stem for p in ADVERSARIAL.glob("*.py")} == set(EXPECTED)


def test_statically_refused_fixtures_are_refused_at_run_time_too():
    refused = {name for name, expected in EXPECTED.items() if expected.failure == "static"}
    assert refused == set(RUNTIME) | KNOWN_GAPS
    assert not set(RUNTIME) & KNOWN_GAPS


def test_there_are_at_least_forty_attacks_and_none_is_graded_correct():
    assert len(EXPECTED) >= 40
    assert not any(expected.correct for expected in EXPECTED.values())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_docstring_states_method_and_scenario(name):
    import ast

    doc = ast.get_docstring(ast.parse(attack(name))) or ""
    assert doc.startswith("Method: ") and "\nScenario: " in doc, name


# --- layers on their own ----------------------------------------------------------------------------------
@pytest.mark.skipif(platform.machine() not in ("x86_64", "aarch64") or not hasattr(os, "fork"),
                    reason="the seccomp filter covers x86_64 and aarch64 Linux")
def test_seccomp_filter_on_its_own():
    """Without the audit hook in front: ptrace, process_vm_readv, new sockets, writes to and duplication of the
    channel are refused with EPERM; the channel's send, other writes, forks and threads still work."""
    outcomes = _in_filtered_child()
    assert outcomes == {"installed": True, "ptrace": 1, "process_vm_readv": 1, "socket": 1, "write_channel": 1,
                        "dup_channel": 1, "dup2_onto_channel": 1, "execve": 1, "unshare_user": 1,
                        "send_channel": 0, "write_other": 0, "fork": 0, "thread": 0}


def _in_filtered_child() -> dict:
    import ctypes
    import json

    from kernelgym.sandbox import isolation

    channel, peer = socket.socketpair()
    report_read, report_write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover (runs in the forked child)
        outcomes = {"installed": isolation.install_seccomp(channel.fileno(), allow_exec=False)}
        libc = ctypes.CDLL(None, use_errno=True)

        def errno_of(call) -> int:
            try:
                result = call()
            except OSError as exc:
                return exc.errno
            return ctypes.get_errno() if isinstance(result, int) and result < 0 else 0

        iov = (ctypes.c_char * 8)()
        outcomes["ptrace"] = errno_of(lambda: libc.ptrace(16, os.getppid(), None, None))
        outcomes["process_vm_readv"] = errno_of(lambda: libc.process_vm_readv(os.getppid(), iov, 1, iov, 1, 0))
        outcomes["socket"] = errno_of(lambda: socket.socket().close())
        outcomes["write_channel"] = errno_of(lambda: os.write(channel.fileno(), b"forged"))
        outcomes["dup_channel"] = errno_of(lambda: os.close(os.dup(channel.fileno())))
        outcomes["dup2_onto_channel"] = errno_of(lambda: os.dup2(report_write, channel.fileno()))
        outcomes["execve"] = errno_of(lambda: os.execv("/bin/true", ["true"]))
        outcomes["unshare_user"] = errno_of(lambda: libc.unshare(0x10000000))
        outcomes["send_channel"] = errno_of(lambda: channel.sendall(b"ok"))
        outcomes["write_other"] = errno_of(lambda: os.write(report_write, b""))
        outcomes["fork"] = errno_of(lambda: _fork_and_reap())
        outcomes["thread"] = errno_of(lambda: _start_and_join_thread())
        os.write(report_write, json.dumps(outcomes).encode())
        os._exit(0)
    os.close(report_write)
    os.waitpid(pid, 0)
    with os.fdopen(report_read) as report:
        outcomes = json.loads(report.read())
    assert peer.recv(16) == b"ok"  # only the send got through
    channel.close()
    peer.close()
    return outcomes


def _fork_and_reap() -> None:
    pid = os.fork()
    if pid == 0:  # pragma: no cover
        os._exit(0)
    os.waitpid(pid, 0)


def _start_and_join_thread() -> None:
    thread = threading.Thread(target=lambda: None)
    thread.start()
    thread.join()


def test_protocol_refuses_a_repeated_or_forged_run_result():
    """Without seccomp in front: a second result for the same run index ends the session as a crash."""
    from kernelgym.sandbox_session import in_order
    from kernelgym.result import KernelResult

    order = [("run", 0), ("run", 1), ("run", 2), ("ablation", 0)]
    messages = [({"type": "run", "index": 0}, []), ({"type": "run", "index": 1}, []),
                ({"type": "run", "index": 1}, []), ({"type": "run", "index": 2}, [])]
    result = KernelResult()
    passed_on = [header["index"] for header, _ in in_order(iter_closable(messages), result, order)]
    assert passed_on == [0, 1]
    assert result.failure == "crash" and "arrived twice" in result.error


@pytest.mark.parametrize("messages", [
    [("run", 0), ("run", 1), ("run", 2), ("run", 3)],  # past the last run (the bound is checked here too)
    [("run", 0), ("run", 1), ("run", 2), ("ablation", 0), ("run", 0)],  # a run after the ablation
    [("run", 0), ("ablation", 0)],  # the ablation before the last run
    [("error", None), ("run", 0)],  # a run after an import error
    [("run", 0), ("error", None)],  # an import error after a run
    [("run", True)],  # an index that only compares equal
])
def test_protocol_refuses_out_of_range_or_out_of_order_results(messages):
    from kernelgym.sandbox_session import in_order
    from kernelgym.result import KernelResult

    order = [("run", 0), ("run", 1), ("run", 2), ("ablation", 0)]
    result = KernelResult()
    passed_on = list(in_order(iter_closable([({"type": k, "index": i}, []) for k, i in messages]), result, order))
    assert len(passed_on) == len(messages) - 1 and result.failure == "crash"


def test_malformed_tensors_end_the_session(vector_add):
    """A result whose tensors do not decode is a protocol violation: the session ends there, like the others."""
    from kernelgym.grader import Grader, GraderConfig
    from kernelgym.result import KernelResult

    sent, closed = [], []

    def session(mode, job, result, outbox=None, max_bytes=None):
        try:
            for index in range(len(job.runs)):
                sent.append(index)
                yield {"type": "run", "index": index, "launches": 1,
                       "outputs": [{"dtype": "float32", "shape": [4]}]}, [b"xx"]
        finally:
            closed.append(True)

    grader = Grader(GraderConfig(device="cpu", check_compile=False))
    grader.sandbox.session = session
    expected, ablation = grader._references(vector_add)
    result = KernelResult()
    grader._run(vector_add, "source", expected, ablation, result)
    assert result.failure == "crash" and "malformed tensors" in result.error
    assert sent == [0] and closed == [True]


def iter_closable(items):
    yield from items


# --- on a GPU: the timing path --------------------------------------------------------------------------------
@pytest.mark.gpu
@pytest.mark.parametrize("name", ["cache_data_ptr", "cache_shape"])
def test_caches_earn_no_speed(name, unguarded_grader, problems):
    """On a GPU every run shares one process: the second seed of each shape gets the first seed's answer from a
    shape cache, and the run called twice (its inputs refilled in place) gets it from a pointer cache; both are
    incorrect and flagged before any timing."""
    result = unguarded_grader.grade(problems("01_vector_add"), fenced(attack(name)))
    assert not result.correct and result.speedup is None
    assert result.failure == "incorrect" and "replayed_output" in result.hacks, (result.hacks, result.error)


@pytest.mark.gpu
def test_patched_cuda_events_do_not_change_the_timing(unguarded_grader, problems):
    """The sandbox's timing code bound torch.cuda.Event before the answer replaced it with a fake clock."""
    result = unguarded_grader.grade(problems("01_vector_add"), fenced(attack("patch_cuda_event")))
    assert result.correct and result.speedup is not None and result.speedup < 10, result.speedup


# --- on a GPU: the same verdict as on CPU ---------------------------------------------------------------------
# Fixtures whose GPU verdict differs from the CPU's by design: on a GPU the runs of a grading share one process
# (CUDA does not survive a fork), so a cache kept between runs hits there and is caught as a replay, while on CPU
# each run has a fresh process, the cache never hits and the honest kernel underneath is what is graded.
GPU_DIFFERS = {
    "cache_content_hash": "a cache keyed by content hits across runs of one process: replayed_output on a GPU",
    "file_cache_between_runs": "the private tmpfs is emptied between runs on CPU only: replayed_output on a GPU",
}


@pytest.fixture(scope="module")
def gpu_graders():
    """(patient, impatient) graders on the GPU, static checks on, as ``grader`` and ``impatient_graders[0]``."""
    with Grader(GraderConfig(device="cuda", timeout_s=30)) as on, \
            Grader(GraderConfig(device="cuda", timeout_s=6)) as impatient:
        yield on, impatient


def verdict(result) -> tuple:
    """What must agree between CPU and GPU: failure, hack flags, correctness and reward (speed aside)."""
    return result.failure, sorted(result.hacks), result.correct, round(reward_of(result), 6)


@pytest.mark.gpu
@pytest.mark.parametrize("name", sorted(set(EXPECTED) - set(GPU_DIFFERS)))
def test_attack_gets_the_same_verdict_on_gpu_as_on_cpu(name, gpu_graders, grader, impatient_graders, problems):
    expected = EXPECTED[name]
    problem, answer = problems(expected.problem), fenced(attack(name))
    on_gpu = _grader_for(expected, gpu_graders[0], gpu_graders[1]).grade(problem, answer)
    on_cpu = _grader_for(expected, grader, impatient_graders[0]).grade(problem, answer)
    on_gpu.speedup = None  # speed aside
    assert verdict(on_gpu) == verdict(on_cpu), (on_gpu.error[:300], on_cpu.error[:300])
    assert not on_gpu.correct or expected.correct
