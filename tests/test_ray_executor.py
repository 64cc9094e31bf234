"""The Ray executor on a real Ray instance started here: the local pool's verdicts, and dead actors replaced."""
import ray
import pytest

from conftest import PROBLEMS, attack, fenced
from kernelgym.executor import LocalExecutor, make_executor
from kernelgym.grader import GraderConfig
from kernelgym.problem import load_problem
from kernelgym.ray_executor import ProblemSpec


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, _node_ip_address="127.0.0.1")
    yield
    ray.shutdown()


def verdict(result) -> tuple:
    return (result.problem, result.correct, result.compiled, result.hacks, result.tests_passed, result.tests_total,
            result.failure)


def test_ray_executor_gives_the_local_verdicts_and_replaces_dead_actors(local_ray):
    vector_add = load_problem(PROBLEMS / "level1" / "01_vector_add.py", overrides={"N": 257})  # overrides travel
    relu = load_problem(PROBLEMS / "level1" / "02_relu.py")
    items = [(vector_add, fenced(vector_add.solution_path.read_text())),
             (vector_add, fenced(attack("torch_fallback_dummy_launch"))),
             (vector_add, fenced(attack("wrong_but_honest"))),
             (relu, fenced(relu.solution_path.read_text()))]
    config = GraderConfig(timeout_s=60, check_compile=False)  # the same code either way; half the zygotes to start
    local = LocalExecutor(config, workers=2)
    try:
        expected = [verdict(r) for r in local.grade_many(items)]
    finally:
        local.close()
    assert [v[1] for v in expected] == [True, False, False, True] and expected[1][3] and not expected[2][3]

    executor = make_executor("ray", config, workers=2)
    try:
        assert [verdict(r) for r in executor.grade_many(items)] == expected
        for actor in executor.actors:
            ray.kill(actor)
        assert [verdict(r) for r in executor.grade_many(items[:1])] == expected[:1]
        assert executor.replaced == 1  # the slot that took the grading found its actor dead and replaced it
    finally:
        executor.close()
    assert ray.is_initialized()  # the executor leaves alone a Ray instance it did not start


def test_problem_spec_loads_on_a_node_without_the_suite(tmp_path):
    problem = load_problem(PROBLEMS / "level1" / "02_relu.py", overrides={"DIM": 7})
    spec = ProblemSpec.of(problem)
    elsewhere = ProblemSpec(str(tmp_path / "gone" / "level1" / "02_relu.py"), spec.source, spec.test_cases,
                            spec.timing_cases, spec.atol, spec.rtol)
    loaded = elsewhere.load(tmp_path / "scratch")
    assert loaded.path != problem.path and loaded.key == problem.key == "level1/02_relu"
    assert loaded.test_cases == problem.test_cases and all(case["DIM"] == 7 for case in loaded.test_cases)


def test_the_executor_builds_each_problem_spec_once_across_calls(monkeypatch):
    """The bench grades one sample per grade_many call: specs are cached by problem, not rebuilt per call."""
    import threading

    from kernelgym.ray_executor import RayExecutor

    built = []
    original = ProblemSpec.of.__func__
    monkeypatch.setattr(ProblemSpec, "of", classmethod(lambda cls, p: built.append(p.key) or original(cls, p)))
    executor = object.__new__(RayExecutor)  # no cluster needed for the cache
    executor._lock, executor._specs = threading.Lock(), {}
    relu = load_problem(PROBLEMS / "level1" / "02_relu.py")
    again = load_problem(PROBLEMS / "level1" / "02_relu.py")  # another object, the same problem
    add = load_problem(PROBLEMS / "level1" / "01_vector_add.py")
    assert executor.spec_of(relu) is executor.spec_of(again) is executor.spec_of(relu)
    assert executor.spec_of(add).path == str(add.path)
    assert built == ["level1/02_relu", "level1/01_vector_add"]
