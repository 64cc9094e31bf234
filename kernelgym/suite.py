"""A suite at a glance: problems per level, split and tag, as the Markdown tables that the README shows."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .problem import SPLITS, discover, load_problem


@dataclass
class SuiteSummary:
    """Counts over a folder of problems.

    Attributes:
        levels: Problems per level (0 for files outside a ``levelN`` folder).
        splits: ``(level, split)`` -> problems.
        tags: ``(tag, level)`` -> problems.
    """

    levels: Counter = field(default_factory=Counter)
    splits: Counter = field(default_factory=Counter)
    tags: Counter = field(default_factory=Counter)


def summarize(root: str | Path) -> SuiteSummary:
    """Load every problem under ``root`` and count them."""
    summary = SuiteSummary()
    for path in discover(root):
        problem = load_problem(path)
        level = problem.level or 0
        summary.levels[level] += 1
        summary.splits[level, problem.split] += 1
        for tag in problem.tags:
            summary.tags[tag, level] += 1
    return summary


def markdown_tables(summary: SuiteSummary) -> str:
    """Two tables: problems per level and split, and problems per tag and level (most common tags first)."""
    levels = sorted(summary.levels)
    names = [f"level{lv}" if lv else "other" for lv in levels]
    lines = ["| level | problems | " + " | ".join(SPLITS) + " |", "|---|---|" + "---|" * len(SPLITS)]
    for level, name in zip(levels, names):
        lines.append(f"| {name} | {summary.levels[level]} | "
                     + " | ".join(str(summary.splits[level, s]) for s in SPLITS) + " |")
    lines.append(f"| all | {sum(summary.levels.values())} | "
                 + " | ".join(str(sum(summary.splits[lv, s] for lv in levels)) for s in SPLITS) + " |")
    tags = sorted({tag for tag, _ in summary.tags}, key=lambda t: (-sum(summary.tags[t, lv] for lv in levels), t))
    lines += ["", "| tag | " + " | ".join(names) + " | all |", "|---|" + "---|" * (len(names) + 1)]
    for tag in tags:
        counts = [summary.tags[tag, lv] for lv in levels]
        lines.append(f"| {tag} | " + " | ".join(map(str, counts)) + f" | {sum(counts)} |")
    return "\n".join(lines)
