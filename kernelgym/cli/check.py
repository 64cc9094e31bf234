"""``kernelgym check``: validate a problem suite and print a table; the checks are :mod:`kernelgym.check`."""
from __future__ import annotations

import argparse
import ast
import os
import time
from pathlib import Path

from .options import grader_config, grader_options
from .output import console, error, with_status


def add_parsers(commands) -> None:
    """Add ``check`` to the main parser's subcommands."""
    parser = commands.add_parser("check", help="validate a suite: references pass, cheats are refused, no "
                                               "degenerate problems")
    parser.add_argument("root", nargs="?", type=Path, default=None,
                        help="a folder of problems, or one file (default: ./problems if there is one, else the "
                             "built-in suite)")
    parser.add_argument("--json", type=Path, help="also write the per-problem report to this JSON file")
    parser.add_argument("--workers", type=int, default=None, help="problems checked in parallel (default: cores)")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="NAME=VALUE",
                        help="override a module constant in every test case (e.g. --set BATCH=2 for a CPU smoke "
                             "run of a GPU-sized suite); repeatable")
    grader_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Check a suite and print a table; 1 when any problem failed, 2 for unusable input."""
    from ..check import check_problems, write_reports
    from ..grader import Grader
    from ..problem import ProblemError, discover

    if args.root is None:
        from ..registry import default_problems

        args.root = default_problems()
    try:
        paths = discover(args.root)
        overrides = parse_overrides(args.overrides)
        config = grader_config(args)
    except (ProblemError, ValueError) as exc:
        return error(exc)
    if not paths:
        return error(f"no problem files under {args.root}")
    started = time.monotonic()
    reports = []
    with Grader(config) as grader:
        checked = check_problems(paths, grader, overrides, workers=args.workers or os.cpu_count() or 1)
        for report in with_status(checked, f"checking {len(paths)} problems",
                                  lambda done, r: f"checked {done}/{len(paths)}: {r.problem} "
                                                  f"{'ok' if r.ok else 'FAILED'}"):
            reports.append(report)
            if args.json:
                write_reports(args.json, reports)  # after every problem: a killed run keeps what it checked
    print_table(reports, time.monotonic() - started)
    return 0 if all(r.ok for r in reports) else 1


def parse_overrides(items: list[str]) -> dict:
    """``--set NAME=VALUE`` options as the overrides of :func:`kernelgym.problem.load_problem`.

    >>> parse_overrides(["BATCH=2", "DTYPE='float16'"])
    {'BATCH': 2, 'DTYPE': 'float16'}

    Raises:
        ValueError: An item is not ``NAME=VALUE`` with a Python literal as its value.
    """
    from ..safe_ast import parse

    overrides = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.isidentifier():
            raise ValueError(f"--set expects NAME=VALUE with a module constant's name, not {item!r}")
        try:
            overrides[name] = ast.literal_eval(parse(value, mode="eval"))
        except (ValueError, SyntaxError):
            raise ValueError(f"--set {name}: {value!r} is not a Python literal") from None
    return overrides


def print_table(reports: list, seconds: float) -> None:
    """The per-problem table on stdout, each failure on a line of its own, and a closing verdict."""
    from rich.markup import escape
    from rich.table import Table

    from ..cheats import SHAPE_CHEATS

    cheat_names = (*SHAPE_CHEATS, "torch_fallback")
    table = Table(title="kernelgym check", show_lines=False)
    timed = any(r.timing for r in reports)
    for column in ("problem", "level", "tags", "reference", *(["timing shapes"] if timed else []), *cheat_names,
                   "verdict"):
        table.add_column(column, overflow="fold")
    for r in reports:
        refused = [_short(r.cheats.get(name, "-")) for name in cheat_names]
        verdict = "[green]ok[/]" if r.ok else f"[red]FAILED ({len(r.failures)})[/]"
        table.add_row(escape(r.problem), str(r.level or "-"), escape(",".join(r.tags)), r.reference,
                      *([escape(r.timing or "-")] if timed else []),
                      *[escape(x) if "[red]" not in x else x for x in refused], verdict)
    out = console(width=200)
    out.print(table)
    bad = [r for r in reports if not r.ok]
    for r in bad:
        out.print(f"[red]FAIL[/] {escape(r.problem)}: " + escape("; ".join(r.failures)), soft_wrap=True,
                  highlight=False)
    levels = {}
    for r in reports:
        levels[r.level] = levels.get(r.level, 0) + 1
    per_level = ", ".join(f"level{k}: {v}" if k else f"other: {v}" for k, v in sorted(levels.items(),
                                                                                         key=lambda kv: kv[0] or 0))
    out.print(f"{len(reports) - len(bad)}/{len(reports)} problems ok ({per_level}) in {seconds:.0f} s; "
              f"every cheat refused: {cheats_verdict(reports)}")


def cheats_verdict(reports: list) -> str:
    """``yes`` only when every problem's cheats were graded and refused.

    >>> from kernelgym.check import ProblemCheck
    >>> cheats_verdict([ProblemCheck("a", cheats={"zeros": "refused"}), ProblemCheck("b")])
    'yes where graded (1 problem(s) could not be graded)'
    """
    if any("ACCEPTED" in r.cheats.values() for r in reports):
        return "NO"
    ungraded = sum(not r.cheats for r in reports)
    return "yes" if not ungraded else f"yes where graded ({ungraded} problem(s) could not be graded)"


def _short(verdict: str) -> str:
    return "[red]ACCEPTED[/]" if verdict == "ACCEPTED" else verdict.split(",")[0][:28]
