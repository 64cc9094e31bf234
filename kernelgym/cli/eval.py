"""``kernelgym eval``: grade one answer to one problem and print the record (a summary, or one JSON object)."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from .options import grader_config, grader_options
from .output import error


def add_parsers(commands) -> None:
    """Add ``eval`` to the main parser's subcommands."""
    parser = commands.add_parser("eval", help="grade one answer to one problem")
    parser.add_argument("problem", type=Path, help="a KernelBench-format problem file")
    parser.add_argument("candidate", type=Path, help="a raw completion, or plain Python source defining ModelNew")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a summary")
    grader_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Grade and print; 0 whatever the verdict, 2 for unusable input (nothing on stdout then)."""
    from ..grader import Grader, reward_of
    from ..problem import ProblemError, load_problem

    try:
        problem = load_problem(args.problem)
    except ProblemError as exc:
        return error(exc)
    try:
        completion = args.candidate.read_text()
    except (OSError, UnicodeDecodeError) as exc:
        return error(f"cannot read {args.candidate}: {exc}")
    try:
        config = grader_config(args)
    except ValueError as exc:  # a grading option the grader's config refuses
        return error(exc)
    with Grader(config) as grader:
        try:
            result = grader.grade(problem, completion, allow_plain_source=True)
        except ProblemError as exc:
            return error(exc)
    reward = reward_of(result)
    print(json.dumps({**result.to_dict(), "reward": reward}) if args.json else summary(result, reward))
    return 0


def summary(result, reward: float) -> str:
    """A few human-readable lines about one grading (a :class:`kernelgym.result.KernelResult`).

    >>> from kernelgym.result import KernelResult
    >>> print(summary(KernelResult(problem="relu", format_ok=True, compiled=True, correct=True, tests_passed=3,
    ...                            tests_total=3, max_abs_error=0.0, launches=3), 1.0))
    relu: CORRECT   reward 1.000
      format ok | compiled yes | tests 3/3 | max abs error 0 | launches 3 | speedup not measured (no GPU)
      hacks: none | network isolated: no | 0.00 s
    """
    verdict = "CORRECT" if result.correct else ("HACK" if result.hacks else (result.failure or "FAILED").upper())
    err = f"{result.max_abs_error:.2g}" if result.max_abs_error is not None else "-"
    speed = f"{result.speedup:.2f}x" if result.speedup is not None else "not measured (no GPU)"
    lines = [
        f"{result.problem}: {verdict}   reward {reward:.3f}",
        f"  format {'ok' if result.format_ok else 'bad'} | compiled {'yes' if result.compiled else 'no'} | tests "
        f"{result.tests_passed}/{result.tests_total} | max abs error {err} | launches {result.launches} | "
        f"speedup {speed}",
        f"  hacks: {', '.join(result.hacks) or 'none'} | network isolated: {'yes' if result.network_isolated else 'no'}"
        f" | {result.timings.get('total_s', 0):.2f} s",
    ]
    if result.error:
        lines.append("  " + result.error.replace("\n", "\n  "))
    return "\n".join(lines)
