"""``kernelgym sft``: a supervised LoRA warm-up on the environments' reference answers, before GRPO.

A model that never produces a well-formed answer gets no GRPO signal (every completion of a group earns the same
zero). A short supervised pass on the suite's reference solutions, in the exact prompt and answer format of the
environment, fixes that. The recipe, top to bottom:

1. rows from the ``train`` split only (validation and test references are never shown): the environment's prompt
   as the user message, its reference answer (:meth:`TextEnv.reference_answer`) as the assistant message, mixed
   and balanced like GRPO's rows (:mod:`kernelgym.agents.data`);
2. the model and tokenizer (``--model tiny`` builds the small random model);
3. TRL's ``SFTConfig`` with every setting explicit, peft's ``LoraConfig``, and ``SFTTrainer`` (loss on the answer
   only);
4. the adapter, and the base model with the adapter merged into it (``merged/``), which is what a later
   ``kernelgym train --model RUN/merged`` starts from.

The run folder: ``config.json``, ``metrics.jsonl``, ``loss_curve.png``, ``adapter/``, ``merged/`` (model and
tokenizer), ``checkpoints/``, and ``base-model/`` with ``--model tiny``.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .common import is_first_process, load_model, lora_config, resolve_bf16
from .config import SFTRunConfig, check_trl, make_envs, save


@dataclass
class SFTRun:
    """What :func:`sft` leaves behind.

    Attributes:
        out: The run folder.
        config: The settings of the run.
        rows: The training rows (``prompt``, ``completion``, ``env_id``, ``task_id``).
        trainer: The ``SFTTrainer`` (its ``model`` is the trained peft model).
    """

    out: Path
    config: SFTRunConfig
    rows: list[dict]
    trainer: Any = None

    @property
    def merged(self) -> Path:
        """The folder of the merged model, for ``kernelgym train --model``."""
        return self.out / "merged"


def reference_rows(envs, weights, size: int | None, balance_by: str | None, seed: int) -> list[dict]:
    """Conversational prompt-completion rows from the reference answers of the environments' ``train`` tasks.

    Raises:
        ValueError: An environment has no reference answers in its train split.
    """
    from .data import build_rows

    answers = {}
    for env in envs:
        for task in env.tasks("train"):
            answer = env.reference_answer(task)
            if answer is not None:
                answers[(env.env_id, task.task_id)] = answer
        if not any(key[0] == env.env_id for key in answers):
            raise ValueError(f"{env.env_id} has no reference answers in its train split; SFT has nothing to learn")
    rows = []
    for row in build_rows(envs, weights, "train", size, balance_by, seed):
        answer = answers.get((row["env_id"], row["task_id"]))
        if answer is not None:
            rows.append({**row, "completion": [{"role": "assistant", "content": answer}]})
    return rows


def sft(config: SFTRunConfig) -> SFTRun:
    """Run the supervised warm-up as ``config`` says; see the module docstring."""
    from .progress import TrainProgress, quiet_libraries

    with quiet_libraries(), TrainProgress(config.max_steps, enabled=is_first_process()) as progress:
        return _sft(config, progress)


def _sft(config: SFTRunConfig, progress: "TrainProgress") -> SFTRun:
    trl_version = check_trl()
    import torch
    from datasets import Dataset
    from peft import PeftModel
    from trl import SFTConfig, SFTTrainer

    from transformers import PrinterCallback

    from .callbacks import MetricsLog, plot_metrics

    # 1. Rows: reference answers of the train split, in the environments' own prompt format ---------------------
    envs, weights = make_envs(config.env)
    rows = reference_rows(envs, weights, config.train_size, config.balance_by, config.seed)
    out = Path(config.out)
    out.mkdir(parents=True, exist_ok=True)

    # 2. Model and tokenizer ----------------------------------------------------------------------------------
    model, tokenizer = load_model(config, out)

    # 3. TRL and peft settings, all explicit; train ---------------------------------------------------------------
    args = SFTConfig(
        output_dir=str(out / "checkpoints"),
        seed=config.seed,
        learning_rate=config.learning_rate,
        lr_scheduler_type=config.lr_scheduler_type,
        warmup_steps=config.warmup_steps,
        weight_decay=config.weight_decay,
        max_grad_norm=config.max_grad_norm,
        optim=config.optim,
        num_train_epochs=config.epochs,
        max_steps=config.max_steps,
        per_device_train_batch_size=config.per_device_train_batch_size,
        gradient_accumulation_steps=config.gradient_accumulation_steps,
        bf16=resolve_bf16(config, torch.cuda.is_available()),
        fp16=False,
        activation_checkpointing=config.gradient_checkpointing,  # transformers 5 name of gradient checkpointing
        max_length=config.max_length,
        truncation_mode="keep_start",
        completion_only_loss=True,   # the loss is on the answer, not on the prompt
        assistant_only_loss=False,
        packing=False,
        padding_free=False,
        loss_type="nll",
        shuffle_dataset=True,
        logging_steps=config.logging_steps,
        logging_first_step=True,
        report_to="none",
        disable_tqdm=True,  # the run shows its own progress display (kernelgym.agents.progress)
        save_strategy="steps",
        save_steps=config.save_steps,
        save_total_limit=config.save_total_limit,
        dataloader_num_workers=0,
        dataloader_pin_memory=torch.cuda.is_available(),
    )
    lora = lora_config(config)
    first = is_first_process()  # under `accelerate launch` every process runs this; one writes the files
    if first:
        (out / "metrics.jsonl").unlink(missing_ok=True)  # a run into an old folder starts a new log
        save(config, out / "config.json", trl_args=args.to_dict(), lora=lora.to_dict(), trl_version=trl_version,
             train_rows=len(rows), tasks=sorted({f"{r['env_id']}:{r['task_id']}" for r in rows}))
    trainer = SFTTrainer(model=model, args=args, train_dataset=Dataset.from_list(rows), processing_class=tokenizer,
                         peft_config=lora, callbacks=[MetricsLog(out / "metrics.jsonl"), progress])
    trainer.remove_callback(PrinterCallback)  # it prints every log as a raw dict; metrics.jsonl has them all
    trainer.train()

    # 4. The adapter, and the base model with the adapter merged (loaded afresh, so the trainer's model is intact)
    trainer.save_model(str(out / "adapter"))
    if first:
        base, _ = load_model(config, out)
        merged = PeftModel.from_pretrained(base, str(out / "adapter")).merge_and_unload()
        merged.save_pretrained(out / "merged")
        tokenizer.save_pretrained(out / "merged")
        keep_tiny_marker(config, out)
        plot_metrics(out / "metrics.jsonl", out / "loss_curve.png", title="SFT: " + ", ".join(config.env),
                     keys=("loss",))
        progress.stop()
        print(f"trained {trainer.state.global_step} steps on {len(rows)} reference answers; merged model in "
              f"{out / 'merged'}", file=sys.stderr)
    return SFTRun(out=out, config=config, rows=rows, trainer=trainer)


def keep_tiny_marker(config: SFTRunConfig, out: Path) -> None:
    """Copy the tiny model's ``tiny.json`` into ``merged/`` when the run started from it, so that ``kernelgym train
    --model RUN/merged`` takes the tiny model's settings (:func:`kernelgym.agents.config.is_tiny`)."""
    import shutil

    source = out / "base-model" if config.model == "tiny" else Path(config.model)
    if (source / "tiny.json").is_file():
        shutil.copyfile(source / "tiny.json", out / "merged" / "tiny.json")


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` (``kernelgym sft``'s options) and train: ``python -m kernelgym.agents.sft``."""
    from .options import command_main

    return command_main(SFTRunConfig, sft, "kernelgym sft", __doc__, argv)


if __name__ == "__main__":
    sys.exit(main())
