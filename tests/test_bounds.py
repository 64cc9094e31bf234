"""The GPU's bounds check (kernelgym.bounds), run here for real: each test case once in a sandboxed CPU child under
Triton's interpreter, where only an out-of-bounds access counts. (On a CPU machine every run is bounds-checked
already; on a GPU the grader adds this pass, see tests/test_gpu.py.)"""
from __future__ import annotations

import pytest

from conftest import PROBLEMS, attack
from kernelgym.bounds import find_out_of_bounds
from kernelgym.grader import Grader, GraderConfig, problem_directories
from kernelgym.problem import load_problem
from kernelgym.seeds import SeedSource

VECTOR_ADD = PROBLEMS / "level1" / "01_vector_add.py"


@pytest.fixture(scope="module")
def grader():
    with Grader(GraderConfig(timeout_s=60, check_compile=False, workers=1)) as grader:
        yield grader


def found(grader: Grader, source: str):
    problem = load_problem(VECTOR_ADD)
    return find_out_of_bounds(grader.sandbox, problem, source, grader.config.limits, grader.config.target,
                              problem_directories(problem), SeedSource(None))


def test_an_unmasked_tail_is_found_in_every_case_whose_size_it_overruns(grader):
    cases = load_problem(VECTOR_ADD).test_cases
    assert [c["N"] % 1024 for c in cases] != [0] * len(cases)  # every case here ends inside a block
    result = found(grader, attack("out_of_bounds"))
    assert [f.case for f in result] == list(range(len(cases)))
    assert all("out-of-bounds" in f.error for f in result), result


def test_an_honest_kernel_has_nothing_found(grader):
    assert found(grader, load_problem(VECTOR_ADD).solution_path.read_text()) == []


def test_another_error_under_the_interpreter_is_not_an_out_of_bounds_access(grader):
    raising = attack("out_of_bounds").replace("out = torch.empty_like(x)",
                                              "raise RuntimeError('not supported here')")
    assert "not supported here" in raising
    assert found(grader, raising) == []


def test_an_answer_that_does_not_import_has_nothing_found(grader):
    assert found(grader, "import not_a_module_anywhere\n") == []
