"""``kernelgym bench`` and ``kernelgym report``: their options, the run's progress bar and its summary table.

The run loop is :mod:`kernelgym.bench.run`, the reports :mod:`kernelgym.bench.report`.
"""
from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .options import grader_config, grader_options
from .output import GradingBar, console, error

if TYPE_CHECKING:
    from ..bench.policies import Policy
    from ..bench.results import RunMeta
    from ..bench.run import BenchConfig
    from ..grader import GraderConfig


def add_parsers(commands) -> None:
    """Add ``bench`` and ``report`` to the main parser's subcommands."""
    from ..bench.policies import SPEC_HELP

    bench = commands.add_parser("bench", help="run a policy over a problem suite, grade every sample, write "
                                              "results.jsonl, metrics.json and a report",
                                description="Run a policy over a problem suite with K samples per problem.")
    bench.add_argument("--policy", required=True, help=f"where completions come from: {SPEC_HELP}")
    bench.add_argument("--problems", type=Path, default=None,
                       help="a folder of problem files, searched recursively, or one file (default: ./problems if "
                            "there is one, else the built-in suite)")
    bench.add_argument("--samples", type=int, default=1, help="samples per problem, K in pass@k (default 1)")
    bench.add_argument("--out", type=Path, required=True, help="the run folder to write (RUN_DIR)")
    bench.add_argument("--resume", action="store_true", help="continue the run in --out without regrading its "
                                                             "finished samples")
    bench.add_argument("--name", default="", help="the run's label in reports (default: the folder's name)")
    group = bench.add_argument_group("problem filters")
    group.add_argument("--level", type=int, action="append", default=[], help="keep this level; repeatable")
    group.add_argument("--tag", action="append", default=[], help="keep problems with this tag; repeatable")
    group.add_argument("--split", choices=["train", "validation", "test"], help="keep problems of this split")
    group.add_argument("--limit", type=int, help="keep at most this many problems (after the other filters)")
    group = bench.add_argument_group("grading")
    group.add_argument("--executor", default="local", choices=["local", "ray"],
                       help="where gradings run: this machine's sandbox pool, or a Ray cluster (default local)")
    group.add_argument("--workers", type=int, default=None, help="gradings in flight at once (default: cores)")
    grader_options(group)
    group = bench.add_argument_group("sampling (model policies)")
    group.add_argument("--temperature", type=float, default=1.0, help="sampling temperature (default 1.0; 0: "
                                                                      "greedy)")
    group.add_argument("--top-p", type=float, default=1.0, help="nucleus sampling mass (default 1.0)")
    group.add_argument("--max-tokens", type=int, default=4096, help="new tokens per completion (default 4096)")
    group.add_argument("--seed", type=int, default=None, help="base seed: sample i uses SEED+i (default: none)")
    group.add_argument("--batch", type=int, default=8, help="problems per generation batch; each batch is graded "
                                                            "while the next is generated (default 8)")
    group = bench.add_argument_group("openai policy")
    group.add_argument("--base-url", default=None, help="the server's /v1 URL (default: $OPENAI_BASE_URL, else "
                                                        "OpenAI's API)")
    group.add_argument("--api-key", default=None, help="the API key (default: $OPENAI_API_KEY, else EMPTY; prefer "
                                                       "the variable, flags show in process lists)")
    group.add_argument("--concurrency", type=int, default=8, help="requests in flight at once (default 8)")
    group.add_argument("--retries", type=int, default=4, help="retries per request on connection errors, timeouts, "
                                                              "rate limits and server errors (default 4)")
    group.add_argument("--request-timeout", type=float, default=600.0, help="seconds per request (default 600)")
    bench.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    _fast_p_option(bench, None)
    bench.set_defaults(run=run)

    report = commands.add_parser("report", help="regenerate a run's metrics and report, or compare runs side "
                                                "by side", description="Recompute metrics.json from results.jsonl "
                                                "and write report.md and report.html.")
    report.add_argument("runs", nargs="+", type=Path, metavar="RUN_DIR", help="run folders made by kernelgym "
                                                                              "bench")
    report.add_argument("--out", type=Path, default=None, help="folder for the report (default: the run folder; "
                                                               "required for several runs)")
    _fast_p_option(report, "(default: each run's own, from its run.json)")
    report.set_defaults(run=run)


def _fast_p_option(parser, default: str | None) -> None:
    """Add ``--fast-p``; ``default`` says what leaving it out means (None: the default thresholds)."""
    from ..bench.metrics import FAST_P, parse_thresholds

    default = default or "(default " + ",".join(f"{p:g}" for p in FAST_P) + ")"

    def thresholds(text: str) -> tuple[float, ...]:
        try:
            return parse_thresholds(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    parser.add_argument("--fast-p", type=thresholds, default=None, metavar="P,P,...",
                        help="speedup thresholds of the fast_p metrics: the fraction of samples correct and more "
                             f"than p times faster than eager PyTorch {default}")


def run(args: argparse.Namespace) -> int:
    """Run ``bench`` or ``report``; 0 on success, 2 for unusable input, 1 when the policy failed mid-run."""
    from ..bench.policies import PolicyError
    from ..bench.results import RunError

    try:
        if args.command == "report":
            return _report(args)
        try:
            plan = _plan(args)
        except ValueError as exc:  # a setting that a config refuses, named in the message
            return error(exc)
        return _bench(args, plan)
    except RunError as exc:
        return error(exc)
    except PolicyError as exc:
        error(exc)
        if args.command == "bench" and (args.out / "results.jsonl").is_file():
            print("finished samples are kept; continue with the same command and --resume", file=sys.stderr)
            return 1
        return 2
    except KeyboardInterrupt:
        print("interrupted; continue with the same command and --resume", file=sys.stderr)
        return 130


@dataclass
class _Plan:
    """What ``kernelgym bench``'s options ask for, every config checked."""

    grader: GraderConfig
    bench: BenchConfig
    policy: Policy
    meta: RunMeta


def _plan(args) -> _Plan:
    """The run's configs, from the options.

    Raises:
        ValueError: A config refuses a value (the message names the field).
        kernelgym.bench.results.RunError: ``--samples`` below 1, or a replay file short of samples.
        kernelgym.bench.policies.PolicyError: The policy cannot be made.
    """
    from ..bench.policies import MODEL_KINDS, Sampling, parse_policy
    from ..bench.results import RunError, RunMeta, kernelgym_version
    from ..bench.run import BenchConfig, Selection
    from ..grader import resolve_device

    if args.samples < 1:
        raise RunError("--samples must be at least 1")
    config = grader_config(args)
    sampling = Sampling(temperature=args.temperature, top_p=args.top_p, max_tokens=args.max_tokens, seed=args.seed)
    policy = parse_policy(args.policy, sampling, base_url=args.base_url, api_key=args.api_key,
                          concurrency=args.concurrency, retries=args.retries, timeout_s=args.request_timeout)
    model_policy = args.policy.partition(":")[0] in MODEL_KINDS
    selection = Selection(levels=args.level, tags=args.tag, split=args.split, limit=args.limit,
                          names=_replayed_problems(policy, args.samples))
    if args.problems is None:
        from ..registry import default_problems

        args.problems = default_problems()
    bench = BenchConfig(problems=args.problems, out=args.out, samples=args.samples, selection=selection,
                        resume=args.resume, batch=max(1, args.batch), workers=args.workers or os.cpu_count() or 1,
                        executor=args.executor, name=args.name)
    meta = RunMeta(policy=policy.spec, problems=str(args.problems), samples=args.samples,
                   filters={"levels": args.level, "tags": args.tag, "split": args.split, "limit": args.limit},
                   sampling=_sampling_dict(sampling) if model_policy else {}, executor=args.executor,
                   device=resolve_device(config.device),
                   grader=_grader_dict(config, args.target),
                   name=args.name, kernelgym_version=kernelgym_version())
    if args.fast_p is not None:
        meta.fast_p = list(args.fast_p)
    return _Plan(grader=config, bench=bench, policy=policy, meta=meta)


def _bench(args, plan: _Plan) -> int:
    from ..bench.run import run_bench
    from ..executor import make_executor

    bench = plan.bench
    metrics = run_bench(bench, plan.policy, plan.meta,
                        lambda: make_executor(bench.executor, plan.grader, workers=bench.workers),
                        progress=None if args.no_progress else GradingBar())
    print_summary(metrics, args.out)
    return 0


def _replayed_problems(policy, samples: int) -> frozenset[str] | None:
    """For a replay policy, the problems its file has completions for (a run grades those, and says so), after
    checking that each has ``samples`` of them; None for any other policy."""
    from ..bench.results import RunError

    recorded = getattr(policy, "completions", None)
    if not isinstance(recorded, dict):
        return None
    short = sorted(name for name, completions in recorded.items() if len(completions) < samples)
    if short:
        raise RunError(f"{policy.spec}: {len(short)} problem(s) have fewer than --samples {samples} completions "
                       f"(first: {short[0]}, {len(recorded[short[0]])}); lower --samples or add lines")
    print(f"replay: grading the {len(recorded)} problem(s) the file has completions for", file=sys.stderr)
    return frozenset(recorded)


def _grader_dict(config, target: str) -> dict:
    """The grader settings recorded in ``run.json`` (the grading seed only when one was given, so that runs made
    before it existed still resume)."""
    grader = {"seeds": config.seeds, "timeout_s": config.timeout_s, "target": target}
    if config.seed is not None:
        grader["grading_seed"] = config.seed
    return grader


def _sampling_dict(sampling) -> dict:
    from dataclasses import asdict

    return asdict(sampling)


def _report(args) -> int:
    from ..bench.report import report_runs

    md, page = report_runs(args.runs, args.out, args.fast_p)
    print(f"wrote {md} and {page}")
    return 0


def print_summary(metrics: dict, run_dir: Path, file=None) -> None:
    """The final summary table (overall and per level) on stdout, with a column per fast_p threshold where speed
    was measured."""
    from rich.table import Table

    from ..bench.metrics import fast_keys, pass_ks
    from ..bench.report import SUMMARY_COLUMNS, cell

    columns = [c for c in SUMMARY_COLUMNS if not c[1].startswith("fast_")]
    largest = max(pass_ks(metrics))
    if largest > 1:
        columns.insert(columns.index(("pass@1", "pass@1")) + 1, (f"pass@{largest}", f"pass@{largest}"))
    if metrics["speed_measured"]:  # every fast_p threshold of the run; on CPU they are all null
        at = columns.index(("speedup", "geomean_speedup"))
        columns[at:at] = [(key, key) for key in fast_keys(metrics)]
    table = Table(title=f"kernelgym bench: {metrics['run']['policy']} on {metrics['run']['problems']}")
    for label, _ in columns:
        table.add_column(label, justify="right")
    groups = [("all", metrics)] + [(f"level {name}", m) for name, m in metrics["levels"].items()]
    for label, group in groups:
        table.add_row(label, *[cell(group, key) for _, key in columns[1:]])
    out = console(file=file or sys.stdout, width=160)
    out.print(table)
    if not metrics["speed_measured"]:
        out.print("speed not measured (no GPU): fast_p and speedup are null")
    out.print(f"wrote {run_dir / 'results.jsonl'}, metrics.json, report.md, report.html")
