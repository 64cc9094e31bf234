"""Validating a problem suite: the checks behind ``kernelgym check`` (its command is :mod:`kernelgym.cli.check`).

For every problem: it loads; its reference solution (``NAME_solution.py`` beside it) is correct with no hack (on a
GPU at the timing shapes too, whose worst error the report gives next to the tolerance); a
no-op, an all-zeros, an identity and a torch-fallback answer are all refused; and the problem is not degenerate
(its output depends on its inputs, is not near-constant, differs between seeds, and is not matched by zeros).
"""
from __future__ import annotations

import json
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from . import cheats
from .compare import compare_outputs
from .grader import Grader
from .problem import Problem, ProblemError, load_problem, reference_outputs

SPREAD_FACTOR = 10.0  # the output's spread must exceed this many tolerance bands
DEGENERACY_SEEDS = (11, 22, 33)


@dataclass
class ProblemCheck:
    """The outcome of checking one problem; ``ok`` only when every item passed."""

    problem: str
    level: int | None = None
    tags: list[str] = field(default_factory=list)
    reference: str = ""
    timing: str = ""  # on a GPU: the reference at the timing shapes (worst error against the tolerance, speedup)
    cheats: dict[str, str] = field(default_factory=dict)
    degenerate: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0
    test_cases: list[dict] = field(default_factory=list)  # the cases graded (derived ones for a file without any)
    cases_from: str = ""  # "TEST_CASES", "derived for CPU" or "the file's own sizes"

    @property
    def ok(self) -> bool:
        return not self.failures


def check_problem(path: Path, grader: Grader, overrides: dict | None = None) -> ProblemCheck:
    """Run every check on one problem file."""
    started = time.monotonic()
    report = ProblemCheck(problem=path.stem)
    try:
        problem = load_problem(path, overrides=overrides)
    except ProblemError as exc:
        report.failures.append(str(exc))
        return report
    report.level, report.tags = problem.level, problem.tags
    report.test_cases = [{k: list(v) if isinstance(v, tuple) else v for k, v in case.items()}
                         for case in problem.test_cases]
    report.cases_from = problem.cases_origin
    try:
        grader.check_size(problem)  # before anything is allocated
        report.degenerate = degeneracy(problem)  # seeding and drawing are locked in Problem; forward passes are not
        answers = cheat_answers(problem)
    except Exception as exc:  # too large, or the problem's own code raised: its Model, get_inputs or forward
        report.failures.append(str(exc) if isinstance(exc, ProblemError) else f"reference raised: {_first_line(exc)}")
        report.seconds = time.monotonic() - started
        return report
    report.failures += [f"degenerate: {d}" for d in report.degenerate]
    try:
        _check_reference(problem, grader, report)
        _check_cheats(problem, grader, answers, report)
    except ProblemError as exc:
        report.failures.append(str(exc))
    report.seconds = time.monotonic() - started
    return report


def _check_cheats(problem: Problem, grader: Grader, answers: dict[str, str], report: ProblemCheck) -> None:
    for name, source in answers.items():
        result = grader.grade(problem, source, allow_plain_source=True)
        if result.correct:
            report.cheats[name] = "ACCEPTED"
            report.failures.append(f"the {name} cheat was judged correct")
            if name in ("zeros", "identity"):  # the problem's fault, not the grader's: its inputs allow it
                returned = "zeros" if name == "zeros" else "its input"
                report.degenerate.append(f"an answer returning {returned} passes its test cases")
        else:
            report.cheats[name] = ", ".join(result.hacks) or result.failure or "refused"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"[:300]


def _check_reference(problem: Problem, grader: Grader, report: ProblemCheck) -> None:
    if not problem.solution_path.is_file():
        report.reference = "missing"
        report.failures.append(f"no reference solution at {problem.solution_path.name}")
        return
    result = grader.grade(problem, problem.solution_path.read_text(), allow_plain_source=True)
    report.reference = f"{result.tests_passed}/{result.tests_total}"
    if result.timing_max_abs_error is not None:
        speed = f", {result.speedup:.2f}x" if result.speedup else ""
        atol, rtol = problem.timing_tolerances
        report.timing = f"max abs error {result.timing_max_abs_error:.2g} (atol {atol:g}, rtol {rtol:g}){speed}"
    if not result.correct:
        why = ", ".join(result.hacks) or result.error.splitlines()[0] if result.error or result.hacks else "incorrect"
        report.failures.append(f"reference solution not correct: {why}")


def cheat_answers(problem: Problem) -> dict[str, str]:
    """The four generic cheats, specialised to the output shapes of the problem's test cases."""
    import torch

    outputs = {}
    for case in problem.test_cases:
        init_inputs, inputs = problem.instantiate(case, seed=0)
        outs = reference_outputs(problem.build_model(init_inputs, 0), inputs)
        key = tuple(tuple(x.shape) for x in inputs if isinstance(x, torch.Tensor))
        outputs[key] = [(tuple(o.shape), str(o.dtype).replace("torch.", "")) for o in outs]
    answers = {kind: cheats.shape_cheat(kind, outputs) for kind in cheats.SHAPE_CHEATS}
    answers["torch_fallback"] = cheats.torch_fallback(problem.source)
    return answers


def degeneracy(problem: Problem) -> list[str]:
    """Reasons the problem is degenerate on its first test case (empty when it is not)."""
    import torch

    case = problem.test_cases[0]
    runs = []
    for seed in DEGENERACY_SEEDS:
        init_inputs, inputs = problem.instantiate(case, seed)
        model = problem.build_model(init_inputs, seed)
        runs.append((model, inputs, reference_outputs(model, inputs)))
    reasons = []
    (model_a, _, out_a), (_, inputs_b, out_b) = runs[0], runs[1]
    other_inputs = reference_outputs(model_a, inputs_b)
    if compare_outputs(out_a, other_inputs, problem.atol, problem.rtol).ok:
        reasons.append("the output does not depend on the inputs")
    if compare_outputs(out_a, out_b, problem.atol, problem.rtol).ok:
        reasons.append("the output is the same for different seeds")
    if compare_outputs(out_a, [torch.zeros_like(t) for t in out_a], problem.atol, problem.rtol).ok:
        reasons.append("an all-zeros output passes the tolerance")
    values = torch.cat([t.double().reshape(-1) for _, _, outs in runs for t in outs
                        if t.is_floating_point()]) if any(t.is_floating_point() for t in out_a) else None
    if values is not None and values.numel():
        finite = values[torch.isfinite(values)]
        band = problem.atol + problem.rtol * finite.abs().max().item() if finite.numel() else 0.0
        if finite.numel() and (finite.max() - finite.min()).item() <= SPREAD_FACTOR * band:
            reasons.append("the output is nearly constant (spread within 10 tolerance bands)")
    return reasons


def check_problems(paths: Iterable[Path], grader: Grader, overrides: dict | None = None,
                   workers: int = 1) -> Iterator[ProblemCheck]:
    """Check each problem file, ``workers`` at a time, yielding the reports in the order of ``paths``."""
    with ThreadPoolExecutor(max(1, workers)) as pool:
        yield from pool.map(lambda path: check_problem(path, grader, overrides), paths)


def write_reports(path: Path, reports: list[ProblemCheck]) -> None:
    """Replace ``path`` with the reports as a JSON list, atomically (a reader never sees half a file)."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps([{**asdict(r), "ok": r.ok} for r in reports], indent=1))
    os.replace(partial, path)
