"""The settings of a training run, every one explicit, saved with the run.

TRL has changed its defaults between releases (the GRPO loss type, ``beta``, reward scaling, completion length,
learning rate), so a run that relied on them would mean something different after an upgrade. Every setting the
recipes pass to TRL is a field here, with the value KernelGym chose; ``config.json`` in the run folder records all
of them with the library versions, and the TRL version is checked against the tested range before training.

Every config checks its fields when it is made (``__post_init__``): a bad value raises
:class:`kernelgym.field_checks.FieldError` naming the field, the value and what is allowed, before anything runs.
The command-line options of ``kernelgym train`` and ``kernelgym sft`` are generated from these fields
(:mod:`kernelgym.agents.options`: one option per field, its help text from the field's ``help``), so the options
and the saved config cannot drift apart.
``--model tiny`` (or a folder built from it, such as an SFT warm-up's ``merged/``) starts from :data:`TINY_GRPO` /
:data:`TINY_SFT` instead of the defaults: the randomly initialised tiny model needs full precision, no gradient
checkpointing and a far larger learning rate to learn anything in minutes on a CPU (values chosen by measurement,
see the README).
"""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..field_checks import choice, flag, integer, is_integer, number, require, string, strings, url

# The TRL releases the recipes were tested with (pyproject's `train` extra pins the same range).
TRL_TESTED = ((1, 16), (1, 17))


def _f(default: Any, help: str, group: str, **kwargs) -> Any:
    """A dataclass field with its command-line help and option group."""
    if isinstance(default, list):
        return field(default_factory=lambda: list(default), metadata={"help": help, "group": group, **kwargs})
    return field(default=default, metadata={"help": help, "group": group, **kwargs})


@dataclass
class CommonConfig:
    """Settings shared by GRPO and SFT runs."""

    env: list[str] = _f([], "an environment id or YAML/JSON spec path, optionally with arguments of "
                            "kernelgym.make (?difficulty=1&size=500; values are JSON or text) and a mixture weight "
                            "(:3); repeatable", "data", metavar="ID[?KEY=VALUE&...][:WEIGHT]", repeat=True)
    model: str = _f("tiny", "a local model folder or a hub name; 'tiny' builds a small random model locally "
                            "(no hub access)", "model")
    out: str = _f("runs/train", "the run folder (created)", "model")
    dtype: str = _f("auto", "weights' dtype: auto (bfloat16 on a GPU that supports it, else float32), bfloat16, "
                            "float16 or float32", "model", choices=["auto", "bfloat16", "float16", "float32"])
    seed: int = _f(0, "seed of data order, LoRA initialisation and sampling", "model")
    tiny_init_range: float = _f(0.1, "--model tiny: standard deviation of the random initial weights", "model")
    cpu_threads: int = _f(0, "torch CPU threads (0: torch's choice); a tiny model on a busy CPU runs far faster "
                             "on one", "model")
    balance_by: str = _f("task_id", "column whose values are sampled equally often within each environment "
                                    "(task_id: every problem; level, label, ...), or 'none'", "data")
    train_size: int | None = _f(None, "rows in the training mixture (default: as many as the environments' "
                                      "training tasks together)", "data")
    lora_r: int = _f(16, "LoRA rank", "lora")
    lora_alpha: int = _f(32, "LoRA alpha (the update is scaled by alpha / r)", "lora")
    lora_dropout: float = _f(0.0, "dropout on the LoRA input (0 keeps GRPO's sampling and training "
                                  "log-probabilities consistent)", "lora")
    lora_target_modules: str = _f("all-linear", "modules that get adapters: all-linear, or comma-separated names",
                                  "lora")
    learning_rate: float = _f(1e-5, "peak learning rate of the LoRA weights", "optimisation")
    lr_scheduler_type: str = _f("constant_with_warmup", "learning-rate schedule (transformers' names)",
                                "optimisation")
    warmup_steps: int = _f(0, "linear warm-up steps", "optimisation")
    weight_decay: float = _f(0.0, "AdamW weight decay", "optimisation")
    max_grad_norm: float = _f(1.0, "gradient clipping norm", "optimisation")
    optim: str = _f("adamw_torch", "optimizer (transformers' names)", "optimisation")
    max_steps: int = _f(200, "optimizer steps", "optimisation")
    per_device_train_batch_size: int = _f(8, "sequences per device per micro-batch", "optimisation")
    gradient_accumulation_steps: int = _f(1, "micro-batches per optimizer step", "optimisation")
    bf16: bool | None = _f(None, "bfloat16 mixed precision (default: on with a GPU that supports it)",
                           "optimisation")
    gradient_checkpointing: bool = _f(True, "recompute activations in the backward pass to save memory",
                                      "optimisation")
    logging_steps: int = _f(1, "log metrics every N steps (to metrics.jsonl)", "logging")
    save_steps: int = _f(50, "save a checkpoint every N steps", "logging")
    save_total_limit: int = _f(3, "checkpoints kept in checkpoints/", "logging")

    def __post_init__(self):
        """Refuse a bad field at once, naming it, rather than in the middle of a run."""
        strings(self, "env")
        for name in ("model", "out", "balance_by", "lora_target_modules", "lr_scheduler_type", "optim"):
            string(self, name)
        choice(self, "dtype", _choices(type(self), "dtype"))
        integer(self, "seed", minimum=0)
        number(self, "tiny_init_range", above=0)
        integer(self, "train_size", minimum=1, optional=True)
        for name in ("cpu_threads", "warmup_steps"):
            integer(self, name, minimum=0)
        for name in ("lora_r", "lora_alpha", "per_device_train_batch_size", "gradient_accumulation_steps",
                     "logging_steps", "save_steps", "save_total_limit"):
            integer(self, name, minimum=1)
        number(self, "lora_dropout", minimum=0, below=1)
        number(self, "learning_rate", above=0)
        for name in ("weight_decay", "max_grad_norm"):
            number(self, name, minimum=0)
        self._check_max_steps()
        flag(self, "bf16", optional=True)
        flag(self, "gradient_checkpointing")

    def _check_max_steps(self) -> None:
        integer(self, "max_steps", minimum=1)


@dataclass
class TrainConfig(CommonConfig):
    """A GRPO-LoRA run (``kernelgym train``)."""

    out: str = _f("runs/grpo", "the run folder (created)", "model")
    eval_steps: int = _f(25, "evaluate on the validation split every N steps; 0: never (the best adapter by "
                             "validation reward is kept in best/)", "evaluation")
    eval_size: int = _f(32, "validation prompts per evaluation (balanced like the training rows)", "evaluation")
    num_generations_eval: int = _f(4, "completions per validation prompt", "evaluation")
    per_device_eval_batch_size: int = _f(16, "validation sequences per micro-batch (a multiple of "
                                             "--num-generations-eval)", "evaluation")
    variance_k: int = _f(0, "before training, sample K completions per training prompt from the base model and "
                            "drop prompts whose rewards never vary (no GRPO signal); 0: skip", "data")
    loss_type: str = _f("dapo", "GRPO loss normalisation: grpo, dr_grpo, dapo, bnpo, ... (TRL's names)", "grpo")
    beta: float = _f(0.0, "KL coefficient against the reference model (0: no reference model)", "grpo")
    epsilon: float = _f(0.2, "lower clipping bound of the probability ratio", "grpo")
    epsilon_high: float | None = _f(0.28, "upper clipping bound (DAPO's clip-higher); none: same as --epsilon",
                                    "grpo")
    scale_rewards: str = _f("group", "divide advantages by the reward std of the group, the batch, or none",
                            "grpo", choices=["group", "batch", "none"])
    num_generations: int = _f(8, "completions per prompt (the GRPO group)", "grpo")
    num_iterations: int = _f(1, "optimisation passes per generated batch", "grpo")
    max_completion_length: int = _f(1024, "longest completion, in tokens", "grpo")
    mask_truncated_completions: bool = _f(False, "leave completions cut at --max-completion-length out of the "
                                                 "loss", "grpo")
    temperature: float = _f(1.0, "sampling temperature", "generation")
    top_p: float = _f(1.0, "nucleus sampling threshold", "generation")
    vllm: bool = _f(False, "generate with vLLM (needs a GPU and the vllm package)", "generation")
    vllm_mode: str = _f("colocate", "colocate (vLLM in the training process) or server (a separate `trl "
                                    "vllm-serve`)", "generation", choices=["colocate", "server"])
    vllm_server_base_url: str | None = _f(None, "server mode: the URL of `trl vllm-serve` (default "
                                                "http://localhost:8000)", "generation")
    vllm_gpu_memory_utilization: float = _f(0.3, "colocate mode: GPU memory share vLLM may take", "generation")
    log_completions: bool = _f(False, "print a sample of completions with their rewards at each log",
                               "logging")
    env_url: str | None = _f(None, "grade on a `kernelgym serve` server at this URL (through TRL's rollout_func and "
                                   "OpenEnv sessions) instead of in this process; it must serve every --env with "
                                   "the same arguments; its token from KERNELGYM_SERVE_TOKEN", "data")

    def __post_init__(self):
        """Refuse a bad field at once, naming it (the common fields first)."""
        super().__post_init__()
        integer(self, "eval_steps", minimum=0)
        for name in ("eval_size", "num_generations_eval", "per_device_eval_batch_size", "num_iterations",
                     "max_completion_length"):
            integer(self, name, minimum=1)
        require(self, "variance_k", is_integer(self.variance_k) and (self.variance_k == 0 or self.variance_k >= 2),
                "0 (no variance study) or an integer of at least 2")
        integer(self, "num_generations", minimum=2)  # a group of one has no advantage
        string(self, "loss_type")
        number(self, "beta", minimum=0)
        number(self, "epsilon", above=0)
        number(self, "epsilon_high", above=0, optional=True)
        for name in ("scale_rewards", "vllm_mode"):
            choice(self, name, _choices(TrainConfig, name))
        number(self, "temperature", above=0)
        number(self, "top_p", above=0, maximum=1)
        number(self, "vllm_gpu_memory_utilization", above=0, maximum=1)
        for name in ("mask_truncated_completions", "vllm", "log_completions"):
            flag(self, name)
        url(self, "vllm_server_base_url", optional=True)
        url(self, "env_url", optional=True)


@dataclass
class SFTRunConfig(CommonConfig):
    """A supervised warm-up on the environments' reference answers (``kernelgym sft``)."""

    out: str = _f("runs/sft", "the run folder (created)", "model")
    learning_rate: float = _f(1e-4, "peak learning rate of the LoRA weights", "optimisation")
    max_steps: int = _f(-1, "optimizer steps (-1: --epochs passes over the data)", "optimisation")
    epochs: float = _f(3.0, "passes over the reference answers (when --max-steps is -1)", "optimisation")
    max_length: int = _f(4096, "longest prompt + answer, in tokens (longer rows are truncated at the end)", "data")

    def __post_init__(self):
        """Refuse a bad field at once, naming it (the common fields first)."""
        super().__post_init__()
        number(self, "epochs", above=0)
        integer(self, "max_length", minimum=1)

    def _check_max_steps(self) -> None:
        require(self, "max_steps", is_integer(self.max_steps) and (self.max_steps == -1 or self.max_steps >= 1),
                "-1 (--epochs passes) or an integer of at least 1")


def _choices(cls: type, name: str) -> list[str]:
    """The values a field allows, from its ``choices`` (the same list its command-line option offers)."""
    return cls.__dataclass_fields__[name].metadata["choices"]


# What --model tiny changes, and why: a random 140k-parameter model on a CPU.
TINY_COMMON: dict[str, Any] = {
    "dtype": "float32",              # bf16 on a CPU is slow and too coarse for a tiny model
    "bf16": False,
    "gradient_checkpointing": False,  # nothing to save, and it slows a CPU step down
    "cpu_threads": 1,                 # 64-wide matrices: threads only add overhead (15x slower on a busy CPU)
}
TINY_GRPO: dict[str, Any] = {
    **TINY_COMMON,
    "learning_rate": 2e-3,            # 1e-6 moves a random model nowhere in hundreds of steps
    "max_completion_length": 16,
    "num_generations": 8,
    "per_device_train_batch_size": 32,
    "eval_size": 10,                  # every validation task of kernelgym/repeat-digit-v0 once
    "per_device_eval_batch_size": 40,
}
TINY_SFT: dict[str, Any] = {
    **TINY_COMMON,
    "learning_rate": 1e-2,
    "per_device_train_batch_size": 8,
}


def is_tiny(model: str | None) -> bool:
    """``tiny``, or a folder holding a model built from it (``base-model/``, an SFT run's ``merged/``): both are
    marked by the ``tiny.json`` that records the tiny model's shape.

    >>> is_tiny("tiny"), is_tiny("Qwen/Qwen2.5-0.5B-Instruct")
    (True, False)
    """
    return model == "tiny" or (model is not None and (Path(model) / "tiny.json").is_file())


def preset(cls: type[CommonConfig], model: str | None) -> CommonConfig:
    """The defaults of ``cls``, with the tiny model's settings when ``model`` is the tiny model or built from it
    (so ``kernelgym train --model SFT_RUN/merged`` after ``kernelgym sft --model tiny`` keeps the tiny settings)."""
    config = cls()
    if is_tiny(model):
        config = dataclasses.replace(config, **(TINY_GRPO if cls is TrainConfig else TINY_SFT))
    return config


@dataclass(frozen=True)
class EnvSpec:
    """One ``--env`` option: an environment id (or a YAML/JSON spec path), its arguments and its mixture weight.

    Attributes:
        env_id: What :func:`kernelgym.make` builds.
        weight: The environment's share of the training rows (relative to the others).
        kwargs: Keyword arguments of :func:`kernelgym.make` (``difficulty``, ``path``, ``size``, ...).
    """

    env_id: str
    weight: float = 1.0
    kwargs: dict[str, Any] = field(default_factory=dict)


def parse_env(spec: str) -> EnvSpec:
    """Read ``ID[?KEY=VALUE[&KEY=VALUE...]][:WEIGHT]``. Values are JSON (``1``, ``0.5``, ``true``) or else text.

    >>> parse_env("kernelgym/countdown-v0:3")
    EnvSpec(env_id='kernelgym/countdown-v0', weight=3.0, kwargs={})
    >>> parse_env("kernelgym/countdown-v0?difficulty=1&use_all=true:2")
    EnvSpec(env_id='kernelgym/countdown-v0', weight=2.0, kwargs={'difficulty': 1, 'use_all': True})
    >>> parse_env("kernelgym/math-v0?path=gsm8k/train.jsonl&file_split=train").kwargs
    {'path': 'gsm8k/train.jsonl', 'file_split': 'train'}

    Raises:
        ValueError: An argument is not ``KEY=VALUE``.
    """
    head, weight = spec, 1.0
    left, sep, tail = spec.rpartition(":")
    if sep:
        try:
            head, weight = left, float(tail)
        except ValueError:
            pass
    env_id, _, query = head.partition("?")
    kwargs: dict[str, Any] = {}
    for pair in query.split("&") if query else []:
        key, equals, value = pair.partition("=")
        if not key.isidentifier() or not equals:
            raise ValueError(f"--env {spec!r}: expected KEY=VALUE after '?', not {pair!r}")
        try:
            kwargs[key] = json.loads(value)
        except ValueError:
            kwargs[key] = value
    return EnvSpec(env_id, weight, kwargs)


def make_envs(specs: list[str]) -> tuple[list, list[float]]:
    """The environments of ``--env`` options, and their mixture weights.

    Raises:
        SystemExit: An option does not parse, names an unknown environment, gives it an argument it does not take,
            or names an environment a second time (each needs its own id, so that rewards can be routed to it).
    """
    import kernelgym

    envs, weights = [], []
    for text in specs:
        try:
            spec = parse_env(text)
            env = kernelgym.make(spec.env_id, **spec.kwargs)
        except (KeyError, TypeError, ValueError, OSError) as exc:
            reason = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc  # KeyError's str() quotes it
            raise SystemExit(f"--env {text}: {reason}") from None
        if any(other.env_id == env.env_id for other in envs):
            raise SystemExit(f"--env {text}: {env.env_id} is already in the mixture; each environment may appear "
                             f"once (give it one weight)")
        envs.append(env)
        weights.append(spec.weight)
    return envs, weights


def versions() -> dict[str, str]:
    """Versions of the libraries a run depends on."""
    import importlib.metadata as metadata

    found = {}
    for name in ("kernelgym", "trl", "transformers", "peft", "torch", "accelerate", "datasets", "vllm"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return found


def check_trl() -> str:
    """The installed TRL version, after checking that it lies in the tested range.

    Raises:
        RuntimeError: TRL is missing or outside :data:`TRL_TESTED`, with the install command.
    """
    import importlib.metadata as metadata

    try:
        version = metadata.version("trl")
    except metadata.PackageNotFoundError as exc:
        raise RuntimeError("training needs TRL: pip install 'kernelgym[train]'") from exc
    major_minor = tuple(int(part) for part in version.split(".")[:2])
    low, high = TRL_TESTED
    if not low <= major_minor < high:
        raise RuntimeError(f"KernelGym's recipes were tested with TRL >={low[0]}.{low[1]},<{high[0]}.{high[1]}, "
                           f"not {version}; TRL changes its defaults between releases. pip install "
                           f"'kernelgym[train]' installs the tested range.")
    return version


def save(config: CommonConfig, path: str | Path, **extra: Any) -> None:
    """Write ``config`` (and ``extra`` entries, e.g. the resolved TRL arguments) as JSON."""
    record = {"kind": type(config).__name__, "config": dataclasses.asdict(config), "versions": versions(), **extra}
    Path(path).write_text(json.dumps(record, indent=2, default=str) + "\n")


def load(path: str | Path) -> CommonConfig:
    """Read a config that :func:`save` wrote."""
    record = json.loads(Path(path).read_text())
    cls = {"TrainConfig": TrainConfig, "SFTRunConfig": SFTRunConfig}[record["kind"]]
    return cls(**record["config"])
