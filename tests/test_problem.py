"""Problem loading: KernelBench files load unchanged; metadata is read; malformed files get clear errors."""
import textwrap

import pytest

from conftest import PROBLEMS
from kernelgym.problem import ProblemError, discover, load_problem

KERNELBENCH_RELU = textwrap.dedent('''
    import torch
    import torch.nn as nn

    class Model(nn.Module):
        """Simple model that performs a ReLU activation."""
        def __init__(self):
            super(Model, self).__init__()

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return torch.relu(x)

    batch_size = 16
    dim = 16384

    def get_inputs():
        x = torch.randn(batch_size, dim)
        return [x]

    def get_init_inputs():
        return []
''')


def test_kernelbench_file_outside_problems_loads_with_defaults(tmp_path):
    path = tmp_path / "19_ReLU.py"
    path.write_text(KERNELBENCH_RELU)
    problem = load_problem(path)
    assert problem.name == "19_ReLU" and problem.level is None
    assert problem.atol == problem.rtol == 1e-3
    assert problem.cases_origin == "derived for CPU" and all(case["dim"] < 16384 for case in problem.test_cases)
    init_inputs, inputs = problem.instantiate({}, seed=1)  # the file's own sizes are still there
    assert init_inputs == [] and inputs[0].shape == (16, 16384)


def test_metadata_is_read():
    problem = load_problem(PROBLEMS / "level1" / "03_softmax.py")
    assert problem.level == 1 and "softmax" in problem.tags and problem.atol == 1e-6
    assert {"ROWS": 5, "COLS": 1} in problem.test_cases
    assert problem.docstring.startswith("Row-wise softmax")
    assert problem.solution_path.name == "03_softmax_solution.py"


def test_test_case_overrides_constants_and_restores_them():
    problem = load_problem(PROBLEMS / "level1" / "03_softmax.py")
    _, inputs = problem.instantiate({"ROWS": 3, "COLS": 7}, seed=0)
    assert inputs[0].shape == (3, 7)
    assert problem.module.ROWS == 4096


def test_same_seed_same_inputs_and_parameters():
    problem = load_problem(PROBLEMS / "level1" / "05_layer_norm.py")
    init_a, in_a = problem.instantiate(problem.test_cases[0], seed=5)
    init_b, in_b = problem.instantiate(problem.test_cases[0], seed=5)
    assert (in_a[0] == in_b[0]).all()
    weight_a = problem.build_model(init_a, 5).norm.weight
    weight_b = problem.build_model(init_b, 5).norm.weight
    assert (weight_a == weight_b).all() and weight_a.std() > 0


def test_missing_get_inputs_is_a_clear_error(tmp_path):
    path = tmp_path / "broken.py"
    path.write_text("import torch\nclass Model(torch.nn.Module):\n    pass\ndef get_init_inputs():\n    return []\n")
    with pytest.raises(ProblemError, match="defines no `get_inputs`"):
        load_problem(path)


def test_syntax_error_is_a_clear_error(tmp_path):
    path = tmp_path / "broken.py"
    path.write_text("class Model(:\n")
    with pytest.raises(ProblemError, match="broken.py:1: syntax error"):
        load_problem(path)


def test_unknown_override_is_a_clear_error(tmp_path):
    path = tmp_path / "p.py"
    path.write_text(KERNELBENCH_RELU + "\nTEST_CASES = [{'BATCH': 2}]\n")
    with pytest.raises(ProblemError, match="not module-level constants"):
        load_problem(path)


def test_discover_skips_solutions():
    paths = discover(PROBLEMS / "level1")
    assert paths and not any(p.stem.endswith("_solution") for p in paths)


def test_overrides_scale_a_kernelbench_file_down_and_skip_unknown_names(tmp_path):
    """A GPU-sized KernelBench file (lowercase constants) shrinks for a CPU smoke run; a suite-wide override
    that this file does not define is ignored."""
    path = tmp_path / "19_ReLU.py"
    path.write_text(KERNELBENCH_RELU)
    problem = load_problem(path, overrides={"batch_size": 2, "dim": 5, "SEQ_LEN": 3})
    assert problem.test_cases == [{"batch_size": 2, "dim": 5}]
    _, inputs = problem.instantiate(problem.test_cases[0], seed=0)
    assert inputs[0].shape == (2, 5)


RACY_DRAWS = textwrap.dedent('''
    import time

    import torch
    import torch.nn as nn

    N = 8

    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = nn.ModuleList()
            for _ in range(8):
                time.sleep(0)  # hand the GIL over between draws, so that an unlocked caller would interleave
                self.layers.append(nn.Linear(N, N))

        def forward(self, x):
            return self.layers[0](x)

    def _draw():
        parts = []
        for _ in range(8):
            time.sleep(0)
            parts.append(torch.randn(N))
        return torch.stack(parts)

    def get_inputs():
        return [_draw()]

    def get_init_inputs():
        return []

    TEST_CASES = [{"N": 8}]
''')


def test_instantiate_and_build_model_are_thread_safe(tmp_path):
    """Threads seeding and drawing at once get exactly what each seed gives alone (one lock across overrides,
    seeding and draws; reentrant, since the constant overrides take the same lock)."""
    import threading

    import torch

    path = tmp_path / "racy.py"
    path.write_text(RACY_DRAWS)
    problem = load_problem(path)
    case = problem.test_cases[0]

    def draw(seed):
        init_inputs, inputs = problem.instantiate(case, seed)
        model = problem.build_model(init_inputs, seed)
        return inputs[0], [p.detach().clone() for p in model.parameters()]

    seeds = list(range(1, 25))
    expected = {seed: draw(seed) for seed in seeds}
    got, errors = {}, []

    def worker(chunk):
        try:
            for seed in chunk:
                got[seed] = draw(seed)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(seeds[i::6],)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors and not any(t.is_alive() for t in threads)
    for seed in seeds:
        inputs, params = got[seed]
        assert torch.equal(inputs, expected[seed][0]), seed
        assert all(torch.equal(a, b) for a, b in zip(params, expected[seed][1])), seed


def test_timing_tolerances_default_to_the_test_tolerances():
    plain = load_problem(PROBLEMS / "level1" / "03_softmax.py")
    assert plain.timing_tolerances == (plain.atol, plain.rtol)
    matmul = load_problem(PROBLEMS / "level1" / "04_matmul.py")
    assert matmul.timing_tolerances[0] > matmul.atol and matmul.timing_tolerances[1] == matmul.rtol


def test_a_test_case_cannot_override_the_timing_tolerance(tmp_path):
    path = PROBLEMS / "level1" / "04_matmul.py"
    copy = tmp_path / path.name
    copy.write_text(path.read_text().replace("TEST_CASES = [", 'TEST_CASES = [{"TIMING_ATOL": 1.0}] or [', 1))
    with pytest.raises(ProblemError, match="not module-level constants"):
        load_problem(copy)
