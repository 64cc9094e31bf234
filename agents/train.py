"""``kernelgym train``: GRPO with LoRA on TRL + peft, fed by a mixture of KernelGym environments.

TRL does the reinforcement learning (the GRPO loss, advantages, clipping, generation with transformers or vLLM and
the weight sync, distributed training, reward logging); peft does LoRA. This recipe only connects them to the
environments, and reads top to bottom:

1. the environments, the training rows (a weighted, balanced mixture of their ``train`` splits) and the validation
   rows (their ``validation`` splits), and one TRL reward function per reward component, all sharing one grading
   per completion (:mod:`kernelgym.trl_rewards`): the graders and prompts of evaluation, unchanged;
2. the model and tokenizer (``--model tiny`` builds a small random model in the run folder);
3. optionally, a variance study that drops prompts whose base-model rewards never vary;
4. TRL's ``GRPOConfig``, with every setting explicit (:mod:`kernelgym.agents.config`), and peft's ``LoraConfig``;
5. ``GRPOTrainer``, a validation pass before training (the baseline), training with validation every
   ``--eval-steps``, the final adapter, and the reward plot.

While it runs, stderr shows one progress display (:mod:`kernelgym.agents.progress`): the step, the reward and
each component, the validation reward, the time left; TRL's raw metric dicts go to ``metrics.jsonl`` only.

The run folder::

    config.json       every setting, the resolved TRL arguments, library versions
    metrics.jsonl     one line per log: reward, rewards/<component>/mean, eval_reward, loss, ..., grading/*
    reward_curve.png  the reward and each of its components (training and validation) against the step
    summary.json      baseline and final validation reward, the best step, the grading throughput
    adapter/          the final LoRA adapter (and tokenizer)
    best/             the adapter with the best validation reward (best.json says when)
    checkpoints/      TRL checkpoints (adapter, optimizer, scheduler) every --save-steps
    variance.json     the variance study, when asked for
    base-model/       the tiny model, with --model tiny
"""
from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .common import is_first_process, load_model, lora_config, resolve_bf16
from .config import TrainConfig, check_trl, make_envs, save


@dataclass
class TrainRun:
    """What :func:`train` leaves behind.

    Attributes:
        out: The run folder.
        config: The settings of the run.
        baseline: Validation metrics before training (empty without validation rows).
        final: Validation metrics after training.
        trainer: The ``GRPOTrainer`` (its ``model`` is the trained peft model).
        router: The reward router (``router.gradings`` counts completions graded); with ``--env-url``, the
            :class:`kernelgym.agents.served.ServedRollout`.
    """

    out: Path
    config: TrainConfig
    baseline: dict[str, Any] = field(default_factory=dict)
    final: dict[str, Any] = field(default_factory=dict)
    trainer: Any = None
    router: Any = None


def train(config: TrainConfig) -> TrainRun:
    """Run GRPO-LoRA as ``config`` says; see the module docstring for the steps and the run folder."""
    from .progress import TrainProgress, quiet_libraries

    with quiet_libraries(), TrainProgress(config.max_steps, enabled=is_first_process()) as progress:
        return _train(config, progress)


def _train(config: TrainConfig, progress: "TrainProgress") -> TrainRun:
    trl_version = check_trl()
    import torch
    from datasets import Dataset
    from transformers import PrinterCallback
    from trl import GRPOConfig, GRPOTrainer

    from ..trl_rewards import RewardRouter
    from .callbacks import GradingStats, KeepBest, MetricsLog, plot_metrics
    from .data import build_rows, drop_flat, variance_study
    from .rng import keeping_rng

    cuda = torch.cuda.is_available()
    if config.vllm and not cuda:  # before anything in the run folder is touched
        raise SystemExit("--vllm needs a CUDA GPU; without one, leave it off and TRL generates with transformers")

    # 1. Environments (before the run folder is touched: a bad --env loses nothing), rows and reward functions ---
    envs, weights = make_envs(config.env)
    out = Path(config.out)
    out.mkdir(parents=True, exist_ok=True)
    first = is_first_process()  # under `accelerate launch` every process runs this; one writes the files
    if first:
        (out / "metrics.jsonl").unlink(missing_ok=True)  # a run into an old folder starts a new log
    train_rows = build_rows(envs, weights, "train", config.train_size, config.balance_by, config.seed)
    with_validation = [(env, w) for env, w in zip(envs, weights) if env.tasks("validation")]
    eval_rows = []
    if config.eval_steps > 0 and with_validation:
        eval_rows = build_rows([e for e, _ in with_validation], [w for _, w in with_validation], "validation",
                               config.eval_size, config.balance_by, config.seed)
    router = RewardRouter(envs)
    reward_funcs, rollout = [keeping_rng(func) for func in router.reward_funcs()], None  # grading seeds torch
    if config.env_url:  # grade on a kernelgym serve process instead (TRL's rollout_func, OpenEnv sessions)
        from .served import ServedRollout, check_served, served_token

        check_served(config.env_url, envs)
        rollout = ServedRollout(config.env_url, envs, train_rows + eval_rows, token=served_token())
        reward_funcs = rollout.reward_funcs()

    # 2. Model and tokenizer ----------------------------------------------------------------------------------
    model, tokenizer = load_model(config, out)

    # 3. Variance study: drop prompts without GRPO signal -----------------------------------------------------
    if config.variance_k > 0:
        report = variance_study(model.to("cuda" if cuda else "cpu"), tokenizer, envs, train_rows,
                                k=config.variance_k, max_new_tokens=config.max_completion_length,
                                temperature=config.temperature, top_p=config.top_p, seed=config.seed)
        if first:
            (out / "variance.json").write_text(json.dumps(report.to_json(), indent=2) + "\n")
            print(f"variance study: {report.summary()}", file=sys.stderr)
        train_rows = drop_flat(train_rows, report)

    # 4. TRL and peft settings, all explicit ------------------------------------------------------------------
    args = grpo_args(config, out, GRPOConfig, bf16=resolve_bf16(config, cuda), evaluate=bool(eval_rows),
                     pin_memory=cuda)
    lora = lora_config(config)
    if first:
        save(config, out / "config.json", trl_args=args.to_dict(), lora=lora.to_dict(), trl_version=trl_version,
             train_rows=len(train_rows), eval_rows=len(eval_rows))

    # 5. Train --------------------------------------------------------------------------------------------------
    keep_best = KeepBest(out / "best")
    trainer = GRPOTrainer(model=model, reward_funcs=reward_funcs, args=args,
                          train_dataset=Dataset.from_list(train_rows),
                          eval_dataset=Dataset.from_list(eval_rows) if eval_rows else None,
                          processing_class=tokenizer, peft_config=lora,
                          callbacks=[GradingStats(router), MetricsLog(out / "metrics.jsonl"), keep_best, progress],
                          rollout_func=rollout)
    trainer.remove_callback(PrinterCallback)  # it prints every log as a raw dict; metrics.jsonl has them all
    run = TrainRun(out=out, config=config, trainer=trainer, router=rollout or router)
    if eval_rows:
        run.baseline = trainer.evaluate()
    started, graded_before = time.monotonic(), (router.gradings, router.grading_s, router.sandboxed)
    trainer.train()
    train_s = time.monotonic() - started
    if eval_rows:  # the validation reward after the last step (evaluated just now on an --eval-steps boundary)
        done = keep_best.last_step == trainer.state.global_step
        run.final = keep_best.last if done else trainer.evaluate()
    trainer.save_model(str(out / "adapter"))
    summary = {"steps": trainer.state.global_step, "baseline_eval_reward": run.baseline.get("eval_reward"),
               "final_eval_reward": run.final.get("eval_reward"), "best_eval_reward": keep_best.best,
               "best_step": keep_best.best_step, "gradings": (rollout or router).gradings}
    if rollout is None:  # graded here: the grading throughput (a served run's grading happens on the server)
        summary.update(throughput(router.gradings - graded_before[0], router.grading_s - graded_before[1], train_s,
                                  router.sandboxed - graded_before[2]))
    else:
        rollout.close()
    if first:
        plot_metrics(out / "metrics.jsonl", out / "reward_curve.png", title=", ".join(config.env))
        (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
        progress.stop()
        print(summary_line(summary, out), file=sys.stderr)
    return run


def throughput(gradings: int, grading_s: float, train_s: float, sandboxed: int = 0) -> dict[str, float | int]:
    """The grading throughput of ``trainer.train()`` (validation passes during training included) for the summary:
    gradings (and those that ran in the sandbox) per second spent grading and per second of training, and the
    share of the training time spent grading.

    >>> throughput(100, 20.0, 50.0, sandboxed=60)
    {'train_s': 50.0, 'train_gradings': 100, 'train_sandboxed': 60, 'train_grading_s': 20.0, \
'gradings_per_grading_s': 5.0, 'sandboxed_per_grading_s': 3.0, 'gradings_per_train_s': 2.0, 'grading_time_share': 0.4}
    """
    def rate(count: float, seconds: float) -> float | None:
        return round(count / seconds, 3) if seconds else None

    return {"train_s": round(train_s, 1), "train_gradings": gradings, "train_sandboxed": sandboxed,
            "train_grading_s": round(grading_s, 1), "gradings_per_grading_s": rate(gradings, grading_s),
            "sandboxed_per_grading_s": rate(sandboxed, grading_s), "gradings_per_train_s": rate(gradings, train_s),
            "grading_time_share": rate(grading_s, train_s)}


def summary_line(summary: dict, out: Path) -> str:
    """The run's outcome in one sentence for the person who started it (``summary.json`` has the numbers).

    >>> print(summary_line({"steps": 3, "baseline_eval_reward": 0.1, "final_eval_reward": 0.25,
    ...                     "best_eval_reward": 0.3, "best_step": 2, "gradings": 48}, Path("runs/x")))
    trained 3 steps (48 gradings); validation reward 0.100 -> 0.250 (best 0.300 at step 2); adapter in runs/x/adapter
    """
    text = f"trained {summary['steps']} steps ({summary['gradings']} gradings)"
    if summary.get("final_eval_reward") is not None:
        baseline = summary.get("baseline_eval_reward")
        text += (f"; validation reward {baseline:.3f} -> {summary['final_eval_reward']:.3f}" if baseline is not None
                 else f"; validation reward {summary['final_eval_reward']:.3f}")
        if summary.get("best_eval_reward") is not None:
            text += f" (best {summary['best_eval_reward']:.3f} at step {summary['best_step']})"
    return text + f"; adapter in {out / 'adapter'}"


def grpo_args(config: TrainConfig, out: Path, GRPOConfig, bf16: bool, evaluate: bool, pin_memory: bool = True):
    """TRL's ``GRPOConfig`` for a run: every setting whose TRL default has moved is taken from ``config``; the
    others are written out here so that ``config.json`` shows them. ``pin_memory``: pin batches for a GPU."""
    return GRPOConfig(
        output_dir=str(out / "checkpoints"),
        seed=config.seed,
        # optimisation
        learning_rate=config.learning_rate,
        lr_scheduler_type=config.lr_scheduler_type,
        warmup_steps=config.warmup_steps,
        weight_decay=config.weight_decay,
        max_grad_norm=config.max_grad_norm,
        optim=config.optim,
        max_steps=config.max_steps,
        per_device_train_batch_size=config.per_device_train_batch_size,
        gradient_accumulation_steps=config.gradient_accumulation_steps,
        bf16=bf16,
        fp16=False,
        activation_checkpointing=config.gradient_checkpointing,  # transformers 5 name of gradient checkpointing
        # GRPO
        loss_type=config.loss_type,
        beta=config.beta,
        epsilon=config.epsilon,
        epsilon_high=config.epsilon_high,
        scale_rewards=config.scale_rewards,
        num_generations=config.num_generations,
        num_iterations=config.num_iterations,
        steps_per_generation=config.gradient_accumulation_steps,
        max_completion_length=config.max_completion_length,
        mask_truncated_completions=config.mask_truncated_completions,
        reward_weights=None,  # every component function already returns its weighted share of the reward
        multi_objective_aggregation="sum_then_normalize",
        importance_sampling_level="token",
        disable_dropout=True,
        shuffle_dataset=True,
        # generation
        temperature=config.temperature,
        top_p=config.top_p,
        top_k=0,
        repetition_penalty=1.0,
        use_vllm=config.vllm,
        vllm_mode=config.vllm_mode,
        vllm_server_base_url=config.vllm_server_base_url,
        vllm_gpu_memory_utilization=config.vllm_gpu_memory_utilization,
        # evaluation, logging, checkpoints
        eval_strategy="steps" if evaluate else "no",
        eval_steps=config.eval_steps if evaluate else None,
        per_device_eval_batch_size=config.per_device_eval_batch_size,
        num_generations_eval=config.num_generations_eval,
        logging_steps=config.logging_steps,
        logging_first_step=True,
        log_completions=config.log_completions,
        report_to="none",
        disable_tqdm=True,  # the run shows its own progress display (kernelgym.agents.progress)
        save_strategy="steps",
        save_steps=config.save_steps,
        save_total_limit=config.save_total_limit,
        remove_unused_columns=False,
        dataloader_num_workers=0,
        dataloader_pin_memory=pin_memory,
    )


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` (``kernelgym train``'s options) and train: ``python -m kernelgym.agents.train``, which
    ``accelerate launch -m`` runs."""
    from .options import command_main

    return command_main(TrainConfig, train, "kernelgym train", __doc__, argv)


if __name__ == "__main__":
    sys.exit(main())
