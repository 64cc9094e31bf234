"""GPU paths: every sandbox layer with CUDA, real compilation on launch, timing in the same child under the GPU
lock, verdicts at timing shapes, the GPU memory share, and the same verdict as on CPU."""
import os
from pathlib import Path

import pytest

from conftest import PROBLEMS, attack, fenced
from kernelgym.problem import load_problem

ANSWERS = Path(__file__).resolve().parent / "answers"

pytestmark = pytest.mark.gpu


@pytest.fixture(scope="module")
def gpu_grader():
    from kernelgym.grader import Grader, GraderConfig

    with Grader(GraderConfig(device="cuda", timeout_s=120, timing_repeats=10)) as grader:
        yield grader


def test_reference_is_correct_and_timed_on_gpu(gpu_grader):
    problem = load_problem(PROBLEMS / "level1" / "03_softmax.py")
    result = gpu_grader.grade(problem, fenced(problem.solution_path.read_text()))
    assert result.correct and result.compiled and result.hacks == []
    assert result.speedup is not None and result.speedup > 0


def test_fallback_is_flagged_on_gpu(gpu_grader):
    problem = load_problem(PROBLEMS / "level1" / "01_vector_add.py")
    result = gpu_grader.grade(problem, fenced(attack("torch_fallback_dummy_launch")))
    assert "torch_fallback:aten.add" in result.hacks and not result.correct


def test_the_gpu_child_keeps_every_layer(gpu_grader):
    problem = load_problem(PROBLEMS / "level1" / "01_vector_add.py")
    result = gpu_grader.grade(problem, fenced(problem.solution_path.read_text()))
    assert result.correct, result.error
    layers = set(result.isolation)
    assert {"network_namespace", "read_only_filesystem", "socket_directories_hidden", "disk_quota",
            "problem_files_hidden", "no_capabilities", "seccomp", "rlimits", "audit_hook",
            "gpu_memory_budget"} <= layers
    assert "memory_cgroup" in layers or "rlimit_data" in layers
    assert "rlimit_address_space" not in layers  # it stops CUDA
    if os.geteuid() == 0:
        assert "pid_namespace" in layers


def test_timing_cases_count_as_tests(gpu_grader):
    problem = load_problem(PROBLEMS / "level1" / "01_vector_add.py")
    result = gpu_grader.grade(problem, fenced(problem.solution_path.read_text()))
    seeds = gpu_grader.config.seeds
    assert result.tests_total == len(problem.test_cases) * seeds + len(problem.timing_cases) == result.tests_passed


def test_wrong_only_at_the_timing_shape_is_incorrect_not_a_hack(gpu_grader):
    problem = load_problem(PROBLEMS / "level1" / "01_vector_add.py")
    result = gpu_grader.grade(problem, fenced((ANSWERS / "vector_add_wrong_at_large_sizes.py").read_text()))
    assert not result.correct and result.failure == "incorrect" and "timing case 0" in result.error
    assert result.hacks == [] and result.speedup is None
    assert result.tests_passed == result.tests_total - 1


def test_an_output_replayed_after_timing_is_flagged(gpu_grader):
    """The answer keeps each output keyed by the input object: right in every correctness run (new inputs each
    time), and also for the timed calls; once the timed inputs are overwritten in place it returns the old output."""
    problem = load_problem(PROBLEMS / "level1" / "01_vector_add.py")
    result = gpu_grader.grade(problem, fenced((ANSWERS / "vector_add_cache_by_input_object.py").read_text()))
    assert "replayed_output_after_timing" in result.hacks and not result.correct


def test_a_kernel_that_does_not_compile_scores_as_on_cpu(gpu_grader):
    from kernelgym.grader import Grader, GraderConfig, reward_of

    problem = load_problem(PROBLEMS / "level1" / "01_vector_add.py")
    answer = fenced((ANSWERS / "vector_add_calls_a_plain_python_helper.py").read_text())
    on_gpu = gpu_grader.grade(problem, answer)
    with Grader(GraderConfig(device="cpu", timeout_s=120)) as cpu_grader:
        on_cpu = cpu_grader.grade(problem, answer)
    assert (on_gpu.compiled, on_gpu.failure, on_gpu.hacks) == (on_cpu.compiled, on_cpu.failure, on_cpu.hacks) \
        == (False, "compile", [])
    assert reward_of(on_gpu) == reward_of(on_cpu)


def test_past_its_gpu_memory_share_an_answer_fails_alone():
    from kernelgym.grader import Grader, GraderConfig
    from kernelgym.sandbox.isolation import Limits

    problem = load_problem(PROBLEMS / "level1" / "01_vector_add.py")
    honest = problem.solution_path.read_text()
    greedy = honest.replace("    out = torch.empty_like(x)\n",
                            "    out = torch.empty_like(x)\n    spare = torch.empty(2**30, device=x.device)\n")
    assert greedy != honest
    with Grader(GraderConfig(device="cuda", limits=Limits(gpu_memory_mb=2048), timing_repeats=5)) as grader:
        results = grader.grade_many([(problem, fenced(greedy)), (problem, fenced(honest))])
    assert results[0].failure == "runtime" and "out of memory" in results[0].error.lower()
    assert results[1].correct and "gpu_memory_budget" in results[1].isolation


def test_an_out_of_bounds_read_gets_the_cpu_verdict_on_gpu(gpu_grader):
    """The stray reads of an unmasked tail may not change a GPU's result; the bounds pass under the interpreter
    refuses it as a CPU machine does, with the same reward."""
    from kernelgym.grader import Grader, GraderConfig, reward_of

    problem = load_problem(PROBLEMS / "level1" / "01_vector_add.py")
    on_gpu = gpu_grader.grade(problem, fenced(attack("out_of_bounds")))
    with Grader(GraderConfig(device="cpu", timeout_s=120)) as cpu_grader:
        on_cpu = cpu_grader.grade(problem, fenced(attack("out_of_bounds")))
    assert on_gpu.failure == on_cpu.failure == "out_of_bounds", (on_gpu.error, on_cpu.error)
    assert on_gpu.tests_passed == on_cpu.tests_passed == 0
    assert reward_of(on_gpu) == reward_of(on_cpu)
    assert "bounds_s" in on_gpu.timings


def test_work_left_on_a_side_stream_is_timed(gpu_grader):
    """Events on the current stream alone would time nothing of a kernel left running on a side stream; the timing
    window synchronises the whole device, so any speedup stays that of an ordinary vector add. (Whether it is
    correct is the answer's own race: the caller's next copy does not wait for the side stream.)"""
    problem = load_problem(PROBLEMS / "level1" / "01_vector_add.py")
    result = gpu_grader.grade(problem, fenced((ANSWERS / "vector_add_on_a_side_stream.py").read_text()))
    assert result.speedup is None or result.speedup < 3, (result.speedup, result.error)


@pytest.fixture(scope="module")
def sanitizing_grader():
    """A GPU grader with ``sanitize`` on and the interpreter's bounds pass off, so that only memcheck can find an
    out-of-bounds access; skipped where compute-sanitizer is not installed."""
    from kernelgym.grader import Grader, GraderConfig
    from kernelgym.sanitize import find_compute_sanitizer

    if find_compute_sanitizer() is None:
        pytest.skip("compute-sanitizer is not installed")
    with Grader(GraderConfig(device="cuda", timeout_s=300, timing_repeats=5, check_bounds=False,
                             sanitize=True)) as grader:
        yield grader


def test_memcheck_refuses_an_unmasked_tail_on_the_gpu(sanitizing_grader):
    """The real compute-sanitizer: an unmasked tail reads past its tensors on the GPU (each tensor is its own
    allocation under memcheck); the verdict is the bounds pass's, with the same reward."""
    from kernelgym.grader import reward_of

    problem = load_problem(PROBLEMS / "level1" / "01_vector_add.py")
    result = sanitizing_grader.grade(problem, fenced(attack("out_of_bounds")))
    assert result.failure == "out_of_bounds", result.error
    assert "compute-sanitizer's memcheck found" in result.error and "Invalid __global__" in result.error
    assert result.tests_passed <= result.tests_total - sanitizing_grader.config.seeds
    assert not result.correct and reward_of(result) < 1.0
    assert "sanitize_s" in result.timings


def test_memcheck_leaves_an_honest_answer_correct(sanitizing_grader):
    problem = load_problem(PROBLEMS / "level1" / "01_vector_add.py")
    result = sanitizing_grader.grade(problem, fenced(problem.solution_path.read_text()))
    assert result.correct, result.error
    assert "sanitize_s" in result.timings


def test_the_sanitized_child_keeps_the_gpu_childs_layers():
    """The child that compute-sanitizer starts confines itself as a zygote's GPU child does (less the GPU memory
    share, which binds the caching allocator that memcheck's run turns off)."""
    from kernelgym.grader import Grader, GraderConfig, problem_directories
    from kernelgym.sanitize import find_compute_sanitizer, run_memcheck
    from kernelgym.seeds import SeedSource

    executable = find_compute_sanitizer()
    if executable is None:
        pytest.skip("compute-sanitizer is not installed")
    problem = load_problem(PROBLEMS / "level1" / "01_vector_add.py")
    with Grader(GraderConfig(device="cuda", timeout_s=300, workers=1)) as grader:
        found = run_memcheck(grader.sandbox, executable, problem, fenced(problem.solution_path.read_text()),
                             grader.config.limits, grader.config.target, problem_directories(problem),
                             SeedSource(0), "cuda")
    assert found.problem == "" and found.exit_status == 0 and found.report.errors == 0, found
    assert {"network_namespace", "read_only_filesystem", "socket_directories_hidden", "disk_quota",
            "problem_files_hidden", "no_capabilities", "seccomp", "rlimits", "audit_hook"} <= set(found.isolation)
    if os.geteuid() == 0:
        assert "pid_namespace" in found.isolation
