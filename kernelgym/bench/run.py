"""The benchmark loop: completions from a policy, graded in parallel, one row per sample, resumable.

``run_bench`` selects the problems, asks the policy for the samples that ``results.jsonl`` does not hold yet
(a fresh run: all of them), grades each completion on the executor as soon as its batch is generated, appends
one row per graded sample, and at the end writes ``metrics.json`` and the report. A killed run continues with
``resume=True`` and never grades a finished sample again.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from collections import defaultdict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Protocol, Sequence

from .policies import Policy, prompt_for
from ..field_checks import choice, flag, integer, is_integer, require
from ..grader import reward_of
from ..problem import Problem, ProblemError, discover, load_problem
from .results import (RESULTS_FILE, RUN_FILE, ResultsLog, RunError, RunMeta, SampleRow, compute_metrics,
                      load_meta, rows_in_run, write_meta, write_metrics)

log = logging.getLogger(__name__)  # problems skipped; the command line shows these as "warning: ..."
SPLITS = ("train", "validation", "test")
EXECUTORS = ("local", "ray")


@dataclass
class Selection:
    """Which problems a run covers.

    Attributes:
        levels: Keep problems of these levels (empty: all).
        tags: Keep problems with at least one of these tags (empty: all).
        split: Keep problems of this split (``train``, ``validation``, ``test``; None: all).
        limit: Keep at most this many problems, after the other filters (None: all).
        names: Keep only problems of these names (None: all), e.g. the ones a replay file has completions for.
    """

    levels: list[int] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    split: str | None = None
    limit: int | None = None
    names: frozenset[str] | None = None

    def __post_init__(self):
        """Refuse a bad filter at once, naming it."""
        require(self, "levels", isinstance(self.levels, list) and all(is_integer(v) for v in self.levels),
                "a list of integers")
        require(self, "tags", isinstance(self.tags, list) and all(isinstance(v, str) for v in self.tags),
                "a list of strings")
        if self.split is not None:
            choice(self, "split", SPLITS)
        integer(self, "limit", minimum=1, optional=True)
        require(self, "names", self.names is None or (isinstance(self.names, frozenset)
                                                      and all(isinstance(v, str) for v in self.names)),
                "None or a frozenset of problem names")


def select_problems(root: Path, selection: Selection) -> list[Problem]:
    """Load the problems under ``root`` that pass the filters, sorted by path.

    Raises:
        RunError: ``root`` is missing, or no problem passes the filters. A malformed problem file is skipped with
            a warning on stderr.
    """
    try:
        paths = discover(root)
    except ProblemError as exc:
        raise RunError(str(exc)) from None
    problems = []
    for path in paths:
        try:
            problems.append(load_problem(path))
        except ProblemError as exc:  # one bad file never ends a run over many
            log.warning("skipped %s", exc)
    kept = [p for p in problems
            if (not selection.levels or p.level in selection.levels)
            and (not selection.tags or set(p.tags) & set(selection.tags))
            and (selection.split is None or p.split == selection.split)
            and (selection.names is None or p.name in selection.names)]
    kept = kept[:selection.limit] if selection.limit is not None else kept
    if not kept:
        raise RunError(f"no problems under {root} pass the filters (levels={selection.levels or 'any'}, "
                       f"tags={selection.tags or 'any'}, split={selection.split or 'any'})")
    names = [p.name for p in kept]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise RunError(f"problem names must be unique within a run (rows are keyed by name): {duplicates}")
    return kept


def missing_samples(problems: Sequence[Problem], samples: int, done: set[tuple[str, int]]) -> dict[str, list[int]]:
    """Per problem name, the sample indices not graded yet.

    >>> from types import SimpleNamespace as P
    >>> missing_samples([P(name="a"), P(name="b")], 3, {("a", 0), ("a", 2)})
    {'a': [1], 'b': [0, 1, 2]}
    """
    return {p.name: [i for i in range(samples) if (p.name, i) not in done] for p in problems}


def batches(problems: Sequence[Problem], missing: dict[str, list[int]],
            size: int) -> list[tuple[list[Problem], list[int]]]:
    """Generation batches: problems that miss the same sample indices, ``size`` problems at a time.

    >>> from types import SimpleNamespace as P
    >>> ps = [P(name=n) for n in "abc"]
    >>> [([p.name for p in b], s) for b, s in batches(ps, {"a": [0, 1], "b": [1], "c": [0, 1]}, 8)]
    [(['a', 'c'], [0, 1]), (['b'], [1])]
    """
    groups: dict[tuple[int, ...], list[Problem]] = defaultdict(list)
    for p in problems:
        if missing[p.name]:
            groups[tuple(missing[p.name])].append(p)
    return [(group[i:i + size], list(indices)) for indices, group in groups.items()
            for i in range(0, len(group), size)]


@dataclass
class BenchConfig:
    """One ``kernelgym bench`` invocation.

    Attributes:
        problems: The problems folder (or one file).
        out: The run folder.
        samples: Samples per problem.
        selection: Problem filters.
        resume: Continue the run in ``out`` instead of refusing a folder that holds results.
        batch: Problems per generation batch (each batch is graded while the next one is generated).
        workers: Gradings in flight at once.
        executor: ``local`` or ``ray``.
        name: A label for reports (default: the run folder's name).
    """

    problems: Path
    out: Path
    samples: int = 1
    selection: Selection = field(default_factory=Selection)
    resume: bool = False
    batch: int = 8
    workers: int = 2
    executor: str = "local"
    name: str = ""

    def __post_init__(self):
        """Refuse a bad field at once, naming it, rather than in the middle of a run."""
        for name in ("problems", "out"):
            require(self, name, isinstance(getattr(self, name), (str, os.PathLike)) and str(getattr(self, name)),
                    "a path")
        for name in ("samples", "batch", "workers"):
            integer(self, name, minimum=1)
        require(self, "selection", isinstance(self.selection, Selection), "a kernelgym.bench.run.Selection")
        flag(self, "resume")
        choice(self, "executor", EXECUTORS)
        require(self, "name", isinstance(self.name, str), "a string (empty: the run folder's name)")


# The run.json fields a resumed run must repeat exactly.
RESUME_FIELDS = ("policy", "problems", "filters", "grader", "sampling", "device")


def prepare_run(config: BenchConfig, meta: RunMeta) -> ResultsLog:
    """Create the run folder, or check that a resumed one matches; return its results log.

    A resumed run may ask for a different number of samples (its metrics count samples ``0 .. samples-1``),
    but not for other problems, filters, grader settings, sampling or device: its old rows would be mixed with
    rows graded differently.

    Raises:
        RunError: The folder holds results and ``resume`` is off, or the resumed run differs from ``run.json``
            in one of :data:`RESUME_FIELDS` (the message names it).
    """
    config.out.mkdir(parents=True, exist_ok=True)
    has_results = (config.out / RESULTS_FILE).is_file() and (config.out / RESULTS_FILE).stat().st_size > 0
    if has_results and not config.resume:
        raise RunError(f"{config.out} already holds results: pass --resume to continue that run, or choose "
                       f"another --out")
    if config.resume and (config.out / RUN_FILE).is_file():
        before = load_meta(config.out)
        for name in RESUME_FIELDS:
            if getattr(before, name) != getattr(meta, name):
                raise RunError(f"cannot resume {config.out}: it was run with {name} {getattr(before, name)!r}, "
                               f"not {getattr(meta, name)!r}")
    write_meta(config.out, meta)
    return ResultsLog(config.out / RESULTS_FILE, repair=True)


class RunProgress(Protocol):
    """What a run tells about its progress (the command line draws it as a bar on stderr).

    ``advance`` is called from the grading threads.
    """

    def start(self, total: int, done: int) -> None:
        """``total`` samples to grade in this run; ``done`` were graded before it (a resumed run)."""

    def describe(self, text: str) -> None:
        """What the run does now (``generating 8``, ``grading``)."""

    def advance(self, correct: bool) -> None:
        """One more sample graded (or given up on: a problem whose reference raised)."""

    def stop(self) -> None:
        """The run ended (also after an error)."""


class Silent:
    """A :class:`RunProgress` that shows nothing: the default of :func:`run_bench`."""

    def start(self, total: int, done: int) -> None:
        pass

    def describe(self, text: str) -> None:
        pass

    def advance(self, correct: bool) -> None:
        pass

    def stop(self) -> None:
        pass


def run_bench(config: BenchConfig, policy: Policy, meta: RunMeta, executor_factory: Callable,
              progress: RunProgress | None = None) -> dict:
    """Run (or resume) a benchmark and write its metrics and report.

    Args:
        config: What to run.
        policy: Where completions come from.
        meta: The run's description (written to ``run.json``).
        executor_factory: Builds the grading executor (called once; closed at the end).
        progress: Told how far the run is (None: nothing is shown).

    Returns:
        The metrics (also written to ``metrics.json``).

    Raises:
        RunError: A bad run folder or problem set.
        kernelgym.bench.policies.PolicyError: The policy failed; finished samples stay in ``results.jsonl``,
            and the run can be resumed.
    """
    problems = select_problems(config.problems, config.selection)
    results = prepare_run(config, meta)
    missing = missing_samples(problems, config.samples, results.keys())
    todo = sum(len(v) for v in missing.values())
    executor = executor_factory()
    progress = progress or Silent()
    try:
        progress.start(todo, len(problems) * config.samples - todo)
        try:
            _generate_and_grade(problems, missing, config, policy, executor, results, progress)
        finally:
            progress.stop()
    finally:
        executor.close()
    return finish_run(config.out, meta, rows_in_run(meta, results.rows, {p.name for p in problems}))


def _generate_and_grade(problems, missing, config: BenchConfig, policy: Policy, executor, results: ResultsLog,
                        bar: RunProgress) -> None:
    """Generate batch by batch on this thread while a thread pool grades the previous batches.

    The next batch is generated once no more than ``workers`` gradings are left, so generation overlaps grading
    but never runs far ahead of it: a kill loses at most about one batch of generated completions.
    """
    failures: list[BaseException] = []
    pending = threading.Condition()
    queued = [0]

    unusable: set[str] = set()

    def grade(problem: Problem, sample: int, completion: str, generate_s: float) -> None:
        started = time.monotonic()
        try:
            result = executor.grade_many([(problem, completion)])[0]
        except ProblemError as exc:  # the problem's own reference raised: no row, and the run goes on
            with pending:
                first = problem.name not in unusable
                unusable.add(problem.name)
            if first:
                log.warning("%s not graded: %s", problem.name, exc)
            bar.advance(False)
            return
        row = SampleRow(problem=problem.name, key=problem.key, level=problem.level, sample=sample,
                        completion=completion, record=result.to_dict(), reward=reward_of(result),
                        timings={"generate_s": round(generate_s, 4), "grade_s": round(time.monotonic() - started, 4)})
        results.append(row)
        bar.advance(result.correct)

    def collect(future: Future) -> None:
        with pending:
            queued[0] -= 1
            if not future.cancelled() and future.exception() is not None:
                failures.append(future.exception())
            pending.notify_all()

    pool = ThreadPoolExecutor(max(1, config.workers), thread_name_prefix="kernelgym-bench")
    interrupted = False
    try:
        for group, indices in batches(problems, missing, config.batch):
            with pending:
                pending.wait_for(lambda: queued[0] <= config.workers or failures)
            if failures:
                break
            bar.describe(f"generating {len(group) * len(indices)}")
            started = time.monotonic()
            completions = policy.generate([prompt_for(p) for p in group], indices)
            each = (time.monotonic() - started) / max(1, len(group) * len(indices))
            _check_shape(policy, group, indices, completions)
            bar.describe("grading")
            for problem, texts in zip(group, completions):
                for sample, text in zip(indices, texts):
                    with pending:
                        queued[0] += 1
                    pool.submit(grade, problem, sample, text, each).add_done_callback(collect)
    except KeyboardInterrupt:
        interrupted = True
        raise
    finally:
        # Completions already generated are graded and saved even when the policy fails on a later batch
        # (they may have cost money); after Ctrl-C only the gradings already running are waited for.
        pool.shutdown(wait=True, cancel_futures=interrupted)
    if failures:
        raise failures[0]


def _check_shape(policy: Policy, group, indices, completions) -> None:
    if len(completions) != len(group) or any(len(c) != len(indices) for c in completions):
        raise RuntimeError(f"policy {policy.spec} returned {[len(c) for c in completions]} completions for "
                           f"{len(group)} prompts x {len(indices)} samples")


def finish_run(run_dir: Path, meta: RunMeta, rows: list[SampleRow]) -> dict:
    """Write ``metrics.json``, ``report.md`` and ``report.html`` for a run; return the metrics."""
    from .report import write_single

    metrics = compute_metrics(meta, rows)
    write_metrics(run_dir, metrics)
    write_single(run_dir, meta, rows, metrics)
    return metrics
