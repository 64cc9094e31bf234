"""What a run leaves in its folder besides TRL's checkpoints: the metrics log, the best adapter, the reward plot.

Two ``transformers.TrainerCallback`` objects watch the trainer without changing it:

- :class:`MetricsLog` appends every log (training and validation) to ``metrics.jsonl``, one JSON object a line
  with its ``step``; TRL's GRPO logs hold ``reward``, ``rewards/<component>/mean`` and their ``eval_`` twins;
- :class:`KeepBest` saves the adapter to ``best/`` whenever the validation reward beats the best so far, and
  records the step and the value in ``best/best.json``.

:func:`plot_metrics` draws ``reward_curve.png`` from ``metrics.jsonl`` at the end of a run: one panel for the
reward and one per reward component, each with its training and validation curve.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

from transformers import TrainerCallback


class MetricsLog(TrainerCallback):
    """Append each log to a JSONL file.

    Args:
        path: The file (``metrics.jsonl`` in the run folder).
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def on_log(self, args, state, control, logs=None, **kwargs):
        if state.is_world_process_zero and logs:
            record = {"step": state.global_step, **{k: _plain(v) for k, v in logs.items()}}
            with self.path.open("a") as handle:
                handle.write(json.dumps(record) + "\n")


class GradingStats(TrainerCallback):
    """Add the grading throughput of each log interval to the log, from a :class:`kernelgym.trl_rewards.RewardRouter`.

    Placed before :class:`MetricsLog`, so that ``metrics.jsonl`` records them. Keys (``eval_`` first for a
    validation log, whose interval is the validation pass):

    - ``grading/gradings``: completions graded in the interval (cache misses);
    - ``grading/sandboxed``: of those, kernel answers that ran in the sandbox (the rest were refused before
      running: a format failure or a static check);
    - ``grading/gradings_per_s``, ``grading/sandboxed_per_s``: those over the seconds spent grading;
    - ``grading/time_share``: seconds spent grading over the interval's wall-clock seconds;
    - ``grading/solved_share``: the share of the interval's scored completions that solved their task.

    Args:
        router: The router whose reward functions the trainer calls.
    """

    def __init__(self, router):
        import time

        self.router = router
        self._clock = time.monotonic
        self._last = self._snapshot()

    def _snapshot(self) -> tuple[float, int, int, float, int, int]:
        r = self.router
        return self._clock(), r.gradings, r.sandboxed, r.grading_s, r.samples, r.solved

    def on_log(self, args, state, control, logs=None, **kwargs):
        if logs is None:
            return
        now = self._snapshot()
        wall, gradings, sandboxed, grading_s, samples, solved = (b - a for a, b in zip(self._last, now))
        self._last = now
        prefix = "eval_" if any(key.startswith("eval_") for key in logs) else ""
        logs[f"{prefix}grading/gradings"] = gradings
        logs[f"{prefix}grading/sandboxed"] = sandboxed
        logs[f"{prefix}grading/gradings_per_s"] = gradings / grading_s if grading_s > 0 else None
        logs[f"{prefix}grading/sandboxed_per_s"] = sandboxed / grading_s if grading_s > 0 else None
        logs[f"{prefix}grading/time_share"] = grading_s / wall if wall > 0 else None
        logs[f"{prefix}grading/solved_share"] = solved / samples if samples else None


class KeepBest(TrainerCallback):
    """Save the model (its adapter, for a peft model) whenever a validation metric improves.

    Args:
        folder: Where the best adapter goes (``best/`` in the run folder).
        metric: The metric of an evaluation to maximise (TRL's GRPO logs ``eval_reward``).
    """

    def __init__(self, folder: str | Path, metric: str = "eval_reward"):
        self.folder = Path(folder)
        self.metric = metric
        self.best: float | None = None
        self.best_step: int | None = None
        self.last: dict = {}
        self.last_step: int | None = None

    def on_evaluate(self, args, state, control, metrics=None, model=None, processing_class=None, **kwargs):
        self.last, self.last_step = dict(metrics or {}), state.global_step
        value = self.last.get(self.metric)
        if value is None or not math.isfinite(value) or not state.is_world_process_zero:
            return
        if self.best is None or value > self.best:
            self.best, self.best_step = value, state.global_step
            model.save_pretrained(self.folder)
            if processing_class is not None:
                processing_class.save_pretrained(self.folder)
            (self.folder / "best.json").write_text(json.dumps({"step": state.global_step, self.metric: value},
                                                              indent=2) + "\n")


def read_metrics(path: str | Path) -> list[dict]:
    """The records of a ``metrics.jsonl`` file (empty when it does not exist)."""
    path = Path(path)
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


Curve = tuple[list[int], list[float]]


def reward_panels(records: list[dict], keys: tuple[str, ...] | None = None) -> list[tuple[str, dict[str, Curve]]]:
    """The panels of the reward plot, as ``(title, {legend label: (steps, values)})``: the total reward first, then
    one per reward component, each with its training and validation curve; with ``keys``, one panel per key.

    >>> records = [{"step": 1, "reward": 0.5, "rewards/format/mean": 0.1, "rewards/format/std": 0.0},
    ...            {"step": 1, "eval_reward": 0.4, "eval_rewards/format/mean": 0.1}]
    >>> [(title, sorted(curves)) for title, curves in reward_panels(records)]
    [('reward', ['training', 'validation']), ('format', ['training', 'validation'])]
    """
    panels: dict[str, dict[str, Curve]] = {}
    for record in records:
        for key, value in record.items():
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
                continue
            if keys:
                title, label = (key, key) if key in keys else (None, None)
            else:
                title, label = _panel_of(key)
            if title is not None:
                steps, values = panels.setdefault(title, {}).setdefault(label, ([], []))
                steps.append(record["step"])
                values.append(value)
    order = list(keys) if keys else ["reward"]
    return [(t, panels[t]) for t in order if t in panels] + [(t, c) for t, c in panels.items() if t not in order]


def _panel_of(key: str) -> tuple[str | None, str | None]:
    """``(panel title, legend label)`` of a GRPO log key, or ``(None, None)`` for a key the plot leaves out."""
    if key in ("reward", "eval_reward"):
        return "reward", "validation" if key.startswith("eval_") else "training"
    for prefix, label in (("rewards/", "training"), ("eval_rewards/", "validation")):
        if key.startswith(prefix) and key.endswith("/mean"):
            return key[len(prefix):-len("/mean")], label
    return None, None


def plot_metrics(metrics_path: str | Path, png: str | Path, title: str = "",
                 keys: tuple[str, ...] | None = None) -> Path | None:
    """Plot :func:`reward_panels` of a ``metrics.jsonl`` file against the step, one panel each, in a grid.

    Args:
        metrics_path: A ``metrics.jsonl`` file.
        png: The image to write.
        title: The figure's title.
        keys: Plot these metrics instead, one panel each (e.g. ``("loss",)`` for SFT).

    Returns:
        The image's path, or None when there was nothing to plot or matplotlib is not installed.
    """
    panels = reward_panels(read_metrics(metrics_path), keys)
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.ticker import MaxNLocator
    except ImportError:
        return None
    if not panels:
        return None
    columns = 1 if len(panels) == 1 else 2 if len(panels) <= 4 else 3
    rows = -(-len(panels) // columns)
    figure, axes = plt.subplots(rows, columns, figsize=(4.6 * columns if columns > 1 else 8, 3.2 * rows + 0.4),
                                squeeze=False)
    for axis, (name, curves) in zip(axes.flat, panels):
        for label in sorted(curves, key=lambda k: k != "training"):
            steps, values = curves[label]
            validation = label == "validation"
            axis.plot(steps, values, marker="o" if validation or len(steps) < 20 else None, markersize=3,
                      linewidth=1.6, label=label)
        axis.set_title(name if keys or name == "reward" else f"component: {name}", fontsize=10)
        axis.set_xlabel("step")
        axis.xaxis.set_major_locator(MaxNLocator(integer=True))
        axis.set_ylabel(name if keys else "mean reward")
        axis.grid(alpha=0.3)
        if len(curves) > 1:
            axis.legend(fontsize=8, loc="best")
    for axis in list(axes.flat)[len(panels):]:
        axis.set_visible(False)
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    figure.savefig(png, dpi=110)
    plt.close(figure)
    return Path(png)


def _plain(value):
    """A JSON-safe value (NaN and infinities become None)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
