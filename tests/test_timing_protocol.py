"""The grader's side of GPU timing, run on CPU with a scripted child: the GPU lock is held exactly around each
timed section, a timing case is one more test, a mismatch at a timing shape is an incorrect answer (not a hack),
and only an output replayed after the inputs changed is flagged."""
import threading

import pytest
import torch

from conftest import PROBLEMS
from kernelgym import timing
from kernelgym.sandbox_session import in_order
from kernelgym.problem import load_problem
from kernelgym.result import KernelResult
from kernelgym.sandbox.protocol import encode_outputs


@pytest.fixture
def problem():
    problem = load_problem(PROBLEMS / "level1" / "01_vector_add.py")
    problem.timing_cases = [problem.test_cases[0], problem.test_cases[0]]  # two small timing cases
    return problem


class Child:
    """Stands in for the sandboxed child: records what the grader sends."""

    def __init__(self):
        self.sent = []

    def __call__(self, header, buffers=()):
        self.sent.append(header["type"])


def _timer(problem, reference_ms=(2.0, 8.0)):
    times = timing.ReferenceTimes()
    values = iter(reference_ms)
    times.get = lambda *args, **kwargs: next(values)
    child, result = Child(), KernelResult(tests_total=4, tests_passed=4)
    return timing.Timer(problem, result, child, "cpu", 3, times), child, result


def _output(kind, index, tensor):
    outputs, buffers = encode_outputs(tensor, [])
    return {**outputs.to_header(), "type": kind, "index": index}, buffers


def _lock_is_free() -> bool:
    got = []
    thread = threading.Thread(target=lambda: got.append(timing.gpu_lock("cpu")._thread_lock.acquire(timeout=0.05)))
    thread.start()
    thread.join()
    if got[0]:
        timing.gpu_lock("cpu")._thread_lock.release()
    return got[0]


def _run_case(timer, index, median_ms=1.0, timed=None, recheck=None):
    case = timer.cases[index]
    timer.handle("ready", index, {"type": "ready", "index": index}, [])
    timer.handle("timed", index, {"type": "timed", "index": index, "median_ms": median_ms}, [])
    timer.handle("timing", index, *_output("timing", index, case.expected[0] if timed is None else timed))
    timer.handle("timing_recheck", index, *_output("timing_recheck", index,
                                                    case.expected_recheck[0] if recheck is None else recheck))


def test_every_case_timed_gives_the_geometric_mean_and_counts_as_tests(problem):
    timer, child, result = _timer(problem)
    timer.start(eligible=True)
    _run_case(timer, 0, median_ms=1.0)
    _run_case(timer, 1, median_ms=2.0)
    assert child.sent == ["time", "go", "time", "go", "stop"]
    assert result.speedup == pytest.approx((2.0 * 4.0) ** 0.5) and not result.failure and not result.hacks
    assert (result.tests_passed, result.tests_total) == (6, 6)


def test_an_answer_that_failed_a_test_is_not_timed(problem):
    timer, child, result = _timer(problem)
    timer.start(eligible=False)
    assert child.sent == ["stop"] and result.tests_total == 4 and timer.cases == []


def test_the_gpu_lock_is_held_from_go_to_timed_only(problem):
    timer, _, _ = _timer(problem)
    timer.start(eligible=True)
    assert _lock_is_free()
    timer.handle("ready", 0, {"type": "ready", "index": 0}, [])
    assert not _lock_is_free()
    timer.handle("timed", 0, {"type": "timed", "index": 0, "median_ms": 1.0}, [])
    assert _lock_is_free()


def test_a_session_that_dies_inside_a_timed_section_releases_the_lock(problem):
    timer, _, _ = _timer(problem)
    timer.start(eligible=True)
    timer.handle("ready", 0, {"type": "ready", "index": 0}, [])
    timer.close()
    assert _lock_is_free()


def test_a_wrong_output_at_a_timing_shape_is_incorrect_not_a_hack(problem):
    timer, _, result = _timer(problem)
    timer.start(eligible=True)
    wrong = timer.cases[0].expected[0] + 1.0
    _run_case(timer, 0, timed=wrong)
    assert result.failure == "incorrect" and "timing case 0" in result.error
    assert result.hacks == [] and result.speedup is None and result.tests_passed == 4 and timer.done


def test_an_output_replayed_after_the_inputs_changed_is_flagged(problem):
    timer, _, result = _timer(problem)
    timer.start(eligible=True)
    _run_case(timer, 0, recheck=timer.cases[0].expected[0].clone())
    assert "replayed_output_after_timing" in result.hacks and result.failure == "incorrect"


def test_a_recheck_that_is_merely_wrong_is_incorrect_without_a_flag(problem):
    timer, _, result = _timer(problem)
    timer.start(eligible=True)
    _run_case(timer, 0, recheck=torch.zeros_like(timer.cases[0].expected_recheck[0]))
    assert result.failure == "incorrect" and result.hacks == [] and result.speedup is None


def test_an_error_while_timing_is_a_runtime_failure_and_frees_the_lock(problem):
    timer, _, result = _timer(problem)
    timer.start(eligible=True)
    timer.handle("ready", 0, {"type": "ready", "index": 0}, [])
    timer.handle("timed", 0, {"type": "timed", "index": 0, "error": "RuntimeError: boom"}, [])
    assert result.failure == "runtime" and result.speedup is None and _lock_is_free()


def test_a_bad_time_earns_no_speed(problem):
    timer, _, result = _timer(problem)
    timer.start(eligible=True)
    _run_case(timer, 0, median_ms="fast")
    _run_case(timer, 1, median_ms=1.0)
    assert result.speedup is None and not result.failure


def test_malformed_timed_tensors_are_a_protocol_violation(problem):
    timer, _, result = _timer(problem)
    timer.start(eligible=True)
    timer.handle("timing", 0, {"type": "timing", "index": 0, "outputs": [{"dtype": "float32", "shape": [4]}]},
                 [bytearray(b"xx")])
    assert result.failure == "crash" and result.speedup is None


@pytest.mark.parametrize("bad", [("timed", 0), ("timing", 1), ("ready", True)])
def test_timing_messages_out_of_order_end_the_session(problem, bad):
    """A repeated, skipped or forged timing message is a protocol violation (it could stand in for another)."""
    timer, _, _ = _timer(problem)
    order = [("run", 0), ("ablation", 0)] + timer.order()
    messages = [({"type": "run", "index": 0}, []), ({"type": "ablation", "index": 0}, []),
                ({"type": "ready", "index": 0}, []), ({"type": "timed", "index": 0}, []),
                ({"type": bad[0], "index": bad[1]}, [])]
    result = KernelResult()
    passed = list(in_order(iter(messages), result, order))
    assert len(passed) == 4 and result.failure == "crash"


def test_timing_shapes_are_judged_with_the_timing_tolerances(problem):
    """TIMING_ATOL covers the drift of long reductions and TF32 at large shapes; the test cases keep ATOL."""
    problem.timing_atol = 0.5
    timer, _, result = _timer(problem)
    timer.start(eligible=True)
    drifted = timer.cases[0].expected[0] + 0.1  # far outside ATOL (1e-6), inside TIMING_ATOL
    _run_case(timer, 0, timed=drifted, recheck=timer.cases[0].expected_recheck[0] + 0.1)
    assert not result.failure and result.tests_passed == 5
    assert result.timing_max_abs_error == pytest.approx(0.1, rel=1e-3)
