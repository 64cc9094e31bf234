"""The GRPO-LoRA recipe (``kernelgym train``) on the tiny model, on CPU: a few steps each, asserting what moved.

peft initialises every ``lora_B`` matrix at zero (the adapter starts as the identity), so a ``lora_B`` that is not
zero after training is an adapter that learned; the base weights are compared, by hash, with the model folder the
run started from.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import subprocess
import sys

import pytest

pytest.importorskip("trl")

import kernelgym  # noqa: E402
from kernelgym.agents.config import TrainConfig, load, preset  # noqa: E402

COUNTDOWN = "kernelgym/countdown-v0"
DIGITS = "kernelgym/repeat-digit-v0"
VECTOR_ADD = "kernelgym/level1-vector-add-v0"


def tiny(out, *envs: str, **overrides) -> TrainConfig:
    """The tiny model's preset, cut down to a few seconds a step on one core."""
    settings = dict(env=list(envs), out=str(out), max_steps=2, eval_steps=0, save_steps=2, num_generations=4,
                    per_device_train_batch_size=8, max_completion_length=8)
    return dataclasses.replace(preset(TrainConfig, "tiny"), **{**settings, **overrides})


def base_hashes(model) -> dict[str, str]:
    """SHA-256 of every parameter that is not a LoRA weight, by its name in the base model."""
    hashes = {}
    for name, tensor in model.state_dict().items():
        if "lora_" in name:
            continue
        plain = name.replace("base_model.model.", "").replace(".base_layer", "")
        hashes[plain] = hashlib.sha256(tensor.detach().cpu().contiguous().numpy().tobytes()).hexdigest()
    return hashes


def saved_lora(folder) -> dict:
    from safetensors.torch import load_file

    return load_file(str(folder / "adapter_model.safetensors"))


def metrics(out) -> list[dict]:
    """The run's metrics.jsonl records, read as the plot reads them (the file must exist)."""
    from kernelgym.agents.callbacks import read_metrics

    assert (out / "metrics.jsonl").is_file(), "the run wrote no metrics.jsonl"
    return read_metrics(out / "metrics.jsonl")


def assert_trained(run, components: list[str]) -> None:
    """The adapter moved, the base did not, and every reward component was logged."""
    from transformers import AutoModelForCausalLM

    out = run.out
    lora = saved_lora(out / "adapter")
    b_matrices = {name: t for name, t in lora.items() if "lora_B" in name}
    assert b_matrices, "the adapter has no LoRA weights"
    assert all(t.abs().max() > 0 for t in b_matrices.values()), "some LoRA B matrices never left their zero init"
    before = base_hashes(AutoModelForCausalLM.from_pretrained(out / "base-model"))
    after = base_hashes(run.trainer.model)
    assert after == before, "training changed base weights"
    logged = set().union(*(record.keys() for record in metrics(out)))
    for component in components:
        assert f"rewards/{component}/mean" in logged, f"rewards/{component}/mean was not logged"
    assert (out / "reward_curve.png").stat().st_size > 0


def test_two_steps_train_the_adapter_and_leave_the_base(tmp_path):
    from kernelgym.agents.train import train

    run = train(tiny(tmp_path, DIGITS))
    assert_trained(run, ["digits", "copy", "length"])
    # the run folder: config (round-trips), checkpoint, summary; every TRL setting written out
    record = json.loads((tmp_path / "config.json").read_text())
    assert load(tmp_path / "config.json") == run.config
    assert record["trl_args"]["loss_type"] == "dapo" and record["trl_args"]["beta"] == 0.0
    assert record["trl_args"]["learning_rate"] == run.config.learning_rate
    assert record["versions"]["trl"].startswith("1.16")
    assert (tmp_path / "checkpoints" / "checkpoint-2" / "adapter_model.safetensors").is_file()
    assert json.loads((tmp_path / "summary.json").read_text())["steps"] == 2


def test_validation_keeps_the_best_adapter(tmp_path):
    """Validation runs before training (the baseline), every --eval-steps and at the end; best/ holds the adapter
    of the best validation reward."""
    from kernelgym.agents.train import train

    run = train(tiny(tmp_path, DIGITS, max_steps=2, eval_steps=1, eval_size=2, num_generations_eval=4,
                     per_device_eval_batch_size=8))
    evaluations = [r for r in metrics(tmp_path) if "eval_reward" in r]
    assert [r["step"] for r in evaluations] == [0, 1, 2]
    assert all("eval_rewards/length/mean" in r for r in evaluations)
    best = json.loads((tmp_path / "best" / "best.json").read_text())
    assert best["eval_reward"] == max(r["eval_reward"] for r in evaluations)
    assert (tmp_path / "best" / "adapter_model.safetensors").is_file()
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["baseline_eval_reward"] == evaluations[0]["eval_reward"]
    assert summary["final_eval_reward"] == evaluations[-1]["eval_reward"] == run.final["eval_reward"]


def test_mixture_grades_a_kernel_environment_through_the_sandboxed_grader(tmp_path):
    """A kernel environment in the mixture: its rows are graded by the kernel grader during training and its
    components logged; the same reward functions the trainer holds run a parsed answer in the sandbox."""
    from kernelgym.agents.train import train
    from kernelgym.result import KernelResult

    run = train(tiny(tmp_path, f"{DIGITS}:1", f"{VECTOR_ADD}:1", train_size=8))
    kernel_components = [f"level1-vector-add-v0/{c}" for c in ("format", "compile", "correctness", "speed")]
    assert_trained(run, [f"repeat-digit-v0/{c}" for c in ("digits", "copy", "length")] + kernel_components)
    # the kernel rows hold the very messages `kernelgym bench` sends a chat model for this problem
    from kernelgym.bench.policies import messages, prompt_for

    env = kernelgym.make(VECTOR_ADD)
    task = env.tasks()[0]
    kernel_rows = [row for row in run.trainer.train_dataset if row["env_id"] == VECTOR_ADD]
    assert kernel_rows and all(row["prompt"] == messages(prompt_for(env.problem(task))) for row in kernel_rows)
    kernel_verdicts = [v for (env_id, _, _), v in run.router._cache.items() if env_id == VECTOR_ADD]
    assert kernel_verdicts and all(isinstance(v.record, KernelResult) for v in kernel_verdicts)
    # the trainer's own reward functions, on the reference solution: the sandbox runs it and it is correct
    by_name = {f.__name__: f for f in run.trainer.reward_funcs}
    rewards = by_name["level1-vector-add-v0/correctness"](
        prompts=[task.prompt], completions=[env.reference_answer(task)], env_id=[VECTOR_ADD], task_id=[task.task_id])
    assert rewards == [pytest.approx(0.7)]


SMALL_GRPO = ["--max-steps", "2", "--num-generations", "4", "--per-device-train-batch-size", "8",
              "--max-completion-length", "16", "--eval-steps", "0"]


def test_countdown_from_a_random_model_has_no_signal(tmp_path):
    """The issue's command, ``kernelgym train --env kernelgym/countdown-v0 --model tiny --max-steps 2 --out DIR``
    (made smaller), from the random model: the components are logged, and the adapter moves exactly when some
    group's rewards varied. A random model never closes an <answer> block, so every completion of a group earns 0
    and GRPO's advantage, hence its gradient, is zero: the next test warms the model up first."""
    from kernelgym.cli import main

    assert main(["train", "--env", COUNTDOWN, "--model", "tiny", "--out", str(tmp_path), *SMALL_GRPO]) == 0
    records = [r for r in metrics(tmp_path) if "reward" in r]
    assert len(records) == 2 and all(f"rewards/{c}/mean" in r for r in records for c in ("format", "correct"))
    flat = all(r["frac_reward_zero_std"] == 1.0 for r in records)
    moved = any(t.abs().max() > 0 for name, t in saved_lora(tmp_path / "adapter").items() if "lora_B" in name)
    assert moved != flat, "the adapter must move exactly when some group's rewards varied"


def test_countdown_after_a_warm_up_trains_the_adapter(tmp_path):
    """ReFT's recipe on Countdown alone: ``kernelgym sft`` (40 steps on the train split's reference solutions),
    then two GRPO steps from its merged model. The warmed-up model closes an answer block in some samples and not in
    others, so the groups' rewards vary (TinyZero's format share), and the adapter learns; the base (the merged
    model) does not move, and the run keeps the tiny model's settings."""
    from transformers import AutoModelForCausalLM

    from kernelgym.cli import main

    warm, run = tmp_path / "sft", tmp_path / "grpo"
    assert main(["sft", "--env", COUNTDOWN, "--model", "tiny", "--max-steps", "40", "--save-steps", "40",
                 "--out", str(warm)]) == 0
    assert main(["train", "--env", COUNTDOWN, "--model", str(warm / "merged"), "--out", str(run), *SMALL_GRPO]) == 0
    records = [r for r in metrics(run) if "reward" in r]
    assert len(records) == 2 and all(f"rewards/{c}/mean" in r for r in records for c in ("format", "correct"))
    assert any(r["frac_reward_zero_std"] < 1.0 for r in records), "no group's rewards varied after the warm-up"
    b_matrices = [t for name, t in saved_lora(run / "adapter").items() if "lora_B" in name]
    assert b_matrices and all(t.abs().max() > 0 for t in b_matrices), "the adapter did not move"
    from peft import PeftModel

    trained = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(warm / "merged"), str(run / "adapter"))
    assert base_hashes(trained) == base_hashes(AutoModelForCausalLM.from_pretrained(warm / "merged"))
    config = json.loads((run / "config.json").read_text())["config"]
    assert config["learning_rate"] == preset(TrainConfig, "tiny").learning_rate and config["dtype"] == "float32"


def test_countdown_mixed_with_a_graded_by_degrees_environment_trains_the_adapter(tmp_path):
    """Four rows, two of each environment, one pass: the digit prompts give the groups their spread, and both
    environments' components are logged under their own names."""
    from kernelgym.agents.train import train

    mixed = train(tiny(tmp_path, COUNTDOWN, DIGITS, max_completion_length=16, train_size=4))
    assert_trained(mixed, ["countdown-v0/format", "countdown-v0/correct", "repeat-digit-v0/length"])


def test_variance_study_drops_prompts_without_signal(tmp_path):
    """--variance-k samples the base model and drops prompts whose k rewards are all equal."""
    from kernelgym.agents.train import train

    run = train(tiny(tmp_path, DIGITS, variance_k=4, max_steps=1))
    report = json.loads((tmp_path / "variance.json").read_text())
    assert report["prompts"] == len({r["task_id"] for r in kernelgym.make(DIGITS).rows("train")})
    flat = {p["task_id"] for p in report["per_prompt"] if p["flat"]}
    assert all(len(set(p["rewards"])) == 1 for p in report["per_prompt"] if p["flat"])
    rows = run.trainer.train_dataset["task_id"]
    assert not flat & set(rows) and len(rows) == json.loads((tmp_path / "config.json").read_text())["train_rows"]


def test_the_same_seed_gives_the_same_variance_study(tmp_path):
    """--variance-k samples before TRL seeds anything: the run's seed decides its samples, whatever the generators'
    state before, and that state is left as it was."""
    import torch

    from kernelgym.agents.common import load_model
    from kernelgym.agents.data import variance_study

    config = tiny(tmp_path, DIGITS)
    model, tokenizer = load_model(config, tmp_path)
    env = kernelgym.make(DIGITS)
    rows = env.rows("train")[:3]
    studies = []
    for noise in (1, 2):
        torch.manual_seed(noise)
        before = torch.get_rng_state()
        studies.append(variance_study(model, tokenizer, [env], rows, k=3, max_new_tokens=8, seed=config.seed))
        assert torch.equal(torch.get_rng_state(), before)
    assert studies[0].to_json() == studies[1].to_json()


def test_help_documents_every_option():
    out = subprocess.run([sys.executable, "-m", "kernelgym.cli", "train", "--help"], capture_output=True, text=True,
                         check=True).stdout
    for field in dataclasses.fields(TrainConfig):
        flag = "--" + field.name.replace("_", "-")
        assert flag in out, f"{flag} is missing from kernelgym train --help"
    assert "with --model tiny: 0.002" in out


def test_env_arguments_and_weights_reach_the_mixture():
    from kernelgym.agents.config import make_envs

    (easy, digits), weights = make_envs([f"{COUNTDOWN}?difficulty=1&size=20&use_all=true:3", DIGITS])
    assert (easy.difficulty, len(easy.tasks()), easy.use_all, weights) == (1, 20, True, [3.0, 1.0])
    assert all(len(t.columns["numbers"]) == 3 for t in easy.tasks())  # difficulty 1: three numbers


@pytest.mark.parametrize(("spec", "message"), [
    (f"{COUNTDOWN}?colour=red", "colour"),              # an argument the environment does not take
    (f"{COUNTDOWN}?difficulty", "expected KEY=VALUE"),  # not KEY=VALUE
    ("kernelgym/countdown-v9", "did you mean"),         # an unknown id
])
def test_a_bad_env_option_is_refused_and_the_run_folder_left_alone(spec, message, tmp_path):
    from kernelgym.cli import main

    log = tmp_path / "metrics.jsonl"
    log.write_text('{"step": 1}\n')  # an earlier run's log
    with pytest.raises(SystemExit, match=message):
        main(["train", "--env", spec, "--model", "tiny", "--out", str(tmp_path)])
    assert log.read_text() == '{"step": 1}\n' and sorted(p.name for p in tmp_path.iterdir()) == ["metrics.jsonl"]


def test_the_same_environment_twice_is_refused():
    from kernelgym.agents.config import make_envs

    with pytest.raises(SystemExit, match="already in the mixture"):
        make_envs([f"{COUNTDOWN}?difficulty=1", f"{COUNTDOWN}?difficulty=3"])


def test_balanced_rows_draw_every_group_equally():
    """A frequent class cannot dominate: rows are drawn round-robin over the values of the balancing column."""
    import collections

    from kernelgym.agents.data import build_rows

    env = kernelgym.make(DIGITS)
    rows = build_rows([env], [1.0], "train", 60, "digit", seed=0)
    digit_counts = collections.Counter(env.task(r["task_id"]).columns["digit"] for r in rows)
    assert set(digit_counts) == {t.columns["digit"] for t in env.tasks("train")}
    assert max(digit_counts.values()) - min(digit_counts.values()) <= 1
    task_counts = collections.Counter(r["task_id"] for r in build_rows([env], [1.0], "train", 64, "task_id", 0))
    assert max(task_counts.values()) - min(task_counts.values()) <= 1
    mixed = build_rows([env, kernelgym.make(VECTOR_ADD)], [3.0, 1.0], "train", 40, "task_id", seed=0)
    assert collections.Counter(r["env_id"] for r in mixed) == {DIGITS: 30, VECTOR_ADD: 10}


def test_drop_flat_removes_exactly_the_prompts_without_signal():
    from kernelgym.agents.data import PromptVariance, VarianceReport, drop_flat

    report = VarianceReport(k=3, prompts=[PromptVariance("e", "zero", [0.0, 0.0, 0.0]),
                                          PromptVariance("e", "solved", [1.0, 1.0, 1.0]),
                                          PromptVariance("e", "mixed", [0.0, 1.0, 0.0])])
    rows = [{"env_id": "e", "task_id": t} for t in ("zero", "mixed", "solved", "mixed")]
    assert [r["task_id"] for r in drop_flat(rows, report)] == ["mixed", "mixed"]
    assert report.summary()["flat"] == 2 and report.summary()["flat_all_zero"] == 1
    with pytest.raises(ValueError, match="GRPO would learn nothing"):
        drop_flat(rows[:1], report)


def test_tiny_model_folder_built_with_other_tokens_is_rebuilt(tmp_path):
    """A folder is reused only when its tiny.json records the same shape and answer tags: one built before the
    tags were single tokens is rebuilt, and its tokenizer then has them."""
    from dataclasses import asdict

    from transformers import AutoTokenizer

    from kernelgym.agents.tiny import TinyConfig, build_tiny_model

    folder = build_tiny_model(tmp_path / "tiny")
    weights = folder / "model.safetensors"
    built = weights.stat().st_mtime_ns
    assert build_tiny_model(folder).joinpath("model.safetensors").stat().st_mtime_ns == built  # reused
    (folder / "tiny.json").write_text(json.dumps(asdict(TinyConfig())))  # as an older build wrote it
    weights.unlink()
    build_tiny_model(folder)
    assert weights.is_file()
    assert AutoTokenizer.from_pretrained(folder).tokenize("<answer>1</answer>") == ["<answer>", "1", "</answer>"]


@pytest.mark.parametrize("name", ["kernelgym.agents.config", "kernelgym.agents.data", "kernelgym.agents.tiny",
                                  "kernelgym.agents.progress", "kernelgym.agents.callbacks", "kernelgym.agents.train",
                                  "kernelgym.envs.toy"])
def test_doctests_pass(name):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.gpu
def test_gpu_defaults_train_in_bfloat16(tmp_path):
    """On a GPU, ``dtype auto`` and ``bf16`` unset resolve to bfloat16 (where supported) and training runs there."""
    import torch

    from kernelgym.agents.train import train

    run = train(tiny(tmp_path, DIGITS, dtype="auto", bf16=None, cpu_threads=0))
    assert next(run.trainer.model.parameters()).device.type == "cuda"
    assert json.loads((tmp_path / "config.json").read_text())["trl_args"]["bf16"] == torch.cuda.is_bf16_supported()
    assert_trained(run, ["digits", "copy", "length"])


@pytest.mark.gpu
def test_vllm_colocate_generation(tmp_path):
    """``--vllm`` on a GPU: TRL generates with vLLM in the training process and syncs the LoRA weights into it."""
    pytest.importorskip("vllm")
    from kernelgym.agents.train import train

    run = train(tiny(tmp_path, DIGITS, vllm=True, vllm_mode="colocate", vllm_gpu_memory_utilization=0.2,
                     cpu_threads=0))
    assert json.loads((tmp_path / "config.json").read_text())["trl_args"]["use_vllm"] is True
    assert_trained(run, ["digits", "copy", "length"])


def test_vllm_without_a_gpu_is_refused(tmp_path):
    import torch

    from kernelgym.agents.train import train

    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    log = tmp_path / "metrics.jsonl"
    log.write_text('{"step": 1}\n')  # an earlier run's log: a refused run leaves it alone
    with pytest.raises(SystemExit, match="--vllm needs a CUDA GPU"):
        train(tiny(tmp_path, DIGITS, vllm=True))
    assert log.read_text() == '{"step": 1}\n'


def test_train_command_shows_progress_lines_not_metric_dicts_and_logs_every_metric(tmp_path):
    """``kernelgym train`` as a person runs it: stdout holds no raw metric dict, stderr one short line per log
    (with the numbers of metrics.jsonl) and none of the silenced library warnings; metrics.jsonl has every step's
    full log, every validation, and the plot has a panel for the reward and one per component."""
    import kernelgym as kg
    from kernelgym.agents.callbacks import reward_panels
    from kernelgym.agents.progress import SILENCED

    command = [sys.executable, "-m", "kernelgym.cli", "train", "--env", DIGITS, "--model", "tiny", "--max-steps", "2",
               "--eval-steps", "1", "--eval-size", "2", "--num-generations-eval", "4",
               "--per-device-eval-batch-size", "8", "--num-generations", "4", "--per-device-train-batch-size", "8",
               "--max-completion-length", "8", "--save-steps", "2", "--out", str(tmp_path)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "{" not in done.stdout and "'loss'" not in done.stdout and "'reward'" not in done.stdout, done.stdout
    assert "{'" not in done.stderr, "a raw metric dict reached stderr"
    for category, message in SILENCED:
        assert not re.search(message, done.stderr), f"{category.__name__} {message!r} was not silenced"
    assert "Loading weights" not in done.stderr and "it/s]" not in done.stderr  # no library progress bars

    records = metrics(tmp_path)
    components = kg.make(DIGITS).component_names
    steps = [r for r in records if "reward" in r]
    assert [r["step"] for r in steps] == [1, 2], "one training log per step (logging_steps 1)"
    for record in steps:
        for key in ("loss", "grad_norm", "learning_rate", "reward_std", "entropy", "completions/mean_length",
                    *(f"rewards/{c}/{stat}" for c in components for stat in ("mean", "std"))):
            assert key in record, f"metrics.jsonl lacks {key} at step {record['step']}"
    assert [r["step"] for r in records if "eval_reward" in r] == [0, 1, 2]
    assert any("train_runtime" in r for r in records)

    lines = [line for line in done.stderr.splitlines() if line.startswith("step ")]
    for record in steps:  # each training log is a line with its reward and every component, as logged
        shown = [line for line in lines if line.startswith(f"step {record['step']}/2 ")]
        assert any(f"reward {record['reward']:.3f}" in line and all(
            f"{c} {record[f'rewards/{c}/mean']:.3f}" in line for c in components) for line in shown), lines
    final = [r for r in records if "eval_reward" in r][-1]
    assert f"validation {final['eval_reward']:.3f} @ step 2" in lines[-1]
    assert done.stderr.rstrip().splitlines()[-1].startswith("trained 2 steps")

    panels = [title for title, _ in reward_panels(records)]
    assert panels == ["reward", *components]
    assert all(set(curves) == {"training", "validation"} for _, curves in reward_panels(records))
    assert (tmp_path / "reward_curve.png").read_bytes().startswith(b"\x89PNG")
