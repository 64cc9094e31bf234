"""GPU paths: real compilation on launch, CUDA-event timing with an L2 flush, speedup against eager torch."""
import pytest

from conftest import PROBLEMS, attack, fenced
from kernelgym.problem import load_problem

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
