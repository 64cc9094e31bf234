"""``kernelgym eval``: grade one answer and print the record."""
from __future__ import annotations

import json
import sys

from .grader import Grader, reward_of
from .problem import ProblemError, load_problem
from .result import KernelResult


def run_eval(args) -> int:
    from .grading_options import grader_config

    try:
        problem = load_problem(args.problem)
    except ProblemError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        completion = args.candidate.read_text()
    except (OSError, UnicodeDecodeError) as exc:
        print(f"error: cannot read {args.candidate}: {exc}", file=sys.stderr)
        return 2
    with Grader(grader_config(args)) as grader:
        try:
            result = grader.grade(problem, completion, allow_plain_source=True)
        except ProblemError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    reward = reward_of(result)
    if args.json:
        print(json.dumps({**result.to_dict(), "reward": reward}))
    else:
        print(summary(result, reward))
    return 0


def summary(result: KernelResult, reward: float) -> str:
    """A few human-readable lines about one grading."""
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
