"""What the recipes share: which process writes the run folder, the model and tokenizer, precision, and LoRA.

``kernelgym train`` (:mod:`kernelgym.agents.train`) and ``kernelgym sft`` (:mod:`kernelgym.agents.sft`) both take
these from here, so that neither recipe imports the other.
"""
from __future__ import annotations

import os
from pathlib import Path


def is_first_process() -> bool:
    """True in the process that writes the run folder (the only one, or rank 0 under ``accelerate launch``)."""
    return int(os.environ.get("RANK", "0")) == 0


def load_model(config, out: Path):
    """The model and its tokenizer (left-padded, with a chat template); ``tiny`` is built in ``out/base-model``."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    if config.cpu_threads:
        torch.set_num_threads(config.cpu_threads)
    path = config.model
    if path == "tiny":
        from .tiny import TinyConfig, build_tiny_model

        tiny = TinyConfig(initializer_range=config.tiny_init_range, seed=config.seed)
        path = str(build_tiny_model(out / "base-model", tiny))
    tokenizer = AutoTokenizer.from_pretrained(path, padding_side="left")
    if not tokenizer.chat_template:
        raise SystemExit(f"{path}'s tokenizer has no chat template; the environments' prompts are conversations, "
                         f"so use an instruction-tuned model (or one with a chat template)")
    dtype = resolve_dtype(config.dtype, torch.cuda.is_available())
    model = AutoModelForCausalLM.from_pretrained(path, dtype=getattr(torch, dtype))
    return model, tokenizer


def resolve_dtype(dtype: str, cuda: bool) -> str:
    """``auto`` becomes bfloat16 on a GPU that supports it, float32 elsewhere."""
    if dtype != "auto":
        return dtype
    import torch

    return "bfloat16" if cuda and torch.cuda.is_bf16_supported() else "float32"


def resolve_bf16(config, cuda: bool) -> bool:
    """``--bf16`` as given, else on with a GPU that supports it."""
    if config.bf16 is not None:
        return config.bf16
    import torch

    return bool(cuda and torch.cuda.is_bf16_supported())


def lora_targets(spec: str) -> str | list[str]:
    """``all-linear`` (peft's name for every linear layer but the output head) or a list of module names."""
    return spec if spec == "all-linear" else [name.strip() for name in spec.split(",") if name.strip()]


def lora_config(config):
    """peft's ``LoraConfig`` for a run's ``lora_*`` settings (adapters on a causal language model, no bias)."""
    from peft import LoraConfig

    return LoraConfig(r=config.lora_r, lora_alpha=config.lora_alpha, lora_dropout=config.lora_dropout,
                      target_modules=lora_targets(config.lora_target_modules), bias="none", task_type="CAUSAL_LM")
