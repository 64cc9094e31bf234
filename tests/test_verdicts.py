"""The foundation's verdicts: each kind of answer gets the right record, and the grader keeps working after it."""
from __future__ import annotations

import pytest

from conftest import STARTERS, PROBLEMS, attack, fenced
from kernelgym.grader import Grader, GraderConfig, reward_of
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


def test_torch_fallback_beside_dummy_launch_is_named(grader, vector_add):
    result = grader.grade(vector_add, fenced(attack("torch_fallback_dummy_launch")))
    assert "torch_fallback:aten.add" in result.hacks
    assert "noop_still_correct" in result.hacks
    assert not result.correct and reward_of(result) == 0.0


def test_kernel_defined_but_never_launched(grader, vector_add):
    result = grader.grade(vector_add, fenced(attack("kernel_never_launched")))
    assert "no_triton_launch" in result.hacks and result.launches == 0
    assert result.tests_passed == 0  # the empty buffer is NaN-filled, not stale memory


def test_try_except_fallback_is_refused_statically(grader, vector_add):
    result = grader.grade(vector_add, fenced(attack("try_except_fallback")))
    assert result.hacks == ["try_except"] and result.failure == "static"


def test_try_except_fallback_is_traced_at_runtime(unguarded_grader, vector_add):
    result = unguarded_grader.grade(vector_add, fenced(attack("try_except_fallback")))
    assert "torch_fallback:aten.add" in result.hacks and not result.correct


def test_infinite_loop_times_out_and_is_killed(vector_add):
    with Grader(GraderConfig(timeout_s=3)) as grader:
        result = grader.grade(vector_add, fenced(attack("infinite_loop")))
        assert result.failure == "timeout" and not result.correct
        assert "wall-clock limit of 3 s" in result.error
        again = grader.grade(vector_add, fenced(vector_add.solution_path.read_text()))
        assert again.correct


def test_memory_bomb_fails_its_own_grading(grader, vector_add):
    result = grader.grade(vector_add, fenced(attack("memory_bomb")))
    assert not result.correct and result.failure in ("runtime", "crash")
    assert grader.grade(vector_add, fenced(vector_add.solution_path.read_text())).correct


def test_out_of_bounds_access_is_reported(grader, vector_add):
    result = grader.grade(vector_add, fenced(attack("out_of_bounds")))
    assert result.failure == "out_of_bounds" and not result.correct
    assert "out-of-bounds load" in result.error


def test_interpreter_only_kernel_does_not_compile(grader, vector_add):
    result = grader.grade(vector_add, fenced(attack("interpreter_only_python")))
    assert result.tests_passed == result.tests_total  # right numbers under the interpreter...
    assert not result.compiled and not result.correct  # ...but no GPU would run it
    assert result.failure == "compile" and "Unsupported function" in result.error
    assert reward_of(result) == pytest.approx(0.1)  # format credit only


def test_exit_in_forward_is_refused_statically(grader, vector_add):
    result = grader.grade(vector_add, fenced(attack("exit_in_forward")))
    assert result.hacks == ["forbidden_import:os"]


def test_exit_in_forward_is_a_crash_at_runtime(unguarded_grader, vector_add):
    result = unguarded_grader.grade(vector_add, fenced(attack("exit_in_forward")))
    assert result.failure == "crash" and result.tests_passed == 0 and not result.correct


def test_patching_allclose_is_refused_statically(grader, vector_add):
    result = grader.grade(vector_add, fenced(attack("patch_allclose")))
    assert "monkeypatch:torch.allclose" in result.hacks


def test_patching_allclose_does_not_fool_the_comparison(unguarded_grader, vector_add):
    result = unguarded_grader.grade(vector_add, fenced(attack("patch_allclose")))
    assert result.tests_passed == 0 and result.failure == "incorrect"


def test_mutating_an_input_is_flagged(grader, vector_add):
    result = grader.grade(vector_add, fenced(attack("mutate_input")))
    assert "input_mutated" in result.hacks and not result.correct


def test_grader_still_correct_after_attacks(unguarded_grader, vector_add):
    for name in ("exit_in_forward", "out_of_bounds", "mutate_input"):
        unguarded_grader.grade(vector_add, fenced(attack(name)))
    assert unguarded_grader.grade(vector_add, fenced(vector_add.solution_path.read_text())).correct


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
