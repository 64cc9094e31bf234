"""The files of a benchmark run: ``run.json`` (what was run), ``results.jsonl`` (one row per graded sample) and
``metrics.json`` (what the rows add up to).

``results.jsonl`` is written append-only, one flushed line per graded sample, so a killed run loses at most the
samples in flight. A kill can leave a truncated last line; :class:`ResultsLog` drops it (and cuts it off the
file) when the run is resumed. A malformed line anywhere else means the file was damaged, and is an error.
"""
from __future__ import annotations

import json
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Sequence

from .metrics import FAST_P, Sample, run_metrics

RUN_FILE = "run.json"
RESULTS_FILE = "results.jsonl"
METRICS_FILE = "metrics.json"


class RunError(ValueError):
    """A run folder is missing, damaged, or does not match what was asked; the message says what to do."""


@dataclass
class RunMeta:
    """What a run was: written to ``run.json`` when it starts, checked when it resumes.

    Attributes:
        policy: The policy spec, e.g. ``openai:Qwen/Qwen3-8B``.
        problems: The problems folder.
        samples: Samples per problem.
        filters: The level, tag and split filters and the problem limit.
        sampling: Sampling parameters of model policies.
        executor: ``local`` or ``ray``.
        device: The grader's device (``cpu``: speed not measured).
        grader: Grader settings (seeds, timeout, target).
        name: A short label for reports (default: the run folder's name).
        kernelgym_version: The version that graded.
        fast_p: The fast_p thresholds of its metrics (``--fast-p``).
    """

    policy: str
    problems: str
    samples: int
    filters: dict[str, Any] = field(default_factory=dict)
    sampling: dict[str, Any] = field(default_factory=dict)
    executor: str = "local"
    device: str = "cpu"
    grader: dict[str, Any] = field(default_factory=dict)
    name: str = ""
    kernelgym_version: str = ""
    fast_p: list[float] = field(default_factory=lambda: list(FAST_P))

    @classmethod
    def from_json(cls, data: dict) -> "RunMeta":
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


@dataclass
class SampleRow:
    """One graded sample: one line of ``results.jsonl``.

    Attributes:
        problem: Problem name (the problem file's stem).
        key: The problem's stable key, e.g. ``level1/03_softmax``.
        level: Its level, or None.
        sample: Sample index, 0 .. samples-1.
        completion: The policy's completion, as graded.
        record: The grading record, :meth:`kernelgym.result.KernelResult.to_dict`.
        reward: The total reward of the record.
        timings: Seconds: ``generate_s`` (this sample's share of its generation batch) and ``grade_s``.
    """

    problem: str
    key: str
    level: int | None
    sample: int
    completion: str
    record: dict[str, Any]
    reward: float
    timings: dict[str, float] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: dict) -> "SampleRow":
        """Raises KeyError or TypeError on a row that is not a sample row."""
        row = cls(**{k: data[k] for k in cls.__dataclass_fields__ if k != "timings"},
                  timings=data.get("timings") or {})
        if not isinstance(row.problem, str) or not isinstance(row.sample, int) or not isinstance(row.record, dict):
            raise TypeError("bad field types")
        return row

    def to_sample(self) -> Sample:
        """The fields the metrics need."""
        r = self.record
        return Sample(problem=self.problem, level=self.level, format_ok=bool(r.get("format_ok")),
                      compiled=bool(r.get("compiled")), correct=bool(r.get("correct")),
                      hacks=tuple(r.get("hacks") or ()), speedup=r.get("speedup"), reward=float(self.reward))


class ResultsLog:
    """``results.jsonl`` of one run: read what is there, append rows one flushed line at a time (thread-safe).

    Args:
        path: The file.
        repair: Cut a truncated last line off the file (a run killed mid-write) instead of only skipping it.

    Raises:
        RunError: A line other than the last is not a sample row.
    """

    def __init__(self, path: Path, repair: bool = False):
        self.path = path
        self.rows: list[SampleRow] = read_rows(path, repair=repair)
        self._lock = threading.Lock()

    def keys(self) -> set[tuple[str, int]]:
        """``(problem, sample)`` of every row present."""
        return {(row.problem, row.sample) for row in self.rows}

    def append(self, row: SampleRow) -> None:
        line = json.dumps(asdict(row), allow_nan=False, default=str) + "\n"
        with self._lock:
            with self.path.open("a") as out:
                out.write(line)
                out.flush()
            self.rows.append(row)


def read_rows(path: Path, repair: bool = False) -> list[SampleRow]:
    """The rows of a ``results.jsonl`` file (none if it does not exist), the first row kept for a duplicate key.

    Every row is written with its newline in one call, so bytes after the last newline are a write cut short by
    a kill: they are skipped, and with ``repair`` cut off the file so that appending starts on a fresh line.

    Raises:
        RunError: A complete line is not a sample row (the file was damaged).
    """
    if not path.is_file():
        return []
    data = path.read_bytes()
    complete = data[:data.rfind(b"\n") + 1]
    rows, seen = [], set()
    for number, raw in enumerate(complete.splitlines(), 1):
        if not raw.strip():
            continue
        try:
            row = SampleRow.from_json(json.loads(raw))
        except (ValueError, KeyError, TypeError) as exc:
            raise RunError(f"{path}:{number}: not a sample row ({type(exc).__name__}: {exc}); the file was "
                           f"damaged: remove that line and resume") from None
        if (row.problem, row.sample) not in seen:
            seen.add((row.problem, row.sample))
            rows.append(row)
    if repair and len(complete) < len(data):
        with path.open("r+b") as f:
            f.truncate(len(complete))
    return rows


def kernelgym_version() -> str:
    """The installed KernelGym version ("unknown" when running from an uninstalled checkout)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("kernelgym")
    except PackageNotFoundError:
        return "unknown"


def load_meta(run_dir: Path) -> RunMeta:
    """The ``run.json`` of a run folder.

    Raises:
        RunError: The folder or its ``run.json`` is missing or unreadable.
    """
    if not run_dir.is_dir():
        raise RunError(f"{run_dir}: no such run folder (make one with `kernelgym bench --out {run_dir}`)")
    path = run_dir / RUN_FILE
    try:
        return RunMeta.from_json(json.loads(path.read_text()))
    except FileNotFoundError:
        raise RunError(f"{run_dir} is not a bench run: it has no {RUN_FILE}") from None
    except (ValueError, TypeError) as exc:
        raise RunError(f"{path}: unreadable ({exc})") from None


def write_meta(run_dir: Path, meta: RunMeta) -> None:
    (run_dir / RUN_FILE).write_text(json.dumps(asdict(meta), indent=2) + "\n")


def rows_in_run(meta: RunMeta, rows: list[SampleRow], problems: set[str] | None = None) -> list[SampleRow]:
    """The rows that belong to the run ``meta`` describes: samples ``0 .. meta.samples-1`` (a run resumed with
    fewer samples keeps its extra rows in ``results.jsonl`` but does not count them), of ``problems`` if given.

    >>> from types import SimpleNamespace as R
    >>> [(r.problem, r.sample) for r in rows_in_run(R(samples=1), [R(problem="a", sample=0), R(problem="a", sample=1),
    ...                                                            R(problem="b", sample=0)], {"a"})]
    [('a', 0)]
    """
    return [row for row in rows if row.sample < meta.samples and (problems is None or row.problem in problems)]


def speed_measured(meta: RunMeta, rows: list[SampleRow]) -> bool:
    """Speed counts as measured when the grader ran on a GPU or any record carries a speedup."""
    return meta.device == "cuda" or any(row.record.get("speedup") is not None for row in rows)


def compute_metrics(meta: RunMeta, rows: list[SampleRow], fast_p: Sequence[float] | None = None) -> dict:
    """The body of ``metrics.json``: :func:`kernelgym.bench.metrics.run_metrics` plus the run's description.

    Args:
        meta: The run.
        rows: Its graded samples.
        fast_p: The fast_p thresholds (default: the run's, ``meta.fast_p``).

    Raises:
        RunError: There are no rows.
    """
    if not rows:
        raise RunError("the run has no graded samples yet")
    thresholds = meta.fast_p if fast_p is None else fast_p
    body = run_metrics([row.to_sample() for row in rows], speed_measured(meta, rows), thresholds)
    return {"run": asdict(meta), **body}


def write_metrics(run_dir: Path, metrics: dict) -> Path:
    path = run_dir / METRICS_FILE
    path.write_text(json.dumps(metrics, indent=2, allow_nan=False) + "\n")
    return path
