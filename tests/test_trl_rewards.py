"""TRL reward functions: called the way GRPOTrainer calls them, each completion graded once, mixtures routed."""
from __future__ import annotations

import inspect

import pytest

from conftest import PROBLEMS, attack, fenced
from kernelgym.envs.kernel import KernelEnv
from kernelgym.trl_rewards import RewardRouter, completion_text, mixture


@pytest.fixture
def vector_env(grader):
    return KernelEnv(problem=PROBLEMS / "level1" / "01_vector_add.py", grader=grader,
                     env_id="kernelgym/level1-vector-add-v0")


@pytest.fixture
def relu_env(grader):
    return KernelEnv(problem=PROBLEMS / "level1" / "02_relu.py", grader=grader, env_id="kernelgym/level1-relu-v0")


def grpo_call(func, rows, completions):
    """Call a reward function as GRPOTrainer does: prompts, completions, every column as a list, trainer state."""
    columns = {key: [row[key] for row in rows] for key in rows[0] if key != "prompt"}
    return func(prompts=[row["prompt"] for row in rows], completions=completions,
                completion_ids=[[1, 2]] * len(rows), trainer_state=None, **columns)


def test_each_completion_is_graded_once_across_components(vector_env):
    router = RewardRouter([vector_env])
    funcs = router.reward_funcs()
    rows = vector_env.rows(split=None) * 4
    reference = vector_env.reference_answer(vector_env.task(rows[0]["task_id"]))
    texts = [reference, fenced(attack("wrong_but_honest")), reference, "no code"]
    completions = [[{"role": "assistant", "content": t}] for t in texts]
    outputs = {f.__name__: grpo_call(f, rows, completions) for f in funcs}
    assert list(outputs) == ["format", "compile", "correctness", "speed"]
    assert router.gradings == 3  # the two identical references share one grading
    totals = [sum(outputs[name][i] or 0.0 for name in outputs) for i in range(4)]
    assert totals[0] == totals[2] == pytest.approx(1.0)
    assert 0 < totals[1] < 1 and totals[3] == 0.0
    assert outputs["speed"] == [None] * 4  # not measured on CPU


def test_signature_is_trl_compatible(vector_env):
    func = vector_env.reward_funcs()[0]
    params = inspect.signature(func).parameters
    assert "prompts" in params and "completions" in params
    assert any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())


def test_mixture_routes_rows_and_returns_none_for_others(vector_env, relu_env):
    router = RewardRouter([vector_env, relu_env])
    rows = mixture([vector_env, relu_env], split=None, size=4, seed=1)
    assert sorted(r["env_id"] for r in rows) == sorted([vector_env.env_id] * 2 + [relu_env.env_id] * 2)
    texts = [("```python\n" + (PROBLEMS / "level1" / f"{'01_vector_add' if r['env_id'] == vector_env.env_id else '02_relu'}_solution.py").read_text() + "\n```") for r in rows]
    funcs = {f.__name__: f for f in router.reward_funcs()}
    vector_correct = grpo_call(funcs["level1-vector-add-v0/correctness"], rows, texts)
    relu_correct = grpo_call(funcs["level1-relu-v0/correctness"], rows, texts)
    for row, v, r in zip(rows, vector_correct, relu_correct):
        mine, other = (v, r) if row["env_id"] == vector_env.env_id else (r, v)
        assert mine == pytest.approx(0.7) and other is None
    assert router.gradings == 2


def test_hack_zeroes_every_component(vector_env):
    funcs = vector_env.reward_funcs()
    rows = vector_env.rows(split=None)
    values = [grpo_call(f, rows, [fenced(attack("torch_fallback_dummy_launch"))])[0] for f in funcs]
    assert values[:3] == [0.0, 0.0, 0.0]


def test_rows_without_task_id_are_a_clear_error(vector_env):
    with pytest.raises(ValueError, match="task_id column"):
        vector_env.reward_funcs()[0](prompts=["p"], completions=["c"])


def test_completion_text_reads_plain_and_conversational():
    assert completion_text("abc") == "abc"
    assert completion_text([{"role": "assistant", "content": "x"}, {"role": "tool", "content": "y"}]) == "x"


def test_dataset_is_a_datasets_table(vector_env):
    table = vector_env.dataset(split=None)
    assert table.column_names[:3] == ["prompt", "env_id", "task_id"] and len(table) == 1


def test_kernel_rows_and_mixtures_carry_the_system_prompt_bench_sends(vector_env):
    """env.rows(), env.dataset() and mixture() give a kernel prompt the messages `kernelgym bench` sends."""
    import kernelgym
    from kernelgym.bench.policies import messages, prompt_for

    task = vector_env.tasks()[0]
    expected = messages(prompt_for(vector_env.problem(task)))
    assert [r["prompt"] for r in vector_env.rows(split=None)] == [expected]
    assert vector_env.dataset(split=None)[0]["prompt"] == expected
    digits = kernelgym.make("kernelgym/repeat-digit-v0")
    rows = mixture([vector_env, digits], split=None, size=6)
    assert all(r["prompt"] == expected for r in rows if r["env_id"] == vector_env.env_id)
    assert all([m["role"] for m in r["prompt"]] == ["user"] for r in rows if r["env_id"] == digits.env_id)


def test_shares_sum_to_the_total_and_mixture_gives_exactly_size_rows(vector_env, relu_env):
    from kernelgym.trl_rewards import shares

    assert shares([1, 1, 1], 10) == [3, 3, 4] and shares([1, 1, 1], 2) == [1, 1, 0]
    assert shares([1, 1, 0], 3) == [2, 1, 0]
    assert all(sum(shares(w, n)) == n for w in ([1, 1, 1], [0.5, 0.25, 0.25], [2, 0, 1]) for n in range(20))
    with pytest.raises(ValueError, match="non-negative weight"):
        shares([0, 0], 3)
    assert len(mixture([vector_env, relu_env, vector_env.__class__(
        problem=PROBLEMS / "level1" / "03_softmax.py", env_id="kernelgym/level1-softmax-v0")], split=None, size=10)) == 10
