"""Kernel environments: Gymnasium's reset/step in single- and multi-turn mode, ids, rewards and prompts."""
from __future__ import annotations

import pytest

import kernelgym
from conftest import PROBLEMS, attack, fenced
from kernelgym.envs import EpisodeError, discounted_returns
from kernelgym.envs.kernel import KernelEnv
from kernelgym.result import KernelResult
from kernelgym.rewards import total_reward
from test_problem import KERNELBENCH_RELU

VECTOR_ADD = PROBLEMS / "level1" / "01_vector_add.py"


@pytest.fixture
def env(grader):
    return KernelEnv(problem=VECTOR_ADD, grader=grader)


def test_single_turn_reference_terminates_with_full_reward(env):
    prompt, info = env.reset(seed=0)
    assert info["task_id"] == "level1/01_vector_add" and "ModelNew" in prompt
    obs, reward, terminated, truncated, info = env.step(env.reference_answer(env.task(info["task_id"])))
    assert (obs, reward, terminated, truncated) == ("", 1.0, True, False)
    assert isinstance(info["result"], KernelResult) and info["result"].correct
    assert info["components"] == {"format": 1.0, "compile": 1.0, "correctness": 1.0}
    assert sum(info["contributions"].values()) == reward == total_reward(info["result"])


def test_multi_turn_failed_attempt_returns_feedback_and_continues(grader):
    env = KernelEnv(problem=VECTOR_ADD, grader=grader, max_turns=3)
    env.reset(seed=0)
    obs, reward, terminated, truncated, info = env.step(fenced(attack("wrong_but_honest")))
    assert not terminated and not truncated
    assert "Tests passed: 0/" in obs and "outside atol" in obs
    assert 0 < reward < 1 and info["turn"] == 1
    obs, reward, terminated, truncated, info = env.step(env.reference_answer(env.task("level1/01_vector_add")))
    assert terminated and reward == 1.0 and info["turn"] == 2
    assert [m["role"] for m in info["messages"]] == ["system", "user", "assistant", "user", "assistant"]
    assert info["messages"][0]["content"] == env.rows(split=None)[0]["prompt"][0]["content"]  # as in training


def test_multi_turn_truncates_when_turns_run_out(grader):
    env = KernelEnv(problem=VECTOR_ADD, grader=grader, max_turns=2)
    env.reset(seed=0)
    first = env.step("no code")
    second = env.step("still no code")
    assert first[2:4] == (False, False) and second[2:4] == (False, True)
    with pytest.raises(EpisodeError, match="is over"):
        env.step("again")


def test_hack_feedback_names_the_hack(grader):
    env = KernelEnv(problem=VECTOR_ADD, grader=grader, max_turns=2)
    env.reset(seed=0)
    obs, reward, _, _, info = env.step(fenced(attack("torch_fallback_dummy_launch")))
    assert reward == 0.0 and set(info["contributions"].values()) == {0.0}
    assert "torch_fallback:aten.add" in obs


def test_step_before_reset_is_a_clear_error(env):
    with pytest.raises(EpisodeError, match="call reset"):
        env.step("```python\npass\n```")


def test_make_builds_any_kernelbench_file(tmp_path, grader):
    path = tmp_path / "19_ReLU.py"
    path.write_text(KERNELBENCH_RELU)
    env = kernelgym.make("kernelgym/kernel-v0", problem=path, grader=grader)
    prompt, info = env.reset()
    assert info["task_id"] == "19_ReLU" and "torch.relu" in prompt


def test_every_builtin_problem_has_an_id():
    ids = kernelgym.list_envs()
    problems = [p for p in PROBLEMS.glob("level*/*.py") if not p.stem.endswith("_solution")]
    assert "kernelgym/level1-softmax-v0" in ids
    assert sum(i.startswith("kernelgym/level") for i in ids) == len(problems)


def test_unknown_id_suggests_close_matches():
    with pytest.raises(KeyError, match="did you mean kernelgym/level1-softmax-v0"):
        kernelgym.make("kernelgym/level1-softmaxx-v0")


def test_prompt_hides_test_shapes_but_states_tolerance(env):
    prompt, _ = env.reset(seed=0)
    assert "TEST_CASES" not in prompt and "N = 1 << 24" in prompt
    assert "atol=1e-06" in prompt


def test_suite_env_draws_from_its_split_only(grader):
    env = kernelgym.make("kernelgym/kernels-v0", problems=PROBLEMS / "level1", split="validation", grader=grader)
    drawn = {env.reset(seed=s)[1]["task_id"] for s in range(20)}
    assert drawn and all(env.task(t).split == "validation" for t in drawn)


def test_discounted_returns_credit_earlier_turns():
    assert discounted_returns([0.0, 0.5, 1.0], gamma=0.5) == [0.5, 1.0, 1.0]
    assert discounted_returns([0.2, 0.3], gamma=0.0) == [0.2, 0.3]
