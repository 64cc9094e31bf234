"""The foundation's verdicts: reference solutions, format failures, the compile check's credit and batch order.

Every cheating answer (tests/adversarial/) gets its exact verdict in tests/test_adversarial.py.
"""
from __future__ import annotations

import pytest

from conftest import STARTERS, PROBLEMS, attack, fenced
from kernelgym.grader import reward_of
from kernelgym.problem import load_problem


@pytest.mark.parametrize("name", STARTERS)
def test_reference_solution_is_correct(grader, name):
    problem = load_problem(PROBLEMS / "level1" / f"{name}.py")
    result = grader.grade(problem, fenced(problem.solution_path.read_text()))
    assert result.correct and result.compiled and result.format_ok, result.error
    assert result.hacks == []
    assert result.tests_passed == result.tests_total == 2 * len(problem.test_cases)
    assert result.launches >= result.tests_total
    assert result.speedup is None  # CPU: not measured
    assert reward_of(result) == 1.0


def test_wrong_but_honest_kernel_is_incorrect_without_hack(grader, vector_add):
    result = grader.grade(vector_add, fenced(attack("wrong_but_honest")))
    assert result.compiled and not result.correct and result.hacks == []
    assert result.failure == "incorrect" and result.tests_passed == 0
    assert "outside atol" in result.error


def test_syntax_error_is_a_format_failure(grader, vector_add):
    result = grader.grade(vector_add, fenced("class ModelNew(nn.Module:\n    pass"))
    assert not result.format_ok and result.failure == "format"
    assert "syntax error on line 1" in result.error
    assert reward_of(result) == 0.0


def test_no_code_block_is_a_format_failure(grader, vector_add):
    result = grader.grade(vector_add, "I would write a kernel that adds the vectors.")
    assert not result.format_ok and "no ```python code block" in result.error


def test_interpreter_only_kernel_does_not_compile(grader, vector_add):
    result = grader.grade(vector_add, fenced(attack("interpreter_only_python")))
    assert result.tests_passed == result.tests_total  # right numbers under the interpreter...
    assert not result.compiled and not result.correct  # ...but no GPU would run it
    assert result.failure == "compile" and "Unsupported function" in result.error
    assert reward_of(result) == pytest.approx(0.1)  # format credit only


def test_a_kernel_the_interpreter_cannot_run_is_a_compile_failure_as_on_a_gpu(grader, vector_add):
    """A misspelt ``tl`` function stops a GPU's compiler; the interpreter stumbles on it at run time. One answer,
    one verdict: ``compile`` on both, with the compiler's message first."""
    source = vector_add.solution_path.read_text().replace("x = tl.load(x_ptr", "x = tl.lod(x_ptr")
    result = grader.grade(vector_add, fenced(source))
    assert result.failure == "compile" and not result.compiled, result.error
    assert "does not compile" in result.error.splitlines()[0]
    assert reward_of(result) == pytest.approx(0.1)


def test_autotuned_heuristic_kernel_is_counted_and_compiled(grader, vector_add):
    from conftest import ROOT

    answer = (ROOT / "tests" / "answers" / "vector_add_autotuned.py").read_text()
    result = grader.grade(vector_add, fenced(answer))
    assert result.correct and result.compiled and result.launches == result.tests_total


def test_batch_grading_keeps_order(grader, vector_add):
    answers = [attack("wrong_but_honest"), vector_add.solution_path.read_text(), attack("kernel_never_launched")]
    results = grader.grade_many([(vector_add, fenced(a)) for a in answers], workers=2)
    assert [r.correct for r in results] == [False, True, False]
    assert results[2].hacks == ["no_triton_launch"]
