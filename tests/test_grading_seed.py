"""A grading seed makes a record reproducible; without one, every grading draws new secret inputs.

The answer is ReLU written as the identity: wrong on every negative input, so its largest error is the largest
magnitude among the negative inputs it was given, a number that changes with every draw of inputs.
"""
from __future__ import annotations

import json

import pytest

from conftest import PROBLEMS, fenced
from kernelgym.cli import main
from kernelgym.grader import Grader, GraderConfig
from kernelgym.problem import load_problem
from kernelgym.seeds import SeedSource

RELU = PROBLEMS / "level1" / "02_relu.py"
IDENTITY = fenced((PROBLEMS / "level1" / "02_relu_solution.py").read_text()
                  .replace("tl.maximum(x, 0.0)", "x"))


@pytest.fixture(scope="module")
def records():
    """Two gradings each with grading seed 7, then one with seed 8 and two with secret seeds."""
    assert "tl.maximum(x, 0.0)" in (PROBLEMS / "level1" / "02_relu_solution.py").read_text()
    problem = load_problem(RELU)
    graded = {}
    for label, seed in [("7a", 7), ("7b", 7), ("8", 8), ("secret_a", None), ("secret_b", None)]:
        with Grader(GraderConfig(seed=seed, timeout_s=60, check_compile=False, workers=1)) as grader:
            graded[label] = grader.grade(problem, IDENTITY)
    for result in graded.values():
        assert result.failure == "incorrect" and result.max_abs_error, (result.failure, result.error)
    return graded


def test_the_same_grading_seed_gives_the_same_record(records):
    a, b = records["7a"].to_dict(), records["7b"].to_dict()
    a.pop("timings"), b.pop("timings")
    assert a == b


def test_another_grading_seed_gives_other_inputs(records):
    assert records["8"].max_abs_error != records["7a"].max_abs_error


def test_without_a_grading_seed_every_grading_draws_new_inputs(records):
    assert records["secret_a"].max_abs_error != records["secret_b"].max_abs_error


def test_the_stream_depends_on_the_problem():
    assert [SeedSource(7, "02_relu", "x").seed() for _ in range(2)] == \
           [SeedSource(7, "02_relu", "x").seed() for _ in range(2)]
    assert SeedSource(7, "02_relu", "x").seed() != SeedSource(7, "03_softmax", "x").seed()
    assert SeedSource(7, "02_relu", "x").seed() != SeedSource(7, "02_relu", "edited").seed()


def test_bench_records_the_grading_seed_in_run_json(tmp_path):
    suite = tmp_path / "suite" / "level1"
    suite.mkdir(parents=True)
    for suffix in ("", "_solution"):
        (suite / f"02_relu{suffix}.py").write_text((PROBLEMS / "level1" / f"02_relu{suffix}.py").read_text())
    out = tmp_path / "run"
    code = main(["bench", "--policy", "reference", "--problems", str(suite.parent), "--out", str(out),
                 "--no-progress", "--grading-seed", "11", "--timeout", "60"])
    assert code == 0
    assert json.loads((out / "run.json").read_text())["grader"]["grading_seed"] == 11


def test_one_seed_per_case_is_reproducible_too():
    """With one seed per case the double-call run draws its first inputs from the stream as well."""
    problem = load_problem(RELU)
    records = []
    for _ in range(2):
        with Grader(GraderConfig(seed=5, seeds=1, timeout_s=60, check_compile=False, workers=1)) as grader:
            records.append(grader.grade(problem, IDENTITY).to_dict())
        records[-1].pop("timings")
    assert records[0] == records[1] and records[0]["max_abs_error"]


def test_a_grading_leaves_the_callers_random_state_alone():
    """A trainer grades between two generations: the grading's (secret) seeds must not reseed its sampling."""
    import torch

    problem = load_problem(RELU)
    torch.manual_seed(0)
    expected = torch.rand(4)
    torch.manual_seed(0)
    with Grader(GraderConfig(timeout_s=60, check_compile=False, workers=1)) as grader:
        grader.grade(problem, IDENTITY)
    assert torch.equal(torch.rand(4), expected)
