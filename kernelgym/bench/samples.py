"""The report's sample details: why each sample passed or failed.

Per level and problem, every sample of every run with its verdict (``correct``, ``hack`` or its failure category,
as in the outcome plot), reward, tests passed, hack flags, error and code. In ``report.html`` the code is collapsed
(``<details>``) and a CSS-only filter (radio buttons, no script) shows all samples, only the failed ones, or one
verdict; ``report.md`` gets the failed samples as a table with the first line of each error.

Completions and errors are model-written and hostile: every piece of them is HTML-escaped before it reaches the
page, and the page's Content-Security-Policy (:data:`kernelgym.bench.report.CSP`) forbids scripts anyway.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from itertools import groupby
from typing import Sequence

from .plots import OUTCOMES, outcome
from .results import SampleRow

VERDICTS = OUTCOMES + ("other",)
MAX_CODE = 20_000  # characters of a completion shown; the rest stays in results.jsonl
MAX_ERROR = 4_000
MAX_MD_ERROR = 200


@dataclass(frozen=True)
class SampleView:
    """One sample as the report shows it.

    Attributes:
        run: The run's label.
        problem: Problem name.
        level: Its level, or None.
        sample: Sample index.
        verdict: ``correct``, ``hack``, or the failure category (:func:`kernelgym.bench.plots.outcome`).
        reward: The total reward.
        tests: ``passed/total`` (empty when no test ran).
        hacks: Hack flag names.
        error: The grader's error text (model-influenced: escape it).
        code: The completion as graded (model-written: escape it).
    """

    run: str
    problem: str
    level: int | None
    sample: int
    verdict: str
    reward: float
    tests: str
    hacks: tuple[str, ...]
    error: str
    code: str


@dataclass
class SampleDetails:
    """The report block of every sample of the runs, in level, problem, run and sample order.

    Attributes:
        views: The samples.
        runs: The run labels, in report order.
    """

    views: list[SampleView]
    runs: list[str]


def view_of(run: str, row: SampleRow) -> SampleView:
    """The view of one row of ``results.jsonl``."""
    record = row.record
    total = record.get("tests_total") or 0
    return SampleView(run=run, problem=row.problem, level=row.level, sample=row.sample, verdict=outcome(record),
                      reward=float(row.reward), tests=f"{record.get('tests_passed', 0)}/{total}" if total else "",
                      hacks=tuple(str(h) for h in record.get("hacks") or ()), error=str(record.get("error") or ""),
                      code=row.completion)


def sample_details(runs: Sequence[tuple[str, Sequence[SampleRow]]]) -> SampleDetails:
    """The block for ``runs``, given as ``(label, rows)``."""
    order = {label: i for i, (label, _) in enumerate(runs)}
    views = [view_of(label, row) for label, rows in runs for row in rows]
    views.sort(key=lambda v: (v.level is None, v.level or 0, v.problem, order[v.run], v.sample))
    return SampleDetails(views, [label for label, _ in runs])


def level_title(level: int | None) -> str:
    """The heading of a level's samples.

    >>> level_title(2), level_title(None)
    ('Level 2', 'Outside a level folder')
    """
    return "Outside a level folder" if level is None else f"Level {level}"


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, saying how many were left out.

    >>> clip("abcdef", 4)
    'abcd\\n… (2 more characters in results.jsonl)'
    """
    return text if len(text) <= limit else text[:limit] + f"\n… ({len(text) - limit} more characters in results.jsonl)"


def gist(text: str, limit: int = MAX_MD_ERROR) -> str:
    """An error in one line: its first line and, for a longer one, its last (where a traceback names the
    exception), cut to about ``limit`` characters.

    >>> gist("\\n  the answer raised\\nline 3: f()\\nValueError: bad"), gist("x" * 10, 4)
    ('the answer raised … ValueError: bad', 'xxxx…')
    """
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return ""
    text = lines[0] if len(lines) == 1 else f"{lines[0]} … {lines[-1]}"
    return text if len(text) <= limit else text[:limit] + "…"


# --- Markdown ------------------------------------------------------------------------------------------------------
def md_cell(text: str) -> str:
    r"""Text as inert Markdown table cell content: no HTML tags, code spans or column breaks.

    >>> md_cell("a|b `c` <script>")
    'a\\|b \\`c\\` &lt;script&gt;'
    """
    return html.escape(text, quote=False).replace("|", "\\|").replace("`", "\\`")


def to_markdown(block: SampleDetails) -> str:
    """The failed samples as a table (the full details are in ``report.html`` and ``results.jsonl``)."""
    failed = [v for v in block.views if v.verdict != "correct"]
    if not failed:
        return "Every sample was correct."
    lines = ["| problem | level | run | sample | verdict | tests | hacks | error |", "|---|---|---|---|---|---|---|---|"]
    for v in failed:
        cells = [v.problem, "—" if v.level is None else str(v.level), v.run, str(v.sample), v.verdict,
                 v.tests or "—", ", ".join(v.hacks) or "—", gist(v.error) or "—"]
        lines.append("| " + " | ".join(md_cell(c) for c in cells) + " |")
    return "\n".join(lines)


# --- HTML --------------------------------------------------------------------------------------------------------
STYLE = """
.samples > input.filter { position: absolute; opacity: 0; pointer-events: none; }
.filters { margin: 0.5em 0 1em; display: flex; flex-wrap: wrap; gap: 0.4em; align-items: center; }
.filters label { border: 1px solid #bbb; border-radius: 1em; padding: 0.1em 0.8em; cursor: pointer; font-size: 0.9em;
  background: #fafafa; }
.sample { border: 1px solid #ddd; border-left: 5px solid #c0392b; border-radius: 4px; margin: 0.4em 0;
  padding: 0.3em 0.6em; background: #fff; }
.sample.v-correct { border-left-color: #27ae60; }
.sample.v-hack { border-left-color: #8e44ad; }
.sample .head { display: flex; flex-wrap: wrap; gap: 0.8em; align-items: baseline; font-size: 0.9em; }
.badge { font-weight: 600; padding: 0 0.5em; border-radius: 3px; background: #fdecea; color: #a93226; }
.v-correct .badge { background: #e9f7ef; color: #1e8449; }
.v-hack .badge { background: #f4ecf7; color: #6c3483; }
.hackflags { color: #6c3483; }
.muted { color: #666; }
pre.error { background: #fff8f6; border: 1px solid #f3d3cd; padding: 0.4em 0.6em; margin: 0.4em 0; max-height: 9em;
  overflow: auto; white-space: pre-wrap; word-break: break-word; font-size: 0.85em; }
pre.code { background: #f7f7f7; border: 1px solid #e3e3e3; padding: 0.5em; max-height: 30em; overflow: auto;
  font-size: 0.8em; }
details > summary { cursor: pointer; color: #2c5f8a; font-size: 0.9em; }
.problem h4 { margin: 1.2em 0 0.2em; } .problem h4 .muted { font-weight: normal; font-size: 0.85em; }
"""


def _filters(views: Sequence[SampleView]) -> list[tuple[str, str, int]]:
    """``(id, label, count)`` of each filter button: all, failed, then each verdict present."""
    counts = {v: sum(1 for s in views if s.verdict == v) for v in VERDICTS}
    failed = len(views) - counts["correct"]
    return ([("all", "all", len(views)), ("failed", "failed", failed)]
            + [(f"v-{v}", v, n) for v, n in counts.items() if n])


def filter_css(views: Sequence[SampleView]) -> str:
    """The rules that make the radio buttons filter: a checked button hides the samples it does not show (and the
    problems and levels they leave empty), and marks its own label."""
    rules = []
    for key, _, _ in _filters(views):
        rules.append(f"#show-{key}:checked ~ .filters label[for=show-{key}] "
                     "{ background: #2c5f8a; border-color: #2c5f8a; color: #fff; }")
        rules.append(f"#show-{key}:focus-visible ~ .filters label[for=show-{key}] {{ outline: 2px solid #e67e22; }}")
        if key == "all":
            continue
        hidden, shown = ((".sample.v-correct", ".sample:not(.v-correct)") if key == "failed"
                         else (f".sample:not(.{key})", f".sample.{key}"))
        rules.append(f"#show-{key}:checked ~ .levels {hidden} {{ display: none; }}")
        for container in (".problem", ".level-group"):
            rules.append(f"#show-{key}:checked ~ .levels {container}:not(:has({shown})) {{ display: none; }}")
    return "\n".join(rules)


def _sample_html(v: SampleView, several_runs: bool) -> str:
    e = html.escape
    head = [f'<span class="badge">{e(v.verdict)}</span>',
            f'<span>{e(v.run) + " · " if several_runs else ""}sample {v.sample}</span>',
            f'<span class="muted">reward {v.reward:.3f}</span>']
    if v.tests:
        head.append(f'<span class="muted">tests {e(v.tests)}</span>')
    if v.hacks:
        head.append(f'<span class="hackflags">hack flags: {e(", ".join(v.hacks))}</span>')
    parts = [f'<div class="sample v-{e(v.verdict)}" data-verdict="{e(v.verdict)}">',
             '<div class="head">' + " ".join(head) + "</div>"]
    if v.error:
        parts.append(f'<pre class="error">{e(clip(v.error, MAX_ERROR))}</pre>')
    lines = v.code.count("\n") + 1 if v.code else 0
    parts.append(f"<details><summary>code ({lines} line{'s' if lines != 1 else ''})</summary>"
                 f'<pre class="code"><code>{e(clip(v.code, MAX_CODE))}</code></pre></details>')
    parts.append("</div>")
    return "".join(parts)


def _problem_html(problem: str, views: list[SampleView], runs: list[str]) -> str:
    several = len(runs) > 1
    counts = []
    for run in runs:
        mine = [v for v in views if v.run == run]
        if mine:
            correct = sum(v.verdict == "correct" for v in mine)
            counts.append(f"{html.escape(run) + ': ' if several else ''}{correct}/{len(mine)} correct")
    return (f'<div class="problem"><h4>{html.escape(problem)} <span class="muted">{" · ".join(counts)}</span></h4>\n'
            + "\n".join(_sample_html(v, several) for v in views) + "\n</div>")


def to_html(block: SampleDetails) -> str:
    """The samples, grouped by level and problem, with the filter buttons above them."""
    filters = _filters(block.views)
    out = ['<section class="samples">']
    out += [f'<input type="radio" class="filter" name="verdict" id="show-{key}"{" checked" if key == "all" else ""}>'
            for key, _, _ in filters]
    out.append('<div class="filters"><span class="muted">Show:</span>'
               + "".join(f'<label for="show-{key}">{html.escape(label)} ({n})</label>' for key, label, n in filters)
               + "</div>")
    out.append('<div class="levels">')
    for level, in_level in groupby(block.views, key=lambda v: v.level):
        out.append(f'<div class="level-group"><h3>{html.escape(level_title(level))}</h3>')
        out += [_problem_html(problem, list(views), block.runs)
                for problem, views in groupby(in_level, key=lambda v: v.problem)]
        out.append("</div>")
    out.append("</div></section>")
    return "\n".join(out)
