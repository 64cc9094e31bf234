"""Tests of environments made from YAML and JSON specs (kernelgym/envs/spec.py).

Expected rewards are worked out by hand in each test from the spec it writes: string_check scores 1 or 0,
fuzzy_match("negative", "positive") is 0.5 (their longest common subsequence "tive" has 4 of 8 letters, so the
Indel distance is 8 of 16), weights and formulas as written.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter

import pytest
import yaml

import kernelgym
from kernelgym.envs.checker import check_env
from kernelgym.envs.spec import EXAMPLE_SPEC, SpecError, make_from_spec
from kernelgym.problem import split_of

ROWS = [{"id": f"r{i}", "text": f"review {i}", "label": "positive" if i % 2 else "negative"} for i in range(12)]
EXACT = {"type": "string_check", "input": "{{ sample.output_json.label }}", "reference": "{{ item.label }}",
         "operation": "eq"}
FUZZY = {"type": "text_similarity", "input": "{{ sample.output_json.label }}", "reference": "{{ item.label }}",
         "evaluation_metric": "fuzzy_match"}
BASE = {"data": "data.jsonl", "prompt": "Sentiment of: {{ item.text }}\nAnswer {\"label\": ...}.",
        "graders": {"exact": EXACT, "fuzzy": FUZZY}, "weights": {"exact": 0.7, "fuzzy": 0.3},
        "reference_answer": '{"label": "{{ item.label }}"}'}


def write(tmp_path, spec: dict, rows: list[dict] = ROWS, suffix: str = ".yaml", data: str = "data.jsonl"):
    (tmp_path / data).write_text("".join(json.dumps(r) + "\n" for r in rows))
    path = tmp_path / f"spec{suffix}"
    path.write_text(json.dumps(spec) if suffix == ".json" else yaml.safe_dump(spec, sort_keys=False))
    return path


def grade(env, task_id: str, completion: str):
    env.reset(options={"task_id": task_id})
    return env.step(completion)


def positive_id(env) -> str:
    return next(t.task_id for t in env.tasks() if env.item(t)["label"] == "positive")


# --- building ---------------------------------------------------------------------------------------------------
def test_example_spec_passes_the_checker():
    env = kernelgym.make(str(EXAMPLE_SPEC))
    check_env(env)
    assert env.component_names == ("exact", "fuzzy")
    assert {t.split for t in env.tasks()} == {"train", "validation", "test"}


def test_spec_id_is_registered_for_make(tmp_path):
    path = write(tmp_path, {**BASE, "id": "testspec/registered-v3"})
    env = kernelgym.make(str(path))
    assert env.env_id == "testspec/registered-v3" and "testspec/registered-v3" in kernelgym.list_envs()
    again = kernelgym.make("testspec/registered-v3", max_turns=2)
    assert again.max_turns == 2 and [t.prompt for t in again.tasks()] == [t.prompt for t in env.tasks()]


def test_spec_without_id_is_named_after_its_folder(tmp_path):
    env = kernelgym.make(str(write(tmp_path, BASE)))
    assert env.env_id == f"spec/{tmp_path.name}-v0"


@pytest.mark.parametrize("suffix", [".json", ".yml"])
def test_json_and_yaml_specs_make_the_same_environment(tmp_path, suffix):
    (tmp_path / "yaml").mkdir()
    yaml_env = kernelgym.make(str(write(tmp_path / "yaml", BASE)))
    other = kernelgym.make(str(write(tmp_path, BASE, suffix=suffix)))
    assert [(t.task_id, t.prompt, t.split) for t in other.tasks()] == \
        [(t.task_id, t.prompt, t.split) for t in yaml_env.tasks()]
    task_id = positive_id(other)
    assert grade(other, task_id, '{"label": "positive"}')[1] == grade(yaml_env, task_id, '{"label": "positive"}')[1]


def test_prompt_is_filled_from_the_row(tmp_path):
    env = kernelgym.make(str(write(tmp_path, BASE)))
    prompt, info = env.reset(options={"task_id": "r3"})
    assert prompt == 'Sentiment of: review 3\nAnswer {"label": ...}.' and info["task_id"] == "r3"


# --- rewards ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("completion,reward,solved", [
    ('{"label": "positive"}', 1.0, True),
    ('```json\n{"label": "positive"}\n```', 1.0, True),
    ('<think>hmm, {"label": "negative"}?</think>{"label": "positive"}', 1.0, True),
    ('{"label": "negative"}', 0.3 * 0.5, False),
    ("positive", 0.0, False),
    ("", 0.0, False),
    ("[" * 100_000, 0.0, False),
])
def test_weighted_reward(tmp_path, completion, reward, solved):
    env = kernelgym.make(str(write(tmp_path, BASE)))
    _, got, terminated, _, info = grade(env, positive_id(env), completion)
    assert got == pytest.approx(reward) and terminated == solved
    assert sum(info["contributions"].values()) == got
    assert info["contributions"]["exact"] == pytest.approx(0.7 * info["components"]["exact"])


def test_strip_thinking_off_grades_the_whole_text(tmp_path):
    env = kernelgym.make(str(write(tmp_path, {**BASE, "strip_thinking": False})))
    assert grade(env, positive_id(env), '<think>x</think>{"label": "positive"}')[1] == 0.0


def test_linear_formula_contributions_are_weight_times_score(tmp_path):
    spec = {key: value for key, value in BASE.items() if key != "weights"} | {"formula": "0.5 * exact + 0.5 * fuzzy"}
    env = kernelgym.make(str(write(tmp_path, spec)))
    _, reward, _, _, info = grade(env, positive_id(env), '{"label": "negative"}')
    assert reward == pytest.approx(0.25)
    assert info["contributions"] == pytest.approx({"exact": 0.0, "fuzzy": 0.25})


def test_nonlinear_formula_contributions_add_up(tmp_path):
    """``exact * fuzzy``: switching on ``exact`` alone adds 0, ``fuzzy`` then adds the product."""
    spec = {key: value for key, value in BASE.items() if key != "weights"} | {"formula": "exact * fuzzy"}
    env = kernelgym.make(str(write(tmp_path, spec)))
    _, reward, _, _, info = grade(env, positive_id(env), '{"label": "positive"}')
    assert reward == 1.0 and info["contributions"] == {"exact": 0.0, "fuzzy": 1.0}


def test_formula_constant_goes_to_the_first_grader(tmp_path):
    spec = {key: value for key, value in BASE.items() if key != "weights"} | {
        "calculate_output": "0.2 + 0.8 * min(exact, fuzzy)", "pass_threshold": 0.9}
    env = make_from_spec(write(tmp_path, spec))
    graded = env.grade(env.task(positive_id(env)), "")
    assert graded.reward == pytest.approx(0.2) and graded.contributions == pytest.approx({"exact": 0.2, "fuzzy": 0.0})


def test_default_weights_are_the_mean(tmp_path):
    spec = {key: value for key, value in BASE.items() if key != "weights"}
    env = kernelgym.make(str(write(tmp_path, spec)))
    assert grade(env, positive_id(env), '{"label": "negative"}')[1] == pytest.approx(0.5 * 0.5)


def test_pass_threshold_decides_solved(tmp_path):
    env = kernelgym.make(str(write(tmp_path, {**BASE, "pass_threshold": 0.1})))
    _, reward, terminated, _, _ = grade(env, positive_id(env), '{"label": "negative"}')
    assert reward == pytest.approx(0.15) and terminated


def test_openai_multi_grader_is_split_into_components(tmp_path):
    """An RFT job's ``grader`` (one multi grader) works as it is: its graders are the components."""
    spec = {"data": "data.jsonl", "prompt": BASE["prompt"],
            "grader": {"type": "multi", "graders": {"exact": EXACT, "fuzzy": FUZZY},
                       "calculate_output": "0.9 * exact + 0.1 * fuzzy"}}
    env = kernelgym.make(str(write(tmp_path, spec)))
    assert env.component_names == ("exact", "fuzzy")
    assert grade(env, positive_id(env), '{"label": "negative"}')[1] == pytest.approx(0.05)


def test_single_openai_grader_is_named_by_its_name(tmp_path):
    spec = {"data": "data.jsonl", "prompt": BASE["prompt"], "grader": {**EXACT, "name": "label_match"}}
    env = kernelgym.make(str(write(tmp_path, spec)))
    assert env.component_names == ("label_match",)
    assert grade(env, positive_id(env), '{"label": "positive"}')[1] == 1.0


def test_kernelgym_grader_types(tmp_path):
    rows = [{"id": "q", "question": "What is 6 * 7?", "answer": "42", "labels": ["a", "b"], "numbers": [6, 7, 1],
             "target": 43}]
    spec = {"data": "data.jsonl", "prompt": "{{ item.question }}",
            "graders": {"maths": {"type": "math_answer", "input": "{{ sample.output_json.answer }}",
                                  "reference": "{{ item.answer }}"},
                        "tags": {"type": "multilabel_f1", "input": "{{ sample.output_json.tags }}",
                                 "reference": "{{ item.labels }}", "metric": "recall"},
                        "game": {"type": "countdown", "input": "{{ sample.output_json.expression }}",
                                 "numbers": "{{ item.numbers }}", "target": "{{ item.target }}"}},
            "weights": {"maths": 1, "tags": 1, "game": 1}}
    env = kernelgym.make(str(write(tmp_path, spec, rows)))
    answer = json.dumps({"answer": 42, "tags": ["a"], "expression": "6 * 7 + 1"})
    assert env.grade(env.task("q"), answer).components == {"maths": 1.0, "tags": 0.5, "game": 1.0}


def test_python_grader_runs_in_the_sandbox(tmp_path, grader):
    source = "def grade(sample, item):\n    return float(sample['output_text'].strip() == item['label'])\n"
    spec = {"data": "data.jsonl", "prompt": BASE["prompt"], "graders": {"py": {"type": "python", "source": source}}}
    env = make_from_spec(write(tmp_path, spec), sandbox=grader)
    task = env.task(positive_id(env))
    assert [env.grade(task, text).reward for text in ("positive", "negative")] == [1.0, 0.0]


# --- prompts and data -------------------------------------------------------------------------------------------
def test_rows_with_openai_messages_are_the_prompt(tmp_path):
    rows = [{"id": f"m{i}", "messages": [{"role": "system", "content": "Be brief."},
                                         {"role": "user", "content": f"Say {i}."}], "label": str(i)}
            for i in range(6)]
    spec = {"data": "data.jsonl", "graders": {"exact": {**EXACT, "input": "{{ sample.output_text }}"}}}
    env = kernelgym.make(str(write(tmp_path, spec, rows)))
    row = next(r for r in env.rows(split=None) if r["task_id"] == "m2")
    assert row["prompt"] == rows[2]["messages"]
    assert env.reset(options={"task_id": "m2"})[0] == "Say 2."
    assert grade(env, "m2", "2")[1] == 1.0


def test_system_message_goes_into_the_rows(tmp_path):
    env = kernelgym.make(str(write(tmp_path, {**BASE, "system": "You label {{ item.id }}."})))
    row = next(r for r in env.rows(split=None) if r["task_id"] == "r1")
    assert [m["role"] for m in row["prompt"]] == ["system", "user"] and row["prompt"][0]["content"] == "You label r1."


def test_one_data_file_per_split(tmp_path):
    (tmp_path / "valid.jsonl").write_text(json.dumps({"id": "v1", "text": "x", "label": "positive"}) + "\n")
    env = kernelgym.make(str(write(tmp_path, {**BASE, "data": {"train": "data.jsonl", "validation": "valid.jsonl"}})))
    assert [t.task_id for t in env.tasks("validation")] == ["v1"] and len(env.tasks("train")) == len(ROWS)


def test_split_fractions(tmp_path):
    rows = [{"text": str(i), "label": "positive"} for i in range(400)]
    env = kernelgym.make(str(write(tmp_path, {**BASE, "split": {"validation": 0.5, "test": 0.0}}, rows)))
    assert 140 < len(env.tasks("validation")) < 260 and not env.tasks("test")
    assert env.tasks()[0].task_id == "row-00001"
    assert all(t.split == split_of(t.task_id, 0.5, 0.0) for t in env.tasks())


def test_split_of_defaults_are_the_percent_buckets_and_fractions_are_finer():
    """The spec's fractions and the problems' 70/15/15 are one scheme: whole percents read the hash mod 100."""
    keys = [f"key-{i}" for i in range(5000)]
    for key in keys:
        percent = int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % 100
        assert split_of(key) == ("train" if percent < 70 else "validation" if percent < 85 else "test")
    shares = Counter(split_of(key, 0.125, 0.0375) for key in keys)
    assert abs(shares["validation"] / len(keys) - 0.125) < 0.02 and abs(shares["test"] / len(keys) - 0.0375) < 0.01


def test_trl_reward_functions_on_the_dataset(tmp_path):
    """The dataset's rows and the reward functions, as GRPOTrainer calls them, give the environment's rewards."""
    env = kernelgym.make(str(write(tmp_path, BASE)))
    data = env.dataset("train")
    completions = [[{"role": "assistant", "content": '{"label": "positive"}'}] for _ in range(len(data))]
    funcs = env.reward_funcs()
    assert [f.__name__ for f in funcs] == ["exact", "fuzzy"]
    values = [f(prompts=data["prompt"], completions=completions, env_id=data["env_id"], task_id=data["task_id"])
              for f in funcs]
    expected = [1.0 if env.item(env.task(t))["label"] == "positive" else 0.15 for t in data["task_id"]]
    assert [a + b for a, b in zip(*values)] == pytest.approx(expected)


# --- malformed specs --------------------------------------------------------------------------------------------
def without(key):
    return {k: v for k, v in BASE.items() if k != key}


@pytest.mark.parametrize("spec,message", [
    ({**BASE, "data": "missing.jsonl"}, r"data: data file .*missing\.jsonl does not exist"),
    (without("data"), "data: missing"),
    ({**BASE, "graders": {"exact": {**EXACT, "type": "exactish"}, "fuzzy": FUZZY}},
     "graders.exact.type: unknown grader type 'exactish'"),
    ({**BASE, "graders": {"exact": {k: v for k, v in EXACT.items() if k != "operation"}, "fuzzy": FUZZY}},
     "graders.exact: a string_check grader needs the field 'operation'"),
    ({**without("weights"), "formula": "0.5 * exact + 0.5 * bogus"}, "formula: the formula uses 'bogus'"),
    ({**without("weights"), "formula": "__import__('os')"}, "formula: the formula may not call __import__"),
    ({**BASE, "formula": "exact"}, "weights: give weights or a formula"),
    ({**BASE, "wieghts": {}}, "unknown field 'wieghts'"),
    ({**BASE, "weights": {"exact": 1, "fuzzy": 0, "bogus": 1}}, "weights.bogus: no grader is named 'bogus'"),
    ({**BASE, "weights": {"exact": 1}}, "weights: grader 'fuzzy' has no weight"),
    ({**BASE, "weights": {"exact": "high", "fuzzy": 0}}, "weights.exact: must be a number"),
    ({**BASE, "prompt": "Classify {{ item.review }}"}, "prompt: row 'r0'.*item.review"),
    ({**BASE, "prompt": "Echo {{ sample.output_text }}"}, r"prompt: \{\{ sample.output_text \}\}"),
    ({**BASE, "graders": {"exact": {**EXACT, "reference": "{{ item.gold }}"}, "fuzzy": FUZZY}},
     r"graders.exact: \{\{ item.gold \}\} is not in row 'r0'"),
    ({**BASE, "id": "no-namespace"}, "id: environment ids look like"),
    ({**BASE, "graders": {}}, "graders: a mapping"),
    ({**BASE, "graders": {"bad-name": EXACT}, "weights": {"bad-name": 1}}, "graders.bad-name: grader names are"),
    (without("prompt"), "prompt: missing"),
    ({**BASE, "split": {"validation": 0.6, "test": 0.5}}, "split: validation and test together"),
    ({**BASE, "graders": {"exact": EXACT, "fuzzy": {"type": "multilabel_f1", "reference": "{{ item.label }}",
                                                    "metric": "accuracy"}}},
     "graders.fuzzy: unknown metric 'accuracy'"),
    ({**BASE, "graders": {"exact": EXACT, "fuzzy": {"type": "countdown", "numbers": "{{ item.label }}",
                                                    "target": "{{ item.label }}"}}},
     "graders.fuzzy: row 'r0': numbers must render as a JSON list of ints"),
    ({**BASE, "graders": {"exact": EXACT, "fuzzy": {"type": "countdown", "numbers": "{{ sample.output_text }}",
                                                    "target": "1"}}},
     r"graders.fuzzy: numbers: \{\{ sample.output_text \}\}: the numbers and the target read the row"),
])
def test_malformed_spec_names_file_and_field(tmp_path, spec, message):
    path = write(tmp_path, spec)
    with pytest.raises(SpecError, match=message) as caught:
        kernelgym.make(str(path))
    assert str(caught.value).startswith(f"{path}: ")


@pytest.mark.parametrize("text,suffix,message", [
    ("data: data.jsonl\nprompt: [unclosed\n", ".yaml", "not valid YAML at line 3"),
    ('{"data": "data.jsonl",\n "prompt": }', ".json", "not valid JSON: Expecting value at line 2"),
    ("- just\n- a list\n", ".yaml", "a spec is a mapping"),
])
def test_spec_syntax_errors_give_the_line(tmp_path, text, suffix, message):
    path = tmp_path / f"spec{suffix}"
    path.write_text(text)
    with pytest.raises(SpecError, match=message) as caught:
        kernelgym.make(str(path))
    assert str(path) in str(caught.value)


@pytest.mark.parametrize("rows_text,message", [
    ('{"id": "a", "text": "t", "label": "x"}\nnot json\n', "data: data.jsonl line 2 is not valid JSON"),
    ('{"id": "a", "text": "t", "label": "x"}\n[1, 2]\n', "data: data.jsonl line 2 is a JSON list"),
    ('{"id": "a", "text": "t", "label": "x"}\n{"id": "a", "text": "u", "label": "y"}\n', "task id 'a' is used twice"),
    ("\n\n", "data: the data holds no rows"),
])
def test_bad_data_rows_name_the_line(tmp_path, rows_text, message):
    path = write(tmp_path, BASE)
    (tmp_path / "data.jsonl").write_text(rows_text)
    with pytest.raises(SpecError, match=message):
        kernelgym.make(str(path))


def test_missing_spec_file(tmp_path):
    with pytest.raises(SpecError, match="no such spec file"):
        kernelgym.make(str(tmp_path / "nope.yaml"))
