"""What a run leaves in its folder besides TRL's checkpoints: the metrics log, the best adapter, the reward plot.

Two ``transformers.TrainerCallback`` objects watch the trainer without changing it:

- :class:`MetricsLog` appends every log (training and validation) to ``metrics.jsonl``, one JSON object a line
  with its ``step``; TRL's GRPO logs hold ``reward``, ``rewards/<component>/mean`` and their ``eval_`` twins;
- :class:`KeepBest` saves the adapter to ``best/`` whenever the validation reward beats the best so far, and
  records the step and the value in ``best/best.json``.

:func:`plot_metrics` draws ``reward_curve.png`` from ``metrics.jsonl`` at the end of a run.
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


def plot_metrics(metrics_path: str | Path, png: str | Path, title: str = "",
                 keys: tuple[str, ...] | None = None) -> Path | None:
    """Plot the training reward, each ``rewards/<component>/mean`` and the validation reward against the step.

    Args:
        metrics_path: A ``metrics.jsonl`` file.
        png: The image to write.
        title: The plot's title.
        keys: Plot these metrics instead (e.g. ``("loss",)`` for SFT).

    Returns:
        The image's path, or None when there was nothing to plot or matplotlib is not installed.
    """
    records = read_metrics(metrics_path)
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    curves: dict[str, tuple[list[int], list[float]]] = {}
    for record in records:
        for key, value in record.items():
            if (key in keys) if keys else (key in ("reward", "eval_reward") or (
                    key.startswith(("rewards/", "eval_rewards/")) and key.endswith("/mean"))):
                if isinstance(value, (int, float)) and math.isfinite(value):
                    steps, values = curves.setdefault(key, ([], []))
                    steps.append(record["step"])
                    values.append(value)
    if not curves:
        return None
    figure, axis = plt.subplots(figsize=(8, 4.5))
    for key in sorted(curves, key=lambda k: (k not in ("reward", "eval_reward"), k)):
        steps, values = curves[key]
        style = {"linewidth": 2.0} if key in ("reward", "eval_reward") else {"linewidth": 0.8, "alpha": 0.7}
        axis.plot(steps, values, marker="o" if key.startswith("eval") else None, markersize=3, label=key, **style)
    axis.set_xlabel("step")
    axis.set_ylabel(", ".join(keys) if keys else "mean reward")
    axis.set_title(title)
    axis.grid(alpha=0.3)
    axis.legend(fontsize=7, loc="best")
    figure.tight_layout()
    figure.savefig(png, dpi=120)
    plt.close(figure)
    return Path(png)


def _plain(value):
    """A JSON-safe value (NaN and infinities become None)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
