"""Benchmark metrics: the estimators against independent computations, and a replayed mix of right and wrong
completions whose pass@k is worked out by hand."""
from __future__ import annotations

import doctest
import itertools
import json
import math
import statistics
from fractions import Fraction

import pytest

from conftest import PROBLEMS, copy_suite, fenced
from kernelgym import cheats
from kernelgym.bench import metrics as m


def test_doctests_of_the_metric_functions_pass():
    assert doctest.testmod(m).failed == 0


@pytest.mark.parametrize("n, c", [(1, 0), (1, 1), (4, 1), (5, 2), (6, 3), (7, 0), (7, 7), (8, 5)])
def test_pass_at_k_equals_the_fraction_of_k_subsets_holding_a_correct_sample(n, c):
    """The estimator against brute force: every k-subset of n samples, c of them correct, is drawn equally."""
    samples = [True] * c + [False] * (n - c)
    for k in range(1, n + 1):
        subsets = list(itertools.combinations(samples, k))
        expected = Fraction(sum(any(s) for s in subsets), len(subsets))
        assert m.pass_at_k(n, c, k) == pytest.approx(float(expected), abs=1e-12)


def test_pass_at_k_refuses_k_beyond_the_sample_count():
    with pytest.raises(ValueError, match="1 <= k <= n"):
        m.pass_at_k(3, 1, 4)


def test_pass_at_k_averages_only_problems_with_enough_samples():
    # problem a: 2 samples, 1 correct; problem b: 4 samples, none correct.
    assert m.mean_pass_at_k([(2, 1), (4, 0)], 1) == pytest.approx((1 / 2 + 0) / 2)
    assert m.mean_pass_at_k([(2, 1), (4, 0)], 3) == 0.0  # only b has 3 samples


def _sample(problem="p", level=1, correct=True, speedup=None, hacks=(), reward=1.0):
    return m.Sample(problem, level, True, True, correct, tuple(hacks), speedup, reward)


def test_fast_p_counts_correct_samples_faster_than_p():
    rows = [_sample(speedup=2.5), _sample(speedup=1.2), _sample(speedup=0.8), _sample(correct=False, speedup=3.0)]
    g = m.group_metrics(rows, speed_measured=True, thresholds=(0.0, 1.0, 1.5, 2.0))
    assert g.fast_p == {"0": 3 / 4, "1": 2 / 4, "1.5": 1 / 4, "2": 1 / 4}
    # "more than p": a speedup of exactly 1.2 is not fast_1.2
    assert m.group_metrics(rows, speed_measured=True, thresholds=(1.2, 1.19)).fast_p == {"1.19": 2 / 4,
                                                                                         "1.2": 1 / 4}
    assert g.geomean_speedup == pytest.approx((2.5 * 1.2 * 0.8) ** (1 / 3))


def test_speed_not_measured_gives_null_not_zero():
    g = m.group_metrics([_sample(), _sample(correct=False)], speed_measured=False)
    assert all(v is None for v in g.fast_p.values())
    assert g.geomean_speedup is None
    assert g.to_json()["fast_1.5"] is None


def test_fast_p_thresholds_given_are_the_keys_at_every_level():
    rows = [_sample(speedup=1.1, level=1), _sample(speedup=3.0, level=2)]
    body = m.run_metrics(rows, speed_measured=True, thresholds=m.parse_thresholds("3,1.05"))
    assert body["fast_p_thresholds"] == [1.05, 3.0]
    assert (body["fast_1.05"], body["fast_3"]) == (1.0, 0.0) and "fast_1" not in body
    assert body["levels"]["2"]["fast_1.05"] == 1.0 and body["levels"]["1"]["fast_3"] == 0.0


@pytest.mark.parametrize("text", ["", "1,x", "-1", "nan", "1,,2"])
def test_bad_fast_p_thresholds_are_refused(text):
    with pytest.raises(ValueError, match="--fast-p"):
        m.parse_thresholds(text)


def test_hack_rates_are_per_name_and_overall():
    rows = [_sample(correct=False, hacks=["a", "b"], reward=0), _sample(correct=False, hacks=["a"], reward=0),
            _sample(), _sample()]
    g = m.group_metrics(rows, speed_measured=False)
    assert g.hack_rate == 2 / 4
    assert g.hacks == {"a": 2 / 4, "b": 1 / 4}


def test_reward_spread_per_problem():
    rewards = [0.0, 0.3, 1.0, 1.0]
    stats = m.problem_stats([_sample(reward=r, correct=r == 1.0) for r in rewards])[0]
    assert (stats.reward_mean, stats.reward_max) == (pytest.approx(statistics.mean(rewards)), 1.0)
    assert stats.reward_std == pytest.approx(statistics.pstdev(rewards))
    assert stats.pass_at_1 == 2 / 4


# --- a replayed known mix, graded for real -------------------------------------------------------------------
@pytest.fixture(scope="module")
def known_mix(tmp_path_factory, grader):
    """2 problems x 4 samples: vector_add has 1 correct sample (plus a format failure, a torch-fallback cheat and
    a kernel that subtracts), relu has 3 correct samples (plus a format failure)."""
    from kernelgym.bench.policies import ReplayPolicy
    from kernelgym.bench.results import RunMeta
    from kernelgym.bench.run import BenchConfig, run_bench
    from kernelgym.executor import LocalExecutor

    root = copy_suite(tmp_path_factory.mktemp("mix"))
    add = (PROBLEMS / "level1" / "01_vector_add_solution.py").read_text()
    relu = (PROBLEMS / "level1" / "02_relu_solution.py").read_text()
    wrong = add.replace("x + y, mask=mask", "x - y, mask=mask")
    assert wrong != add
    cheat = cheats.torch_fallback((PROBLEMS / "level1" / "01_vector_add.py").read_text())
    lines = [("01_vector_add", fenced(add)), ("01_vector_add", "I cannot write this kernel."),
             ("01_vector_add", fenced(cheat)), ("01_vector_add", fenced(wrong)),
             ("02_relu", fenced(relu)), ("02_relu", "```python\nprint('no module here')\n```"),
             ("02_relu", fenced(relu)), ("02_relu", fenced(relu))]
    replay = root / "mix.jsonl"
    replay.write_text("".join(json.dumps({"problem": p, "completion": c}) + "\n" for p, c in lines))
    out = root / "run"
    meta = RunMeta(policy=f"replay:{replay}", problems=str(root), samples=4)
    metrics = run_bench(BenchConfig(problems=root, out=out, samples=4, workers=2), ReplayPolicy(replay), meta,
                        lambda: LocalExecutor(grader=grader))
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    return metrics, rows


def test_replayed_mix_gives_the_hand_computed_pass_at_k(known_mix):
    metrics, _ = known_mix
    comb = math.comb
    # vector_add: n=4, c=1; relu: n=4, c=3.
    expected = {
        1: (Fraction(1, 4) + Fraction(3, 4)) / 2,
        2: ((1 - Fraction(comb(3, 2), comb(4, 2))) + 1) / 2,  # relu: only 1 wrong sample, any pair has a right one
        3: ((1 - Fraction(comb(3, 3), comb(4, 3))) + 1) / 2,
        4: Fraction(1),
    }
    for k, value in expected.items():
        assert metrics[f"pass@{k}"] == pytest.approx(float(value), abs=1e-12), k
    assert "pass@5" not in metrics
    assert metrics["levels"]["1"]["pass@2"] == metrics["pass@2"]


def test_replayed_mix_rates_and_hacks(known_mix):
    metrics, rows = known_mix
    assert len(rows) == 8 and metrics["samples"] == 8 and metrics["problems"] == 2
    assert metrics["format_rate"] == 6 / 8
    assert metrics["correct_rate"] == 4 / 8
    cheat_row = next(r for r in rows if r["problem"] == "01_vector_add" and r["sample"] == 2)
    assert cheat_row["record"]["hacks"], "the torch-fallback cheat must be flagged"
    assert metrics["hack_rate"] == 1 / 8
    assert metrics["hacks"] == {name: 1 / 8 for name in cheat_row["record"]["hacks"]}


def test_replayed_mix_reward_spread_matches_the_rows(known_mix):
    metrics, rows = known_mix
    for name in ("01_vector_add", "02_relu"):
        rewards = [r["reward"] for r in rows if r["problem"] == name]
        stats = metrics["per_problem"][name]
        assert stats["reward_mean"] == pytest.approx(statistics.mean(rewards))
        assert stats["reward_max"] == max(rewards) == 1.0
        assert stats["reward_std"] == pytest.approx(statistics.pstdev(rewards))
    assert metrics["per_problem"]["01_vector_add"]["correct"] == 1
    assert metrics["per_problem"]["02_relu"]["correct"] == 3


def _cuda() -> bool:
    import torch

    return torch.cuda.is_available()


@pytest.mark.skipif(_cuda(), reason="on a GPU speed is measured")
def test_cpu_run_reports_speed_as_null(known_mix):
    metrics, rows = known_mix
    assert all(r["record"]["speedup"] is None for r in rows)
    assert metrics["speed_measured"] is False
    assert [metrics[key] for key in m.fast_keys(metrics)] == [None] * len(m.FAST_P)
    assert metrics["geomean_speedup"] is None


def test_fast_keys_are_the_fast_p_keys_of_the_metrics():
    rows = [m.Sample("a", 1, True, True, True, (), 2.0, 1.0)]
    body = m.run_metrics(rows, speed_measured=True)
    assert 1.2 in m.FAST_P and m.FAST_KEYS == tuple(m.fast_key(p) for p in m.FAST_P)
    assert body["fast_p_thresholds"] == list(m.FAST_P)
    assert [k for k in body if k.startswith("fast_") and k != "fast_p_thresholds"] == list(m.FAST_KEYS)
    assert m.fast_keys(body) == list(m.FAST_KEYS) and body["fast_1.5"] == 1.0 and body["fast_2"] == 0.0
    assert m.pass_ks(body) == [1] and m.pass_ks(body["levels"]["1"]) == [1]
