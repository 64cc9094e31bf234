"""The supervised warm-up (``kernelgym sft``) on the tiny model, on CPU, and a GRPO run that starts from it."""
from __future__ import annotations

import dataclasses
import json

import pytest

pytest.importorskip("trl")

import kernelgym  # noqa: E402
from kernelgym.agents.config import SFTRunConfig, load, preset  # noqa: E402
from test_train import DIGITS, VECTOR_ADD, base_hashes, metrics, saved_lora, tiny  # noqa: E402


def tiny_sft(out, *envs: str, **overrides) -> SFTRunConfig:
    settings = dict(env=list(envs), out=str(out), max_steps=3, save_steps=3, per_device_train_batch_size=4)
    return dataclasses.replace(preset(SFTRunConfig, "tiny"), **{**settings, **overrides})


def test_sft_trains_the_adapter_on_train_references_only(tmp_path, capfd):
    import torch
    from transformers import AutoModelForCausalLM

    from kernelgym.agents.sft import sft

    run = sft(tiny_sft(tmp_path, DIGITS))
    env = kernelgym.make(DIGITS)
    # rows: train tasks only, the environment's own prompt, its reference answer as the assistant turn
    train_ids = {t.task_id for t in env.tasks("train")}
    assert {r["task_id"] for r in run.rows} == train_ids
    for row in run.rows:
        task = env.task(row["task_id"])
        assert row["prompt"] == [{"role": "user", "content": task.prompt}]
        assert row["completion"] == [{"role": "assistant", "content": env.reference_answer(task)}]
    # the adapter moved (peft starts every lora_B at zero), the base did not, the loss was logged
    lora = saved_lora(tmp_path / "adapter")
    assert all(t.abs().max() > 0 for name, t in lora.items() if "lora_B" in name)
    assert base_hashes(run.trainer.model) == base_hashes(AutoModelForCausalLM.from_pretrained(tmp_path / "base-model"))
    losses = [r["loss"] for r in metrics(tmp_path) if "loss" in r]
    assert losses and all(loss > 0 for loss in losses)
    shown = capfd.readouterr()  # a short line per log on stderr, no raw metric dict anywhere
    assert "{'" not in shown.out and "{'" not in shown.err
    assert [line for line in shown.err.splitlines() if line.startswith("step ")] and all(
        f"loss {loss:.3f}" in shown.err for loss in losses)
    assert load(tmp_path / "config.json") == run.config
    assert (tmp_path / "loss_curve.png").stat().st_size > 0
    # merged/ is the base with the adapter folded in: same outputs as the trained peft model
    merged = AutoModelForCausalLM.from_pretrained(run.merged)
    ids = torch.tensor([[259, 87, 82, 72, 256, 260]])
    run.trainer.model.eval()
    with torch.no_grad():
        torch.testing.assert_close(merged(ids).logits, run.trainer.model(input_ids=ids).logits, atol=1e-4, rtol=1e-4)


def test_grpo_starts_from_the_sft_model(tmp_path):
    """``kernelgym train --model SFT_RUN/merged``: GRPO adds a fresh adapter on top of the warmed-up model."""
    from kernelgym.agents.sft import sft
    from kernelgym.agents.train import train

    warm = sft(tiny_sft(tmp_path / "sft", DIGITS))
    run = train(tiny(tmp_path / "grpo", DIGITS, model=str(warm.merged)))
    from transformers import AutoModelForCausalLM

    assert base_hashes(run.trainer.model) == base_hashes(AutoModelForCausalLM.from_pretrained(warm.merged))
    assert all(t.abs().max() > 0 for name, t in saved_lora(tmp_path / "grpo" / "adapter").items() if "lora_B" in name)
    assert json.loads((tmp_path / "grpo" / "config.json").read_text())["config"]["model"] == str(warm.merged)
    assert not (tmp_path / "grpo" / "base-model").exists()


def test_sft_on_a_kernel_environment_uses_its_answer_format(tmp_path):
    """The kernel task's reference solution, fenced as the prompt asks, is the target (prompt tokens carry no
    loss)."""
    from kernelgym.agents.sft import sft

    run = sft(tiny_sft(tmp_path, VECTOR_ADD, max_steps=1, per_device_train_batch_size=1))
    (row,) = {r["task_id"]: r for r in run.rows}.values()
    answer = row["completion"][0]["content"]
    assert answer.startswith("```python\n") and "class ModelNew" in answer and "@triton.jit" in answer
    from kernelgym.prompts import SYSTEM_PROMPT

    # the messages `kernelgym bench` sends a chat model: the system prompt, then the environment's prompt
    assert row["prompt"] == [{"role": "system", "content": SYSTEM_PROMPT},
                             {"role": "user", "content": kernelgym.make(VECTOR_ADD).tasks()[0].prompt}]
    assert [r for r in metrics(tmp_path) if "loss" in r]


def test_sft_refuses_an_environment_without_references():
    from kernelgym.agents.sft import reference_rows
    from kernelgym.envs.core import Graded, Task, TextEnv

    class NoReference(TextEnv):
        env_id = "test/no-reference-v0"
        component_names = ("all",)

        def load_tasks(self):
            return [Task("only", "Say anything.")]

        def grade(self, task, completion):
            return Graded(reward=0.0, components={"all": 0.0}, contributions={"all": 0.0}, solved=False)

    with pytest.raises(ValueError, match="no reference answers"):
        reference_rows([NoReference()], [1.0], None, "task_id", 0)


def test_sft_help_documents_every_option():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "kernelgym.cli", "sft", "--help"], capture_output=True, text=True,
                         check=True).stdout
    for field in dataclasses.fields(SFTRunConfig):
        assert "--" + field.name.replace("_", "-") in out, f"{field.name} is missing from kernelgym sft --help"
