"""Configurations refuse a bad field at once and name it, instead of failing in the middle of a run."""
from __future__ import annotations

import pytest

from kernelgym.grader import GraderConfig
from kernelgym.sandbox.isolation import Limits


@pytest.mark.parametrize("field, value", [("seeds", 0), ("seeds", 1.5), ("workers", 0), ("timing_repeats", -1),
                                          ("timeout_s", 0), ("timeout_s", "60"), ("device", "gpu"),
                                          ("target", ("cuda", 90)), ("target", ("metal", 1, 32)), ("seed", "7"),
                                          ("tag", "<answer>"), ("memory_budget_mb", 0), ("limits", {}),
                                          ("check_bounds", 1), ("check_compile", "no"), ("static_checks", None),
                                          ("sanitize", "yes")])
def test_grader_config_names_the_bad_field(field, value):
    with pytest.raises(ValueError, match=f"GraderConfig.{field} "):
        GraderConfig(**{field: value})


@pytest.mark.parametrize("field", ["memory_mb", "cpu_seconds", "processes", "disk_mb"])
def test_limits_refuse_a_limit_that_is_not_positive(field):
    with pytest.raises(ValueError, match=f"Limits.{field} "):
        Limits(**{field: 0})


def test_the_defaults_and_documented_values_are_accepted():
    GraderConfig()
    GraderConfig(target=("hip", "gfx942", 64), device="cpu", seed=0, tag="answer", workers=1,
                 limits=Limits(gpu_memory_mb=2048))


# --- the configs that take user input beyond the grader's: training, the tiny model, benchmarks, rewards, judge -----

def _refused(make, field, value):
    """The message of the FieldError that ``make(**{field: value})`` raises."""
    from kernelgym.field_checks import FieldError

    with pytest.raises(FieldError) as refused:
        make(**{field: value})
    return str(refused.value)


@pytest.mark.parametrize("field, value", [
    ("env", ["kernelgym/countdown-v0", ""]), ("model", ""), ("dtype", "fp8"), ("seed", -1), ("train_size", 0),
    ("lora_r", 0), ("lora_alpha", 2.5), ("lora_dropout", 1.0), ("learning_rate", 0.0), ("learning_rate", "1e-5"),
    ("max_steps", 0), ("per_device_train_batch_size", 0), ("bf16", "yes"), ("save_steps", 0),
    ("num_generations", 1), ("variance_k", 1), ("eval_steps", -1), ("beta", -0.1), ("epsilon", 0),
    ("scale_rewards", "sometimes"), ("temperature", 0.0), ("top_p", 1.5), ("vllm_mode", "remote"),
    ("vllm_gpu_memory_utilization", 0), ("env_url", "localhost:8000"), ("max_completion_length", True),
])
def test_train_config_names_the_bad_field_its_value_and_what_is_allowed(field, value):
    from kernelgym.agents.config import TrainConfig

    message = _refused(TrainConfig, field, value)
    assert message.startswith(f"TrainConfig.{field} must be ") and message.endswith(f", not {value!r}")


@pytest.mark.parametrize("field, value", [("max_steps", 0), ("epochs", 0), ("max_length", 0), ("cpu_threads", -1)])
def test_sft_config_names_the_bad_field(field, value):
    from kernelgym.agents.config import SFTRunConfig

    assert _refused(SFTRunConfig, field, value).startswith(f"SFTRunConfig.{field} must be ")


def test_sft_takes_minus_one_steps_for_epochs_and_grpo_does_not():
    from kernelgym.agents.config import SFTRunConfig, TrainConfig

    assert SFTRunConfig(max_steps=-1).max_steps == -1
    assert "-1 (--epochs passes)" in _refused(SFTRunConfig, "max_steps", -2)
    assert _refused(TrainConfig, "max_steps", -1) == "TrainConfig.max_steps must be an integer of at least 1, not -1"


def test_a_preset_and_a_saved_config_are_checked_like_any_other(tmp_path):
    from kernelgym.agents.config import TrainConfig, load, preset, save
    from kernelgym.field_checks import FieldError

    config = preset(TrainConfig, "tiny")
    save(config, tmp_path / "config.json")
    assert load(tmp_path / "config.json") == config
    (tmp_path / "config.json").write_text((tmp_path / "config.json").read_text().replace('"lora_r": 16',
                                                                                          '"lora_r": 0'))
    with pytest.raises(FieldError, match="TrainConfig.lora_r "):
        load(tmp_path / "config.json")


@pytest.mark.parametrize("field, value", [("hidden_size", 0), ("num_attention_heads", 3), ("initializer_range", 0),
                                          ("seed", -1)])
def test_tiny_config_names_the_bad_field(field, value):
    from kernelgym.agents.tiny import TinyConfig

    assert _refused(TinyConfig, field, value).startswith(f"TinyConfig.{field} must be ")


def test_tiny_config_says_which_head_counts_divide_the_width():
    from kernelgym.agents.tiny import TinyConfig

    assert _refused(TinyConfig, "num_attention_heads", 3) == \
        "TinyConfig.num_attention_heads must be a divisor of hidden_size (64), not 3"


@pytest.mark.parametrize("field, value", [("samples", 0), ("batch", 0), ("workers", 0), ("executor", "slurm"),
                                          ("resume", "yes"), ("out", None), ("selection", {})])
def test_bench_config_names_the_bad_field(field, value, tmp_path):
    from kernelgym.bench.run import BenchConfig

    def make(**kwargs):
        return BenchConfig(**{"problems": tmp_path, "out": tmp_path / "run", **kwargs})

    assert _refused(make, field, value).startswith(f"BenchConfig.{field} must be ")


@pytest.mark.parametrize("field, value", [("levels", ["1"]), ("tags", [3]), ("split", "dev"), ("limit", 0),
                                          ("names", ["a"])])
def test_selection_names_the_bad_filter(field, value):
    from kernelgym.bench.run import Selection

    assert _refused(Selection, field, value).startswith(f"Selection.{field} must be ")


@pytest.mark.parametrize("field, value", [("temperature", -0.5), ("top_p", 0), ("max_tokens", 0), ("seed", 1.5)])
def test_sampling_names_the_bad_parameter(field, value):
    from kernelgym.bench.policies import Sampling

    assert _refused(Sampling, field, value).startswith(f"Sampling.{field} must be ")


@pytest.mark.parametrize("field, value", [("format", -0.1), ("speed", float("inf")), ("speed_cap", 1.0),
                                          ("hack_penalty", "-1"), ("speed_proxy", 1)])
def test_reward_weights_name_the_bad_weight(field, value):
    from kernelgym.rewards import RewardWeights

    assert _refused(RewardWeights, field, value).startswith(f"RewardWeights.{field} must be ")


@pytest.mark.parametrize("field, value", [("model", ""), ("base_url", "127.0.0.1:8000/v1"), ("score_range", (5, 5)),
                                          ("timeout_s", 0), ("max_retries", -1), ("sampling_params", [1])])
def test_judge_config_names_the_bad_field(field, value):
    from kernelgym.graders.judge import ScoreModelConfig

    def make(**kwargs):
        return ScoreModelConfig(**{"model": "judge", **kwargs})

    assert _refused(make, field, value).startswith(f"ScoreModelConfig.{field} must be ")


def test_the_defaults_and_documented_values_of_the_other_configs_are_accepted(tmp_path):
    from kernelgym.agents.config import SFTRunConfig, TrainConfig, preset
    from kernelgym.agents.tiny import TinyConfig
    from kernelgym.bench.policies import Sampling
    from kernelgym.bench.run import BenchConfig, Selection
    from kernelgym.graders.judge import ScoreModelConfig
    from kernelgym.rewards import RewardWeights

    assert [preset(cls, model).max_steps for cls in (TrainConfig, SFTRunConfig) for model in ("tiny", "org/m")] \
        == [200, 200, -1, -1]
    served = TrainConfig(env=["kernelgym/countdown-v0?difficulty=1:3"], epsilon_high=None, variance_k=4,
                         env_url="http://127.0.0.1:8000", vllm_server_base_url="https://example.org:8000")
    assert served.epsilon_high is None and served.env_url == "http://127.0.0.1:8000"
    assert TinyConfig(num_attention_heads=1, max_position_embeddings=4096).num_attention_heads == 1
    assert Sampling(temperature=0.0, seed=7).seed_of(1) == 8  # 0: greedy
    selection = Selection(levels=[1], split="test", limit=2, names=frozenset({"a"}))
    assert BenchConfig(problems=tmp_path, out=str(tmp_path / "run"), selection=selection).selection.limit == 2
    assert RewardWeights(hack_penalty=-1.0, speed_proxy=True).hack_penalty == -1.0  # a penalty may be negative
    assert ScoreModelConfig(model="judge", score_range=(1, 5)).score_range == (1, 5)


def _training_fields():
    import dataclasses

    from kernelgym.agents.config import SFTRunConfig, TrainConfig

    return [(cls, f.name) for cls in (TrainConfig, SFTRunConfig) for f in dataclasses.fields(cls)]


@pytest.mark.parametrize("cls, field", _training_fields(), ids=lambda x: getattr(x, "__name__", x))
def test_every_training_field_is_checked(cls, field):
    """A field added to a training config without a check fails here: nothing of the wrong kind gets through."""
    assert _refused(cls, field, object()).startswith(f"{cls.__name__}.{field} must be ")


@pytest.mark.parametrize("field, value", [("port", -1), ("port", 70000), ("max_action_chars", 0),
                                          ("max_sessions", 1.5), ("idle_timeout_s", 0), ("host", ""),
                                          ("token", 5)])
def test_serve_settings_name_the_bad_field(field, value):
    from kernelgym.serve.app import ServeSettings

    with pytest.raises(ValueError, match=f"ServeSettings.{field} "):
        ServeSettings(**{field: value})


def test_serve_settings_refuse_an_open_port_without_a_token():
    from kernelgym.serve.app import ServeSettings

    with pytest.raises(ValueError, match="needs a token"):
        ServeSettings(host="0.0.0.0")
