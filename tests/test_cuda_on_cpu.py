"""Code written for a GPU runs on CPU as on a GPU: answers under the interpreter, and problem files.

The answers in tests/answers/ named ``relu_*`` are written for a GPU; each gets, on CPU, the verdict a GPU gives.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import torch

from conftest import PROBLEMS, fenced
from kernelgym.problem import load_problem
from kernelgym.sandbox.cuda_on_cpu import cpu_placement, gpu_view

ANSWERS = Path(__file__).resolve().parent / "answers"
RELU = PROBLEMS / "level1" / "02_relu.py"

pytestmark = pytest.mark.skipif(torch.cuda.is_available(), reason="what a machine without CUDA does")


def _grade(grader, name: str, problem=RELU):
    return grader.grade(load_problem(problem), fenced((ANSWERS / name).read_text()))


def test_an_answer_written_for_a_gpu_is_correct_on_cpu(grader):
    result = _grade(grader, "relu_written_for_a_gpu.py")
    assert result.correct and not result.hacks, (result.failure, result.hacks, result.error)


def test_an_answer_that_checks_for_a_gpu_takes_its_kernel_path_on_cpu(grader):
    """On a GPU its kernel runs; on CPU the answer must see a CUDA tensor too, or it would fall back to torch."""
    result = _grade(grader, "relu_falls_back_off_the_gpu.py")
    assert result.correct and not result.hacks, (result.failure, result.hacks, result.error)


def test_a_torch_fallback_on_the_cuda_path_is_still_flagged(grader):
    result = _grade(grader, "relu_torch_on_the_gpu_path.py")
    assert not result.correct and "torch_fallback:aten.relu" in result.hacks, result.hacks


def test_a_problem_file_written_for_a_gpu_loads_and_grades(grader, tmp_path):
    source = RELU.read_text()
    gpu_source = source.replace("return [torch.randn(BATCH, DIM)]", 'return [torch.randn(BATCH, DIM, device="cuda")]')
    gpu_source = gpu_source.replace("return torch.relu(x)", "return torch.relu(x.cuda())")
    assert gpu_source.count("cuda") == 2
    problem = tmp_path / "02_relu.py"
    problem.write_text(gpu_source)
    solution = (PROBLEMS / "level1" / "02_relu_solution.py").read_text()
    result = grader.grade(load_problem(problem), fenced(solution))
    assert result.correct, (result.failure, result.error)


def test_only_the_answers_own_code_sees_cuda_tensors(tmp_path):
    """Library code (and the grader's harness) keeps seeing CPU tensors; the answer's file sees CUDA ones."""
    answer = str(tmp_path / "candidate.py")
    probe = "def probe(x):\n    return x.is_cuda, x.device.type, x.get_device()\n"
    scope: dict = {}
    exec(compile(probe, answer, "exec"), scope)
    x = torch.ones(3)
    with gpu_view(answer):
        assert scope["probe"](x) == (True, "cuda", 0)
        assert (x.is_cuda, x.device.type) == (False, "cpu")  # this file is not the answer


@pytest.mark.parametrize("make", [
    lambda: torch.empty(2, device="cuda"), lambda: torch.zeros(2, device=torch.device("cuda", 0)),
    lambda: torch.ones(2).cuda(), lambda: torch.ones(2).to("cuda:0"), lambda: torch.ones(2).to("cuda", torch.float16),
    lambda: torch.arange(3, device=0),
], ids=["empty", "zeros_device_object", "dot_cuda", "to_string", "to_with_dtype", "device_index"])
def test_cuda_placements_mean_the_cpu(make):
    with cpu_placement():
        tensor = make()
    assert tensor.device.type == "cpu"
