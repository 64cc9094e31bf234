"""The report's plots as PNG bytes (matplotlib, no display needed): one function per plot, one line per run.

Each function takes ``runs``, a list of ``(label, rows, metrics)``, and returns PNG bytes, or None when the plot
would be empty (no speed measured, no hack flagged), so that the report can say so in words instead.
"""
from __future__ import annotations

import io
import math
from collections import Counter
from itertools import groupby
from typing import Sequence

from .metrics import pass_ks
from .results import SampleRow

Run = tuple[str, Sequence[SampleRow], dict]
OUTCOMES = ("correct", "hack", "format", "static", "compile", "incorrect", "runtime", "timeout", "crash",
            "out_of_bounds")


def _figure(width: float = 6.4, height: float = 3.6):
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(width, height), dpi=100)
    return plt, fig, ax


def _png(plt, fig) -> bytes:
    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


def pass_at_k_curves(runs: Sequence[Run]) -> bytes | None:
    """pass@k against k, overall, one line per run; one bar per run when every run has one sample per problem
    (a single k: a line would be a lone dot)."""
    largest = max(max(pass_ks(m), default=1) for _, _, m in runs)
    if largest == 1:
        return pass_at_1_bars(runs)
    plt, fig, ax = _figure()
    for label, _, metrics in runs:
        ks = pass_ks(metrics)
        ax.plot(ks, [metrics[f"pass@{k}"] for k in ks], marker="o", label=label)
    ax.set_xlabel("k (samples)")
    ax.set_ylabel("pass@k")
    ax.set_ylim(0, 1.05)
    if largest > 8:
        ax.set_xscale("log", base=2)
    else:
        ax.set_xticks(range(1, largest + 1))
        ax.set_xlim(0.5, largest + 0.5)
    ax.grid(alpha=0.3)
    ax.legend()
    ax.set_title("pass@k (unbiased estimator, mean over problems)")
    return _png(plt, fig)


def pass_at_1_bars(runs: Sequence[Run]) -> bytes:
    """pass@1 as one labelled bar per run."""
    plt, fig, ax = _figure(width=max(4.0, 1.2 * len(runs) + 2.4), height=3.4)
    labels = [label for label, _, _ in runs]
    values = [metrics["pass@1"] for _, _, metrics in runs]
    bars = ax.bar(range(len(runs)), values, width=0.6, color=[f"C{i}" for i in range(len(runs))])
    ax.bar_label(bars, labels=[f"{v:.3f}" for v in values], padding=2)
    ax.set_xticks(range(len(runs)), labels)
    ax.set_ylabel("pass@1")
    ax.set_ylim(0, 1.1)
    ax.grid(axis="y", alpha=0.3)
    ax.set_title("pass@1 (one sample per problem)")
    return _png(plt, fig)


def speedup_distribution(runs: Sequence[Run]) -> bytes | None:
    """Histogram of the correct samples' speedups (log scale); None where no speed was measured."""
    speedups = {label: [r.record["speedup"] for r in rows if r.record.get("correct")
                        and isinstance(r.record.get("speedup"), (int, float)) and r.record["speedup"] > 0]
                for label, rows, _ in runs}
    if not any(speedups.values()):
        return None
    everything = [s for values in speedups.values() for s in values]
    low, high = math.log2(min(everything)), math.log2(max(everything))
    edges = [2 ** (low + (high - low + 1e-9) * i / 20) for i in range(21)]
    plt, fig, ax = _figure()
    for label, values in speedups.items():
        if values:
            ax.hist(values, bins=edges, alpha=0.5, label=label)
    ax.set_xscale("log", base=2)
    ax.axvline(1.0, color="black", linewidth=1, linestyle="--")
    ax.set_xlabel("speedup over the eager reference (correct samples)")
    ax.set_ylabel("samples")
    ax.legend()
    ax.set_title("Speedup distribution")
    return _png(plt, fig)


def hack_breakdown(runs: Sequence[Run]) -> bytes | None:
    """Hack rate by hack name, one bar per run; None where no hack was flagged."""
    names = sorted({name for _, _, m in runs for name in m["hacks"]})
    if not names:
        return None
    plt, fig, ax = _figure(height=max(2.4, 0.45 * len(names) * max(1, len(runs)) + 1.2))
    height = 0.8 / len(runs)
    for i, (label, _, metrics) in enumerate(runs):
        ax.barh([j + i * height for j in range(len(names))], [metrics["hacks"].get(n, 0.0) for n in names],
                height=height, label=label)
    ax.set_yticks([j + height * (len(runs) - 1) / 2 for j in range(len(names))], names)
    ax.invert_yaxis()
    ax.set_xlabel("fraction of samples flagged")
    ax.legend()
    ax.set_title("Hack breakdown")
    return _png(plt, fig)


def outcome_breakdown(runs: Sequence[Run]) -> bytes | None:
    """Where samples end: correct, refused as a hack, or the first failure category; a stacked bar per run."""
    plt, fig, ax = _figure(width=8.0, height=1.4 + 0.5 * len(runs))
    counts = [Counter(outcome(r.record) for r in rows) for _, rows, _ in runs]
    left = [0.0] * len(runs)
    for name in OUTCOMES + ("other",):
        widths = [c.get(name, 0) / max(1, sum(c.values())) for c in counts]
        if any(widths):
            ax.barh(range(len(runs)), widths, left=left, label=name)
            left = [a + b for a, b in zip(left, widths)]
    ax.set_yticks(range(len(runs)), [label for label, _, _ in runs])
    ax.set_xlim(0, 1)
    ax.set_xlabel("fraction of samples")
    ax.legend(fontsize="small", loc="center left", bbox_to_anchor=(1.01, 0.5))
    ax.set_title("Outcome of each sample")
    return _png(plt, fig)


def outcome(record: dict) -> str:
    """One word for a grading record: ``correct``, ``hack``, or its failure category.

    >>> outcome({"correct": False, "hacks": [], "failure": "compile"})
    'compile'
    """
    if record.get("correct"):
        return "correct"
    if record.get("hacks"):
        return "hack"
    failure = record.get("failure") or "incorrect"
    return failure if failure in OUTCOMES else "other"


def problem_order(runs: Sequence[Run]) -> list[tuple[str, int | None]]:
    """``(problem, level)`` rows of the per-problem plot: grouped by level (levels in order, problems outside a
    level last), within a level by the first run's mean reward, best first.

    >>> stats = lambda level, mean: {"level": level, "reward_mean": mean}
    >>> problem_order([("a", [], {"per_problem": {"x": stats(2, 0.9), "y": stats(1, 0.1), "z": stats(1, 0.5)}})])
    [('z', 1), ('y', 1), ('x', 2)]
    """
    first = runs[0][2]["per_problem"]
    level: dict[str, int | None] = {}
    for _, _, metrics in runs:
        for name, stats in metrics["per_problem"].items():
            level.setdefault(name, stats["level"])
    mean = {name: -first[name]["reward_mean"] if name in first else 1.0 for name in level}
    names = sorted(level, key=lambda n: (level[n] is None, level[n] or 0, mean[n], n))
    return [(name, level[name]) for name in names]


def reward_spread(runs: Sequence[Run]) -> bytes | None:
    """Per problem (one row each, grouped by level, then sorted by the first run's mean): the mean reward with a
    bar of one standard deviation either side, and the max; each level's rows are shaded and labelled."""
    rows = problem_order(runs)
    order = [name for name, _ in rows]
    plt, fig, ax = _figure(width=7.6, height=max(2.6, 0.13 * len(order) * max(1, len(runs)) ** 0.5 + 1.4))
    offset = 0.6 / len(runs)
    for i, (label, _, metrics) in enumerate(runs):
        ys, means, stds, maxes = [], [], [], []
        for j, name in enumerate(order):
            stats = metrics["per_problem"].get(name)
            if stats:
                ys.append(j + i * offset)
                means.append(stats["reward_mean"])
                stds.append(stats["reward_std"])
                maxes.append(stats["reward_max"])
        line = ax.errorbar(means, ys, xerr=stds, fmt="o", markersize=3, capsize=2, label=f"{label} mean ± std")
        ax.scatter(maxes, ys, marker="|", s=40, color=line[0].get_color(), label=f"{label} max")
    ax.set_yticks([j + offset * (len(runs) - 1) / 2 for j in range(len(order))], order,
                  fontsize=6 if len(order) > 30 else 8)
    ax.set_ylim(len(order) - 0.5, -0.5)
    ax.set_xlabel("reward over the samples of each problem")
    ax.set_xlim(-0.05, max(1.05, ax.get_xlim()[1]))
    ax.grid(axis="x", alpha=0.3)
    _label_levels(ax, [level for _, level in rows])
    ax.legend(fontsize="small", loc="lower left", bbox_to_anchor=(0, 1.0), ncol=2 * len(runs), frameon=False)
    return _png(plt, fig)


def _label_levels(ax, levels: list[int | None]) -> None:
    """Shade every other level's rows, draw a line between levels and name each level at the right edge."""
    start = 0
    for index, (level, group) in enumerate(groupby(levels)):
        count = len(list(group))
        top, bottom = start - 0.5, start + count - 0.5
        if index % 2:
            ax.axhspan(top, bottom, color="#000000", alpha=0.05, linewidth=0)
        if start:
            ax.axhline(top, color="#555555", linewidth=0.8)
        ax.text(1.01, (top + bottom) / 2, "no level" if level is None else f"level {level}",
                transform=ax.get_yaxis_transform(), va="center", ha="left", fontsize=8, color="#333333",
                fontweight="bold")
        start += count


PLOTS = (
    ("pass_at_k", "pass@k curves", pass_at_k_curves),
    ("outcomes", "Outcome breakdown", outcome_breakdown),
    ("speedup", "Speedup distribution", speedup_distribution),
    ("hacks", "Hack breakdown", hack_breakdown),
    ("reward_spread", "Per-problem reward spread", reward_spread),
)
