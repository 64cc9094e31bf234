"""Policies: specs, the reference and replay policies, a local transformers model, and vLLM on a GPU."""
from __future__ import annotations

import doctest
import json

import pytest

from conftest import PROBLEMS
from kernelgym.bench import policies
from kernelgym.bench.policies import (HFPolicy, OpenAIPolicy, PolicyError, Prompt, ReferencePolicy, ReplayPolicy,
                                       Sampling, VLLMPolicy, parse_policy, prompt_for)


def build_tiny_llama(folder):
    """``--model tiny``'s model and tokenizer (:mod:`kernelgym.agents.tiny`) with one attention head of width 64,
    the smallest head vLLM's CPU build serves, saved to ``folder``. Nothing is downloaded."""
    from kernelgym.agents.tiny import TinyConfig, build_tiny_model

    return build_tiny_model(folder, TinyConfig(num_attention_heads=1, max_position_embeddings=4096))


@pytest.fixture(scope="module")
def tiny_llama(tmp_path_factory):
    return build_tiny_llama(tmp_path_factory.mktemp("tiny-llama"))


@pytest.fixture(scope="module")
def prompts():
    from kernelgym.problem import load_problem

    return [prompt_for(load_problem(PROBLEMS / "level1" / f"{n}.py")) for n in ("01_vector_add", "02_relu")]


def test_doctests_of_the_policies_pass():
    assert doctest.testmod(policies).failed == 0


def test_prompts_are_the_training_prompts(prompts):
    from kernelgym.problem import load_problem
    from kernelgym.prompts import SYSTEM_PROMPT, kernel_prompt

    problem = load_problem(PROBLEMS / "level1" / "01_vector_add.py")
    assert prompts[0].user == kernel_prompt(problem)
    assert prompts[0].system == SYSTEM_PROMPT
    assert prompts[0].problem == "01_vector_add"
    assert prompts[0].solution == problem.solution_path


@pytest.mark.parametrize("spec, kind", [("reference", ReferencePolicy), ("openai:some-model", OpenAIPolicy)])
def test_specs_build_their_policy(spec, kind):
    policy = parse_policy(spec, base_url="http://127.0.0.1:9/v1")
    assert isinstance(policy, kind) and policy.spec == spec


@pytest.mark.parametrize("spec, message", [
    ("replay", "needs an argument: replay:FILE"), ("openai:", "needs an argument: openai:MODEL"),
    ("hf", "needs an argument: hf:PATH$"), ("vllm:", "needs an argument: vllm:PATH$"),
    ("claude:x", "unknown policy 'claude:x'"), ("reference:x", "unknown policy"),
    ("hf:/no/such/folder", "not a model folder"), ("replay:/no/such.jsonl", "does not exist"),
])
def test_bad_specs_are_clear_errors(spec, message):
    with pytest.raises(PolicyError, match=message):
        parse_policy(spec)


def test_reference_policy_answers_with_the_solution_in_a_fence(prompts):
    from kernelgym.parsing import parse_answer

    out = ReferencePolicy().generate(prompts, [0, 1])
    assert len(out) == 2 and all(len(texts) == 2 for texts in out)
    answer = parse_answer(out[0][1])
    assert answer.source.strip() == prompts[0].solution.read_text().strip()


def test_reference_policy_needs_a_solution():
    with pytest.raises(PolicyError, match="has no reference solution"):
        ReferencePolicy().generate([Prompt("lonely", "write it")], 1)


def test_replay_returns_the_recorded_completion_of_each_sample_index(tmp_path):
    path = tmp_path / "r.jsonl"
    rows = [{"problem": "a", "completion": f"a{i}"} for i in range(3)] + [{"problem": "b", "completion": "b0",
                                                                            "extra": "ignored"}]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n")
    policy = ReplayPolicy(path)
    assert policy.generate([Prompt("a", ""), Prompt("b", "")], [0]) == [["a0"], ["b0"]]
    assert policy.generate([Prompt("a", "")], [2, 1]) == [["a2", "a1"]]
    with pytest.raises(PolicyError, match="has 1 completion"):
        policy.generate([Prompt("b", "")], 2)
    with pytest.raises(PolicyError, match="has 0 completion"):
        policy.generate([Prompt("c", "")], 1)


@pytest.mark.parametrize("line, message", [
    ("{oops", ":2: not JSON"), ("[1, 2]", ":2: expected an object"),
    ('{"problem": "a"}', ':2: expected an object with string fields "problem" and "completion"'),
    ('{"problem": 3, "completion": "x"}', ":2: expected an object"),
])
def test_malformed_replay_lines_name_the_line(tmp_path, line, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"problem": "a", "completion": "ok"}) + "\n" + line + "\n")
    with pytest.raises(PolicyError, match=message):
        ReplayPolicy(path)


def test_hf_policy_samples_n_completions_per_prompt_with_per_sample_seeds(tiny_llama, prompts):
    policy = parse_policy(f"hf:{tiny_llama}", Sampling(temperature=1.0, max_tokens=8, seed=7))
    assert isinstance(policy, HFPolicy)
    out = policy.generate(prompts, 3)
    assert [len(texts) for texts in out] == [3, 3]
    assert all(isinstance(t, str) for texts in out for t in texts)
    again = policy.generate(prompts[:1], [2])
    assert again == [[out[0][2]]], "sample i is seeded with seed + i, so it comes out the same again"
    assert len(set(out[0])) > 1, "different samples use different seeds"


def test_hf_policy_greedy_is_deterministic_without_a_seed(tiny_llama, prompts):
    policy = HFPolicy(tiny_llama, Sampling(temperature=0.0, max_tokens=6))
    first, second = policy.generate(prompts[:1], 2)[0]
    assert first == second


@pytest.mark.skipif(__import__("torch").cuda.is_available(), reason="on a GPU the vllm policy may start")
def test_vllm_policy_without_a_gpu_says_what_to_use_instead(tiny_llama):
    with pytest.raises(PolicyError, match=r"^the vllm policy needs (the vllm package \(pip install vllm\) on a CUDA "
                                          r"machine|a CUDA GPU; use hf:PATH or openai:MODEL on this machine)$"):
        VLLMPolicy(tiny_llama)


@pytest.mark.gpu
def test_vllm_policy_samples_on_a_gpu(tiny_llama, prompts):
    pytest.importorskip("vllm", reason="the vllm package is not installed")
    policy = parse_policy(f"vllm:{tiny_llama}", Sampling(max_tokens=8, seed=1))
    out = policy.generate(prompts, [0, 1])
    assert [len(texts) for texts in out] == [2, 2]
    assert policy.generate(prompts[:1], [1]) == [[out[0][1]]]
