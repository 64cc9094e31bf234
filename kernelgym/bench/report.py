"""The benchmark report: one or several runs side by side, as Markdown (for a README or a pull request, with its
plots as PNG files beside it) and as one self-contained HTML file (plots embedded as base64 PNGs, no scripts,
no external resources, so it opens offline). Both end with every sample's verdict, error and code
(:mod:`kernelgym.bench.samples`); the HTML page filters them by verdict with CSS alone, and its
Content-Security-Policy (:data:`CSP`) forbids scripts, so model-written text can never run in it.

Both renderings come from the same list of blocks (:func:`build_blocks`), so they never disagree.
"""
from __future__ import annotations

import base64
import html
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence, Union

from ..rewards import DEFAULT_WEIGHTS, RewardWeights
from .metrics import FAST_P, THRESHOLDS_KEY, fast_keys, pass_ks
from .plots import PLOTS
from .samples import SampleDetails, filter_css, sample_details
from .samples import STYLE as SAMPLES_STYLE
from .samples import to_html as samples_html
from .samples import to_markdown as samples_markdown
from .results import (RESULTS_FILE, RunMeta, SampleRow, compute_metrics, kernelgym_version, load_meta, read_rows,
                      rows_in_run, write_metrics)

MD_FILE = "report.md"
HTML_FILE = "report.html"
PLOTS_DIR = "plots"
PASS_K = (1, 2, 5, 10, 20, 50, 100)

# (column label, metrics key); the first column is the row label.
SUMMARY_COLUMNS = [
    ("group", ""), ("problems", "problems"), ("samples", "samples"), ("format", "format_rate"),
    ("compile", "compile_rate"), ("correct", "correct_rate"), ("pass@1", "pass@1"), ("fast_1", "fast_1"),
    ("speedup", "geomean_speedup"), ("hack rate", "hack_rate"), ("reward", "reward_mean"),
]


def metric_notes(weights: RewardWeights = DEFAULT_WEIGHTS, thresholds: Sequence[float] = FAST_P) -> list[str]:
    """What each metric means; the reward formula is ``weights``', the fast_p thresholds are ``thresholds``."""
    return [
        "**format / compile / correct**: fraction of samples that were well formed (one Python block with "
        "`ModelNew` and a `@triton.jit` kernel), whose kernels all compiled for the GPU target, and that passed "
        "every test case and seed with no hack flag.",
        "**pass@k**: the unbiased estimator 1 - C(n-c, k) / C(n, k) for a problem with n samples, c of them "
        "correct, averaged over problems: the chance that at least one of k samples is correct.",
        "**fast_p**: fraction of samples that are correct and more than p times faster than the eager PyTorch "
        "reference, for p = " + ", ".join(f"{p:g}" for p in thresholds) + " (`--fast-p`; fast_0 counts correct "
        "samples whose speed was measured). Null where speed was not measured.",
        "**speedup**: geometric mean of the speedups of the correct samples.",
        "**hack rate**: fraction of samples refused as cheats (torch fallbacks, kernels that do not compute the "
        f"output, aliased or mutated tensors, ...), overall and by hack name; a hack scores reward "
        f"{weights.hack_penalty:g}.",
        f"**reward**: the training reward, {weights.format:g}·format + {weights.compile:g}·compile + "
        f"{weights.correctness:g}·fraction of tests passed (+ {weights.speed:g}·speed on a GPU); "
        "per problem, its mean, max and standard deviation over the samples. A problem whose samples all get "
        "the same reward gives GRPO no learning signal.",
    ]


METRIC_NOTES = metric_notes()


@dataclass
class Heading:
    text: str
    level: int = 2


@dataclass
class Para:
    text: str


@dataclass
class Items:
    items: list[str]


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]


@dataclass
class Figure:
    name: str
    title: str
    png: bytes


Block = Union[Heading, Para, Items, Table, Figure, SampleDetails]


@dataclass
class LoadedRun:
    """A run as the report needs it.

    Attributes:
        label: Its name in tables and legends.
        run_dir: Its folder.
        meta: Its ``run.json``.
        rows: Its graded samples.
        metrics: Its metrics (:func:`kernelgym.bench.results.compute_metrics`).
    """

    label: str
    run_dir: Path
    meta: RunMeta
    rows: list[SampleRow]
    metrics: dict


def load_run(run_dir: Path, fast_p: Sequence[float] | None = None) -> LoadedRun:
    """Read a run folder and compute its metrics from the rows of ``results.jsonl`` that belong to the run
    (:func:`kernelgym.bench.results.rows_in_run`), with these fast_p thresholds (default: the run's).

    Raises:
        kernelgym.bench.results.RunError: The folder is missing, is not a run, or has no graded sample.
    """
    meta = load_meta(run_dir)
    rows = rows_in_run(meta, read_rows(run_dir / RESULTS_FILE))
    return LoadedRun(meta.name or run_dir.name, run_dir, meta, rows, compute_metrics(meta, rows, fast_p))


def cell(metrics: dict, key: str) -> str:
    """A metric as shown in tables: fractions with 3 decimals, the speedup with a ×, null as an em dash.

    >>> cell({"pass@1": 0.5, "geomean_speedup": None, "problems": 3}, "pass@1")
    '0.500'
    >>> cell({"geomean_speedup": None}, "geomean_speedup"), cell({"problems": 3}, "problems")
    ('—', '3')
    """
    value = metrics.get(key)
    if value is None:
        return "—"
    if isinstance(value, bool) or isinstance(value, int):
        return str(value)
    if key == "geomean_speedup":
        return f"{value:.2f}×"
    return f"{value:.3f}"


def pass_columns(runs: Sequence[LoadedRun]) -> list[int]:
    """The pass@k columns: 1, the usual ks below the largest sample count, and the largest."""
    largest = max(max(pass_ks(r.metrics)) for r in runs)
    return sorted({k for k in PASS_K if k < largest} | {1, largest})


def summary_columns(runs: Sequence[LoadedRun]) -> list[tuple[str, str]]:
    """The summary columns with one pass@k column per k of :func:`pass_columns` and one per fast_p threshold of
    any run."""
    keys = fast_keys({THRESHOLDS_KEY: thresholds_of(runs)})
    cols = [c for c in SUMMARY_COLUMNS if c[1] != "pass@1" and not c[1].startswith("fast_")]
    at = cols.index(("speedup", "geomean_speedup"))
    extra = [(f"pass@{k}", f"pass@{k}") for k in pass_columns(runs)] + [(key, key) for key in keys]
    return cols[:at] + extra + cols[at:]


def thresholds_of(runs: Sequence[LoadedRun]) -> list[float]:
    """The fast_p thresholds of any of the runs, sorted."""
    return sorted({float(p) for r in runs for p in r.metrics.get(THRESHOLDS_KEY, FAST_P)})


def level_groups(runs: Sequence[LoadedRun]) -> list[tuple[str, str | None]]:
    """``(title, level key)`` per table: all problems (key None), then each level found in any run."""
    levels = sorted({name for r in runs for name in r.metrics["levels"]}, key=lambda n: (n == "none", n))
    return [("All problems", None)] + [(f"Level {n}" if n != "none" else "Outside a level folder", n)
                                       for n in levels]


def results_tables(runs: Sequence[LoadedRun]) -> list[Block]:
    columns = summary_columns(runs)
    blocks: list[Block] = []
    for title, level in level_groups(runs):
        rows = []
        for run in runs:
            group = run.metrics if level is None else run.metrics["levels"].get(level)
            if group is not None:
                rows.append([run.label] + [cell(group, key) for _, key in columns[1:]])
        blocks += [Heading(title, 3), Table(["run"] + [label for label, _ in columns[1:]], rows)]
    return blocks


def runs_table(runs: Sequence[LoadedRun]) -> Table:
    rows = []
    for run in runs:
        m = run.meta
        sampling = ", ".join(f"{k}={v}" for k, v in m.sampling.items() if v is not None) or "—"
        filters = ", ".join(f"{k}={v}" for k, v in m.filters.items() if v not in (None, [], "")) or "none"
        rows.append([run.label, m.policy, m.problems, filters, str(m.samples), str(len(run.rows)), m.device,
                     m.executor, str(m.grader.get("seeds", "—")), sampling])
    return Table(["run", "policy", "problems", "filters", "samples/problem", "graded", "device", "executor",
                  "seeds", "sampling"], rows)


def hack_table(runs: Sequence[LoadedRun]) -> Block:
    names = sorted({name for r in runs for name in r.metrics["hacks"]})
    if not names:
        return Para("No sample was flagged as a hack in any run.")
    rows = [[name] + [cell(r.metrics["hacks"], name) if name in r.metrics["hacks"] else "0" for r in runs]
            for name in names]
    return Table(["hack"] + [f"{r.label} (rate)" for r in runs], rows)


def spread_blocks(runs: Sequence[LoadedRun]) -> list[Block]:
    blocks: list[Block] = []
    for run in runs:
        zero = run.metrics.get("zero_variance_problems")
        if zero is not None:
            blocks.append(Para(f"{run.label}: {zero:.0%} of problems got the same reward on every sample (no "
                               f"learning signal for GRPO on them)."))
    names = sorted({n for r in runs for n in r.metrics["per_problem"]},
                   key=lambda n: (next((r.metrics["per_problem"][n]["level"] or 0 for r in runs
                                        if n in r.metrics["per_problem"]), 0), n))
    header = ["problem", "level"]
    for run in runs:
        prefix = f"{run.label} " if len(runs) > 1 else ""
        header += [f"{prefix}{column}" for column in ("correct", "mean reward", "max reward", "reward std")]
    rows = []
    for name in names:
        level = next(r.metrics["per_problem"][name]["level"] for r in runs if name in r.metrics["per_problem"])
        row = [name, "—" if level is None else str(level)]
        for run in runs:
            s = run.metrics["per_problem"].get(name)
            row += ([f"{s['correct']}/{s['samples']}", f"{s['reward_mean']:.3f}", f"{s['reward_max']:.3f}",
                     f"{s['reward_std']:.3f}"] if s else ["—"] * 4)
        rows.append(row)
    return blocks + [Table(header, rows)]


def plot_blocks(runs: Sequence[LoadedRun]) -> list[Block]:
    data = [(r.label, r.rows, r.metrics) for r in runs]
    blocks: list[Block] = []
    for name, title, draw in PLOTS:
        blocks.append(Heading(title, 3))
        png = draw(data)
        if png is not None:
            blocks.append(Figure(name, title, png))
        elif name == "speedup":
            blocks.append(Para("Not measured: no run was graded on a GPU."))
        elif name == "hacks":
            blocks.append(Para("No sample was flagged as a hack in any run."))
    return blocks


def build_blocks(runs: Sequence[LoadedRun]) -> list[Block]:
    """The whole report, renderer-independent."""
    blocks: list[Block] = [Heading("KernelGym benchmark report", 1),
                           Para(f"Generated by KernelGym {kernelgym_version()} from `results.jsonl` of "
                                f"{len(runs)} run(s)."),
                           Heading("Runs"), runs_table(runs)]
    if not all(r.metrics["speed_measured"] for r in runs):
        blocks.append(Para("Speed was not measured for runs graded on CPU (Triton's interpreter runs kernels on "
                           "NumPy, so their wall-clock time means nothing): fast_p and speedup are null in "
                           "`metrics.json` and shown as —. Format, compilation, correctness and hack checks are "
                           "fully measured."))
    blocks += [Heading("Results")] + results_tables(runs)
    blocks += [Heading("Plots")] + plot_blocks(runs)
    blocks += [Heading("Hacks"), hack_table(runs)]
    blocks += [Heading("Per-problem reward (variance study)")] + spread_blocks(runs)
    blocks += [Heading("What the metrics mean"), Items(metric_notes(thresholds=thresholds_of(runs)))]
    blocks += [Heading("Samples: verdicts, errors and code"),
               Para("Every sample by level and problem: its verdict (`correct`, `hack`, or where it failed: "
                    "`format`, `compile`, `incorrect`, `runtime`, `timeout`, ...), reward, tests passed, hack flags, "
                    "the grader's error and the completion as graded. `report.html` shows them all and filters "
                    "them by verdict; `report.md` lists the failed ones with the gist of each error."),
               sample_details([(r.label, r.rows) for r in runs])]
    return blocks


# --- rendering ---------------------------------------------------------------------------------------------------
def to_markdown(blocks: Sequence[Block], plots_dir: str = PLOTS_DIR) -> str:
    """Markdown; figures link to ``plots_dir/NAME.png``."""
    parts = []
    for b in blocks:
        if isinstance(b, Heading):
            parts.append("#" * b.level + " " + b.text)
        elif isinstance(b, Para):
            parts.append(b.text)
        elif isinstance(b, Items):
            parts.append("\n".join(f"- {item}" for item in b.items))
        elif isinstance(b, Table):
            lines = ["| " + " | ".join(b.header) + " |", "|" + "---|" * len(b.header)]
            lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in b.rows]
            parts.append("\n".join(lines))
        elif isinstance(b, Figure):
            parts.append(f"![{b.title}]({plots_dir}/{b.name}.png)")
        elif isinstance(b, SampleDetails):
            parts.append(samples_markdown(b))
    return "\n\n".join(parts) + "\n"


STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1200px; padding: 0 1em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; }
th { background: #f0f0f0; } td:first-child, th:first-child { text-align: left; }
img { max-width: 100%; display: block; margin: 0.5em 0 1.5em; }
code { background: #f4f4f4; padding: 0 0.2em; }
pre code { background: none; padding: 0; }
"""
# No script may run in the page, whatever a completion or an error smuggles into it; images only as data: URLs.
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


def inline(text: str) -> str:
    """Escaped text with `code` and **bold** spans as HTML.

    >>> inline("a `<b>` **c**")
    'a <code>&lt;b&gt;</code> <strong>c</strong>'
    """
    out = []
    for i, part in enumerate(text.split("`")):
        if i % 2:
            out.append(f"<code>{html.escape(part)}</code>")
        else:
            bold = html.escape(part).split("**")
            out.append("".join(f"<strong>{s}</strong>" if j % 2 else s for j, s in enumerate(bold)))
    return "".join(out)


def to_html(blocks: Sequence[Block]) -> str:
    """One self-contained HTML page; figures are embedded as base64 PNG data URLs."""
    body, style = [], STYLE
    for b in blocks:
        if isinstance(b, Heading):
            body.append(f"<h{b.level}>{inline(b.text)}</h{b.level}>")
        elif isinstance(b, Para):
            body.append(f"<p>{inline(b.text)}</p>")
        elif isinstance(b, Items):
            body.append("<ul>" + "".join(f"<li>{inline(i)}</li>" for i in b.items) + "</ul>")
        elif isinstance(b, Table):
            head = "".join(f"<th>{inline(h)}</th>" for h in b.header)
            rows = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in b.rows)
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
        elif isinstance(b, Figure):
            data = base64.b64encode(b.png).decode()
            body.append(f'<img alt="{html.escape(b.title)}" data-plot="{b.name}" '
                        f'src="data:image/png;base64,{data}">')
        elif isinstance(b, SampleDetails):
            body.append(samples_html(b))
            style += SAMPLES_STYLE + filter_css(b.views) + "\n"
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            "<title>KernelGym benchmark report</title>"
            f"<style>{style}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n")


def write_report(runs: Sequence[LoadedRun], out_dir: Path) -> tuple[Path, Path]:
    """Write ``report.md`` (with ``plots/*.png``) and ``report.html`` into ``out_dir``; return their paths."""
    blocks = build_blocks(runs)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / PLOTS_DIR).mkdir(exist_ok=True)
    for b in blocks:
        if isinstance(b, Figure):
            (out_dir / PLOTS_DIR / f"{b.name}.png").write_bytes(b.png)
    md, page = out_dir / MD_FILE, out_dir / HTML_FILE
    md.write_text(to_markdown(blocks))
    page.write_text(to_html(blocks))
    return md, page


def unique_labels(runs: list[LoadedRun]) -> list[LoadedRun]:
    """Give runs with the same label a ``#2``, ``#3`` suffix."""
    seen: dict[str, int] = {}
    for run in runs:
        seen[run.label] = seen.get(run.label, 0) + 1
        if seen[run.label] > 1:
            run.label = f"{run.label} #{seen[run.label]}"
    return runs


def report_runs(run_dirs: Sequence[Path], out: Path | None = None,
                fast_p: Sequence[float] | None = None) -> tuple[Path, Path]:
    """``kernelgym report``: recompute each run's metrics from its ``results.jsonl`` (rewriting its
    ``metrics.json``) and write the report, into the run folder for one run, into ``out`` for several.

    Args:
        run_dirs: The run folders.
        out: The report's folder (required for several runs).
        fast_p: The fast_p thresholds (default: each run's own, from its ``run.json``).

    Raises:
        kernelgym.bench.results.RunError: A folder is not a run, or several runs were given without ``out``.
    """
    from .results import RunError

    if len(run_dirs) > 1 and out is None:
        raise RunError("several runs need --out DIR for the comparison report")
    runs = unique_labels([load_run(Path(d), fast_p) for d in run_dirs])
    for run in runs:
        write_metrics(run.run_dir, run.metrics)
    return write_report(runs, out if out is not None else runs[0].run_dir)


def write_single(run_dir: Path, meta: RunMeta, rows: list[SampleRow], metrics: dict) -> tuple[Path, Path]:
    """The report of one run that was just graded."""
    return write_report([LoadedRun(meta.name or run_dir.name, run_dir, meta, rows, metrics)], run_dir)
