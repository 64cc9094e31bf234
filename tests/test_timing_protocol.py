"""The grader's side of GPU timing, run on CPU with a scripted child: each timing case's result and its re-check
are accepted exactly once and in order, and a re-check that raised flags the answer."""
import pytest

from conftest import PROBLEMS
from kernelgym import timing
from kernelgym.grader import GraderConfig
from kernelgym.problem import load_problem
from kernelgym.result import KernelResult
from kernelgym.sandbox.child import encode_outputs


@pytest.fixture
def problem():
    problem = load_problem(PROBLEMS / "level1" / "01_vector_add.py")
    problem.timing_cases = [problem.test_cases[0], problem.test_cases[0]]  # two small timing cases
    return problem


class ScriptedGrader:
    """Stands in for the grader: its session yields the scripted messages; ``closed`` records the session end."""

    def __init__(self, messages):
        self.config = GraderConfig()
        self.messages, self.closed = messages, False

    def session(self, mode, job, result):
        try:
            yield from self.messages
        finally:
            self.closed = True


def _fake_references(monkeypatch, ms=(2.0, 8.0)):
    import torch

    outputs = iter([(ms[0], [torch.ones(4)], [torch.full((4,), 2.0)]),
                    (ms[1], [torch.ones(4)], [torch.full((4,), 2.0)])])
    monkeypatch.setattr(timing, "reference_ms", lambda *args, **kwargs: next(outputs))


def _message(kind, index, value, **extra):
    import torch

    header, buffers = encode_outputs(torch.full((4,), value), [])
    header.update({"type": kind, "index": index, **extra})
    return header, buffers


def _grade(problem, messages):
    grader, result = ScriptedGrader(messages), KernelResult()
    timing.time_problem(grader, problem, "source", result)
    return grader, result


def test_every_case_and_recheck_once_gives_the_geometric_mean(problem, monkeypatch):
    _fake_references(monkeypatch)
    _, result = _grade(problem, [_message("timing", 0, 1.0, median_ms=1.0), _message("timing_recheck", 0, 2.0),
                                 _message("timing", 1, 1.0, median_ms=2.0), _message("timing_recheck", 1, 2.0)])

    assert result.speedup == pytest.approx((2.0 * 4.0) ** 0.5) and not result.failure and not result.hacks


def test_a_repeated_timing_result_is_a_protocol_violation(problem, monkeypatch):
    """A second result for case 0 must not stand in for case 1 (it used to be counted twice)."""
    _fake_references(monkeypatch)
    grader, result = _grade(problem, [_message("timing", 0, 1.0, median_ms=0.01), _message("timing", 0, 1.0,
                                                                                           median_ms=0.01),
                                      _message("timing_recheck", 0, 2.0), _message("timing_recheck", 1, 2.0)])
    assert result.speedup is None and result.failure == "crash" and grader.closed


@pytest.mark.parametrize("bad", [("timing_recheck", 1), ("timing", 2), ("timing", True)])
def test_out_of_order_or_forged_indices_are_refused(problem, monkeypatch, bad):
    _fake_references(monkeypatch)
    _, result = _grade(problem, [_message("timing", 0, 1.0, median_ms=1.0), _message(*bad, 1.0, median_ms=1.0)])
    assert result.speedup is None and result.failure == "crash"


def test_an_error_in_the_recheck_flags_the_answer(problem, monkeypatch):
    _fake_references(monkeypatch)
    _, result = _grade(problem, [_message("timing", 0, 1.0, median_ms=1.0),
                                 ({"type": "timing_recheck", "index": 0, "error": "RuntimeError: stale"}, [])])
    assert result.speedup is None and "recheck_after_timing_failed" in result.hacks


def test_missing_recheck_or_bad_time_earns_no_speed(problem, monkeypatch):
    _fake_references(monkeypatch)
    _, result = _grade(problem, [_message("timing", 0, 1.0, median_ms=1.0), _message("timing_recheck", 0, 2.0),
                                 _message("timing", 1, 1.0, median_ms=1.0)])
    assert result.speedup is None and not result.failure
    _fake_references(monkeypatch)
    _, result = _grade(problem, [_message("timing", 0, 1.0, median_ms="fast")])
    assert result.speedup is None


def test_malformed_timed_tensors_are_a_protocol_violation(problem, monkeypatch):
    _fake_references(monkeypatch)
    _, result = _grade(problem, [({"type": "timing", "index": 0, "median_ms": 1.0,
                                   "outputs": [{"dtype": "float32", "shape": [4]}]}, [b"xx"])])
    assert result.speedup is None and result.failure == "crash"
