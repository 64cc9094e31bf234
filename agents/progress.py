"""What ``kernelgym train`` (and ``kernelgym sft``) shows a person while it runs: one progress display with the
numbers that matter.

TRL's trainer prints every log as a raw Python dict (thirty-odd keys a step) on stdout. The recipe turns that off
(``disable_tqdm=True`` and the ``PrinterCallback`` removed) and shows instead, on stderr:

- in a terminal, a rich progress bar: ``step 12/300``, the training reward and each reward component (the mean
  of the last logged step), the validation reward once measured, elapsed time and time left;
- elsewhere (a log file, CI), one line per log with the same numbers.

A run without rewards (``kernelgym sft``) shows its training loss instead.

Every metric still goes to ``metrics.jsonl`` (:class:`kernelgym.agents.callbacks.MetricsLog`).

:func:`quiet_libraries` silences library messages that say nothing to the person running the command (named one
by one below); errors and every other warning still show.
"""
from __future__ import annotations

import contextlib
import re
import time
import warnings
from dataclasses import dataclass, field

from transformers import TrainerCallback

# (category, message regex) of library warnings that carry no information for someone running `kernelgym train`.
SILENCED = (
    # transformers 5 renamed the method; TRL and peft still call the old name on every step. Nothing to do for us.
    (FutureWarning, r"`is_gradient_checkpointing` is deprecated"),
)


@contextlib.contextmanager
def quiet_libraries():
    """Within the block: the warnings of :data:`SILENCED` are ignored, and the progress bars of transformers'
    model loading ("Loading weights", "Writing model shards") and of datasets' preprocessing ("Tokenizing train
    dataset", run by TRL's SFT trainer) are off; all is restored afterwards."""
    import datasets
    from transformers.utils import logging as hf_logging

    bars = hf_logging.is_progress_bar_enabled()
    dataset_bars = datasets.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    datasets.disable_progress_bars()
    try:
        with warnings.catch_warnings():
            for category, message in SILENCED:
                warnings.filterwarnings("ignore", message=message, category=category)
            yield
    finally:
        if bars:
            hf_logging.enable_progress_bar()
        if dataset_bars:
            datasets.enable_progress_bars()


def component_name(key: str) -> str | None:
    """The reward component of a TRL log key (``rewards/<component>/mean``), or None.

    >>> component_name("rewards/format/mean"), component_name("rewards/format/std"), component_name("reward")
    ('format', None, None)
    """
    match = re.fullmatch(r"rewards/(.+)/mean", key)
    return match.group(1) if match else None


@dataclass
class Numbers:
    """The few numbers the display shows, updated from each log.

    Attributes:
        reward: The training reward of the last logged step.
        components: Each reward component's mean at the last logged step, in the order first logged.
        eval_reward: The last validation reward (None until measured).
        eval_step: The step it was measured at.
        loss: The training loss of the last logged step, shown only by runs that log no reward (SFT).
    """

    reward: float | None = None
    components: dict[str, float] = field(default_factory=dict)
    eval_reward: float | None = None
    eval_step: int | None = None
    loss: float | None = None

    def update(self, logs: dict, step: int) -> bool:
        """Take the numbers of one log; True when it held any (a training or a validation log).

        >>> n = Numbers()
        >>> n.update({"reward": 0.5, "rewards/format/mean": 0.1, "loss": 0.0}, 3), n.text()
        (True, 'reward 0.500 (format 0.100)')
        >>> n.update({"eval_reward": 0.25}, 4), n.text()
        (True, 'reward 0.500 (format 0.100)  validation 0.250 @ step 4')
        >>> n.update({"train_runtime": 1.0}, 4)
        False
        >>> sft = Numbers()
        >>> sft.update({"loss": 1.25, "grad_norm": 3.0}, 1), sft.text()
        (True, 'loss 1.250')
        """
        seen = False
        if isinstance(logs.get("loss"), (int, float)):
            self.loss, seen = float(logs["loss"]), True
        if isinstance(logs.get("reward"), (int, float)):
            self.reward, seen = float(logs["reward"]), True
            for key, value in logs.items():
                name = component_name(key)
                if name is not None and isinstance(value, (int, float)):
                    self.components[name] = float(value)
        if isinstance(logs.get("eval_reward"), (int, float)):
            self.eval_reward, self.eval_step, seen = float(logs["eval_reward"]), step, True
        return seen

    def text(self) -> str:
        """The numbers in one short line."""
        parts = [f"loss {self.loss:.3f}"] if self.reward is None and self.loss is not None else []
        if self.reward is not None:
            parts.append(f"reward {self.reward:.3f}")
            if self.components:
                parts[-1] += " (" + ", ".join(f"{n} {v:.3f}" for n, v in self.components.items()) + ")"
        if self.eval_reward is not None:
            parts.append(f"validation {self.eval_reward:.3f} @ step {self.eval_step}")
        return "  ".join(parts)


def duration(seconds: float) -> str:
    """``h:mm:ss``.

    >>> duration(3725.4)
    '1:02:05'
    """
    seconds = int(round(seconds))
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


class TrainProgress(TrainerCallback):
    """The progress display of a training run: a trainer callback, and a context manager around the whole run
    (model loading included: the display says ``starting`` until the first validation or training step).

    Args:
        max_steps: The steps of the run (0 or less: not known until training starts, as with ``--epochs``).
        enabled: Show anything (False in every process but the first under ``accelerate launch``).
        console: A ``rich.console.Console`` (default: one on stderr); a terminal gets a live bar, anything else a
            line per log.
    """

    def __init__(self, max_steps: int, enabled: bool = True, console=None):
        self.max_steps = max_steps
        self.enabled = enabled
        self.numbers = Numbers()
        self.step = 0
        self._console = console
        self._bar = None
        self._task = None
        self._started: float | None = None
        self._train_started: float | None = None

    # --- the display ------------------------------------------------------------------------------------------
    def __enter__(self) -> "TrainProgress":
        if not self.enabled:
            return self
        from rich.console import Console

        self._console = self._console or Console(stderr=True)
        self._started = time.monotonic()
        if self._console.is_terminal:
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                                       TimeRemainingColumn)

            self._bar = Progress(TextColumn("{task.description}"), BarColumn(bar_width=24), MofNCompleteColumn(),
                                 TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn(),
                                 TextColumn("{task.fields[numbers]}"), console=self._console)
            self._task = self._bar.add_task("starting", total=self.max_steps if self.max_steps > 0 else None,
                                            numbers="")
            self._bar.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        """End the live display (its last state stays on screen); later logs, if any, print as lines."""
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def phase(self, text: str) -> None:
        """Say what the run is doing (``validation``, ``step``)."""
        if self._bar is not None:
            self._bar.update(self._task, description=text)

    def remaining(self) -> float | None:
        """Seconds left, from the mean time of the training steps so far (None before the first)."""
        if self._train_started is None or self.step == 0:
            return None
        return (time.monotonic() - self._train_started) / self.step * (self.max_steps - self.step)

    def _show(self) -> None:
        if self._bar is not None:
            self._bar.update(self._task, completed=self.step, numbers=self.numbers.text())
        elif self.enabled and self._console is not None:
            left = self.remaining()
            self._console.print(f"step {self.step}/{self.max_steps}  {self.numbers.text()}"
                                + (f"  left {duration(left)}" if left is not None else ""),
                                highlight=False, soft_wrap=True)

    # --- trainer events ---------------------------------------------------------------------------------------
    def on_train_begin(self, args, state, control, **kwargs):
        self.max_steps = state.max_steps or self.max_steps
        self._train_started = time.monotonic()
        if self._bar is not None:
            self._bar.reset(self._task, total=self.max_steps, completed=state.global_step)
        self.phase("step")

    def on_step_end(self, args, state, control, **kwargs):
        self.step = state.global_step
        if self._bar is not None:
            self._bar.update(self._task, completed=self.step)

    def on_prediction_step(self, args, state, control, **kwargs):
        self.phase("validation")

    def on_evaluate(self, args, state, control, **kwargs):
        self.phase("step")

    def on_log(self, args, state, control, logs=None, **kwargs):
        if state.is_world_process_zero and logs and self.numbers.update(logs, state.global_step):
            self._show()
