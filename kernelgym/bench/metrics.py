"""Benchmark metrics: pure functions from graded samples to the numbers in ``metrics.json``.

Definitions (each is a function below with a doctest):

- **format / compile / correct rate**: the fraction of samples whose grading record has ``format_ok``,
  ``compiled`` or ``correct`` set.
- **pass@k**: the unbiased estimator of Chen et al. (2021), ``1 - C(n-c, k) / C(n, k)`` for a problem with ``n``
  samples of which ``c`` are correct, averaged over the problems that have at least ``k`` samples.
- **fast_p**: the fraction of samples that are correct *and* faster than the eager reference by more than ``p``
  (KernelBench's fast_p, averaged over samples), for each threshold ``p`` (:data:`FAST_P` unless the caller
  gives others, e.g. ``kernelgym bench --fast-p 0,1,2``). ``fast_0`` is the correct rate where speed was measured.
  None (JSON null) where speed was not measured, as on CPU: a zero would claim the kernels were slow.
- **geomean speedup**: the geometric mean of the speedups of the correct samples; None where none was measured.
- **hack rate**: the fraction of samples with any hack flag, and the fraction per hack name.
- **reward spread**: per problem, the mean, max and (population) standard deviation of the reward over its
  samples. A problem whose samples all get the same reward gives a group-relative RL method (GRPO) no signal.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from typing import Iterable, Sequence

FAST_P = (0.0, 1.0, 1.2, 1.5, 2.0)
# The default fast_p keys of metrics.json, in order: "fast_0", "fast_1", "fast_1.2", "fast_1.5", "fast_2".
FAST_KEYS = tuple(f"fast_{p:g}" for p in FAST_P)
# The metrics.json key that lists the thresholds a run's fast_p keys were computed for.
THRESHOLDS_KEY = "fast_p_thresholds"


def fast_key(p: float) -> str:
    """The ``metrics.json`` key of one fast_p threshold.

    >>> fast_key(1.0), fast_key(1.25)
    ('fast_1', 'fast_1.25')
    """
    return f"fast_{p:g}"


def parse_thresholds(text: str) -> tuple[float, ...]:
    """The thresholds of a ``--fast-p`` option: comma-separated non-negative numbers, returned sorted and unique.

    >>> parse_thresholds("2, 1.2,0,1,1.5,1")
    (0.0, 1.0, 1.2, 1.5, 2.0)

    Raises:
        ValueError: A value is not a finite non-negative number, or there is none.
    """
    values = []
    for part in text.split(","):
        part = part.strip()
        try:
            value = float(part)
        except ValueError:
            raise ValueError(f"--fast-p: {part!r} is not a number (give thresholds like 0,1,1.2,1.5,2)") from None
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"--fast-p: {part!r} is not a speedup threshold (finite, 0 or more)")
        values.append(value)
    if not values:
        raise ValueError("--fast-p needs at least one threshold")
    return tuple(sorted(set(values)))


def fast_keys(metrics: dict) -> list[str]:
    """The fast_p keys of a ``metrics.json`` body, in threshold order (the default ones for a body written before
    thresholds were recorded).

    >>> fast_keys({"fast_p_thresholds": [0.0, 1.2]}), len(fast_keys({}))
    (['fast_0', 'fast_1.2'], 5)
    """
    return [fast_key(p) for p in metrics.get(THRESHOLDS_KEY, FAST_P)]


@dataclass(frozen=True)
class Sample:
    """What the metrics need from one graded sample (one row of ``results.jsonl``).

    Attributes:
        problem: Problem name (the problem file's stem).
        level: The problem's level (None outside a ``levelN`` folder).
        format_ok: The answer was well formed.
        compiled: Its kernels compiled for the GPU target.
        correct: Every test passed and no hack was flagged.
        hacks: Hack flag names.
        speedup: Reference time / candidate time; None where not measured.
        reward: The total reward.
    """

    problem: str
    level: int | None
    format_ok: bool
    compiled: bool
    correct: bool
    hacks: tuple[str, ...]
    speedup: float | None
    reward: float


@dataclass
class ProblemStats:
    """Per-problem numbers: the variance study to run before training on a problem set.

    Attributes:
        problem: Problem name.
        level: Its level.
        samples: Samples graded.
        correct: Correct samples.
        reward_mean: Mean reward over the samples.
        reward_max: Largest reward.
        reward_std: Population standard deviation of the reward (0 when every sample scored the same).
        pass_at_1: The unbiased pass@1 of this problem (``correct / samples``).
    """

    problem: str
    level: int | None
    samples: int
    correct: int
    reward_mean: float
    reward_max: float
    reward_std: float
    pass_at_1: float


@dataclass
class GroupMetrics:
    """The metrics of a group of samples (the whole run, or one level).

    Attributes:
        problems: Distinct problems in the group.
        samples: Samples in the group.
        format_rate: Fraction of samples well formed.
        compile_rate: Fraction that compiled.
        correct_rate: Fraction that were correct.
        pass_at: pass@k by k (1 .. the largest sample count of any problem).
        fast_p: fast_p by p (as a string key such as ``"1.5"``); values None where speed was not measured.
        geomean_speedup: Geometric mean of the correct samples' speedups, or None.
        hack_rate: Fraction of samples with any hack flag.
        hacks: Fraction of samples per hack name.
        reward_mean: Mean reward over samples.
        zero_variance_problems: Fraction of problems whose samples all got the same reward (GRPO learns nothing
            from them); None with fewer than 2 samples per problem.
    """

    problems: int
    samples: int
    format_rate: float
    compile_rate: float
    correct_rate: float
    pass_at: dict[int, float] = field(default_factory=dict)
    fast_p: dict[str, float | None] = field(default_factory=dict)
    geomean_speedup: float | None = None
    hack_rate: float = 0.0
    hacks: dict[str, float] = field(default_factory=dict)
    reward_mean: float = 0.0
    zero_variance_problems: float | None = None

    def to_json(self) -> dict:
        """The JSON form: ``pass@k`` and ``fast_p`` keys flattened (``"pass@1"``, ``"fast_1.5"``)."""
        data = asdict(self)
        pass_at, fast = data.pop("pass_at"), data.pop("fast_p")
        data.update({f"pass@{k}": v for k, v in pass_at.items()})
        data.update({f"fast_{p}": v for p, v in fast.items()})
        return data


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k for one problem: the chance that at least one of k samples drawn without replacement
    from n samples, c of them correct, is correct: ``1 - C(n-c, k) / C(n, k)``.

    >>> pass_at_k(4, 1, 1)
    0.25
    >>> pass_at_k(4, 1, 2)  # 1 - C(3,2)/C(4,2) = 1 - 3/6
    0.5
    >>> pass_at_k(4, 0, 4), pass_at_k(4, 3, 2)
    (0.0, 1.0)

    Raises:
        ValueError: ``k`` is not in ``1..n`` or ``c`` is not in ``0..n``.
    """
    if not 1 <= k <= n:
        raise ValueError(f"pass@{k} needs 1 <= k <= n samples (n = {n})")
    if not 0 <= c <= n:
        raise ValueError(f"correct count {c} is outside 0..{n}")
    if n - c < k:
        return 1.0
    return 1.0 - math.comb(n - c, k) / math.comb(n, k)


def mean_pass_at_k(counts: Iterable[tuple[int, int]], k: int) -> float | None:
    """pass@k averaged over problems given as ``(n, c)`` pairs; problems with fewer than k samples are left out.

    >>> mean_pass_at_k([(4, 1), (4, 4)], 2)
    0.75
    >>> mean_pass_at_k([(1, 1)], 2) is None
    True
    """
    values = [pass_at_k(n, c, k) for n, c in counts if n >= k]
    return sum(values) / len(values) if values else None


def fast_p(correct: Sequence[bool], speedups: Sequence[float | None], p: float,
           speed_measured: bool) -> float | None:
    """Fraction of samples that are correct with a speedup above ``p``; None where speed was not measured.

    >>> fast_p([True, True, False], [2.5, 0.9, None], 1.0, speed_measured=True)
    0.3333333333333333
    >>> fast_p([True, False], [None, None], 1.0, speed_measured=False) is None
    True
    """
    if not speed_measured or not correct:
        return None
    return sum(1 for ok, s in zip(correct, speedups) if ok and s is not None and s > p) / len(correct)


def geomean(values: Iterable[float]) -> float | None:
    """Geometric mean of positive numbers; None for none.

    >>> geomean([1.0, 4.0])
    2.0
    >>> geomean([]) is None
    True
    """
    logs = [math.log(v) for v in values if v > 0]
    return math.exp(sum(logs) / len(logs)) if logs else None


def spread(rewards: Sequence[float]) -> tuple[float, float, float]:
    """``(mean, max, population std)`` of a list of rewards.

    >>> spread([0.0, 1.0])
    (0.5, 1.0, 0.5)
    """
    mean = sum(rewards) / len(rewards)
    return mean, max(rewards), math.sqrt(sum((r - mean) ** 2 for r in rewards) / len(rewards))


def problem_stats(samples: Sequence[Sample]) -> list[ProblemStats]:
    """One :class:`ProblemStats` per problem, in order of first appearance."""
    by_problem: dict[str, list[Sample]] = defaultdict(list)
    for s in samples:
        by_problem[s.problem].append(s)
    stats = []
    for name, group in by_problem.items():
        mean, top, std = spread([s.reward for s in group])
        correct = sum(s.correct for s in group)
        stats.append(ProblemStats(problem=name, level=group[0].level, samples=len(group), correct=correct,
                                  reward_mean=mean, reward_max=top, reward_std=std,
                                  pass_at_1=correct / len(group)))
    return stats


def group_metrics(samples: Sequence[Sample], speed_measured: bool,
                  thresholds: Sequence[float] = FAST_P) -> GroupMetrics:
    """The metrics of one group of samples.

    Args:
        samples: The group's graded samples (at least one).
        speed_measured: Speed was measured for this run (a GPU grader); otherwise fast_p is None.
        thresholds: The fast_p thresholds.

    Raises:
        ValueError: ``samples`` is empty.
    """
    if not samples:
        raise ValueError("no samples to compute metrics from")
    total = len(samples)
    per_problem = problem_stats(samples)
    counts = [(p.samples, p.correct) for p in per_problem]
    correct = [s.correct for s in samples]
    speedups = [s.speedup for s in samples]
    hack_counts = Counter(h for s in samples for h in set(s.hacks))
    largest = max(n for n, _ in counts)
    pass_at = {k: mean_pass_at_k(counts, k) for k in range(1, largest + 1)}
    multi = [p for p in per_problem if p.samples >= 2]
    return GroupMetrics(
        problems=len(per_problem),
        samples=total,
        format_rate=sum(s.format_ok for s in samples) / total,
        compile_rate=sum(s.compiled for s in samples) / total,
        correct_rate=sum(correct) / total,
        pass_at={k: v for k, v in pass_at.items() if v is not None},
        fast_p={fast_key(p)[len("fast_"):]: fast_p(correct, speedups, p, speed_measured) for p in thresholds},
        geomean_speedup=geomean(s.speedup for s in samples if s.correct and s.speedup is not None),
        hack_rate=sum(1 for s in samples if s.hacks) / total,
        hacks={name: n / total for name, n in sorted(hack_counts.items())},
        reward_mean=sum(s.reward for s in samples) / total,
        zero_variance_problems=(sum(1 for p in multi if p.reward_std == 0.0) / len(multi)) if multi else None,
    )


def pass_ks(metrics: dict) -> list[int]:
    """The ks of the ``pass@k`` keys of a metrics dict (``metrics.json`` or one level of it), sorted.

    >>> pass_ks({"pass@1": 0.5, "pass@10": 0.9, "pass@2": 0.7, "samples": 3})
    [1, 2, 10]
    """
    return sorted(int(key[len("pass@"):]) for key in metrics if key.startswith("pass@"))


def run_metrics(samples: Sequence[Sample], speed_measured: bool, thresholds: Sequence[float] = FAST_P) -> dict:
    """The body of ``metrics.json``: the overall metrics at the top level (so ``metrics["pass@1"]`` is the mean
    pass@1 over problems), ``levels`` (the same keys per level), ``per_problem`` (the reward spread) and
    ``fast_p_thresholds`` (the thresholds of the ``fast_*`` keys).

    >>> rows = [Sample("a", 1, True, True, ok, (), None, float(ok)) for ok in (True, False)]
    >>> m = run_metrics(rows, speed_measured=False)
    >>> m["pass@1"], m["pass@2"], m["fast_1"], m["levels"]["1"]["correct_rate"]
    (0.5, 1.0, None, 0.5)
    >>> run_metrics(rows, speed_measured=True, thresholds=(0.0, 3.0))["fast_p_thresholds"]
    [0.0, 3.0]
    """
    thresholds = sorted(set(float(p) for p in thresholds))
    levels: dict[str, list[Sample]] = defaultdict(list)
    for s in samples:
        levels["none" if s.level is None else str(s.level)].append(s)
    return {
        **group_metrics(samples, speed_measured, thresholds).to_json(),
        "speed_measured": speed_measured,
        THRESHOLDS_KEY: thresholds,
        "levels": {name: group_metrics(group, speed_measured, thresholds).to_json()
                   for name, group in sorted(levels.items())},
        "per_problem": {p.problem: asdict(p) for p in problem_stats(samples)},
    }
