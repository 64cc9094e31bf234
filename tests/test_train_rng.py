"""Training runs repeat under a seed: a grading seeds torch's global generator (the reference's inputs and
parameters, with the grading's own secret seed), and the reward functions the GRPO recipe hands TRL put the
generator back, so the next generation samples as the run's ``--seed`` says."""
from __future__ import annotations

import dataclasses

import pytest

pytest.importorskip("trl")

import kernelgym  # noqa: E402
from kernelgym.agents.config import TrainConfig, preset  # noqa: E402

CLOZE = "kernelgym/kernel-cloze-v0?difficulty=0"
RELU_STORE = "level1/02_relu:store@14:32:A"


def test_the_recipes_reward_functions_restore_torchs_generator_after_a_sandboxed_grading(tmp_path):
    import torch

    from kernelgym.agents.train import train

    config = dataclasses.replace(preset(TrainConfig, "tiny"), env=[CLOZE], out=str(tmp_path), max_steps=1,
                                 eval_steps=0, save_steps=1, num_generations=4, per_device_train_batch_size=8,
                                 max_completion_length=3)
    run = train(config)
    env = kernelgym.make("kernelgym/kernel-cloze-v0", difficulty=0)
    task = env.task(RELU_STORE)
    batch = {"prompts": [task.prompt], "completions": [env.reference_answer(task)],
             "env_id": [env.env_id], "task_id": [task.task_id]}
    sandboxed = run.router.sandboxed
    torch.manual_seed(0)
    expected = torch.rand(4)
    torch.manual_seed(0)
    rewards = [func(**batch) for func in run.trainer.reward_funcs]
    assert run.router.sandboxed == sandboxed + 1, "the reference answer was not graded in the sandbox"
    assert sum(r[0] or 0.0 for r in rewards) == pytest.approx(1.0)  # speed: None (not measured on a CPU)
    assert torch.equal(torch.rand(4), expected), "grading moved the training process's random state"
