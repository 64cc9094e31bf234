"""Tests of the text environments: countdown, math, multilabel and ifeval (kernelgym/envs/*.py).

One property per test. Expected rewards are worked out by hand from the documented weights (countdown and math:
``0.1·format + 0.9·correct``; multilabel: F1; ifeval: the share of constraints met), never read back from the
code under test. Reference solutions are checked independently (Python arithmetic on trusted generated text,
hand-written answers) as well as through the environments' graders.
"""
from __future__ import annotations

import ast
import doctest
import importlib
import json
import re
import time
from collections import Counter
from fractions import Fraction

import pytest

import kernelgym
from kernelgym.envs.core import Task
from kernelgym.envs.countdown import LEVELS, CountdownEnv
from kernelgym.envs.ifeval import TRIVIAL_ANSWERS, IFEvalEnv
from kernelgym.graders.instructions import KINDS, Constraint, satisfied
from kernelgym.envs.maths import DIFFICULTIES, MathEnv, load_gsm8k
from kernelgym.envs.multilabel import EXAMPLE_PATH, MultiLabelEnv, generate_example, load_examples

MODULES = ["kernelgym.envs.countdown", "kernelgym.envs.maths", "kernelgym.envs.multilabel", "kernelgym.envs.ifeval",
           "kernelgym.envs.spec"]
ENV_IDS = ["kernelgym/countdown-v0", "kernelgym/math-v0", "kernelgym/multilabel-v0", "kernelgym/ifeval-v0"]
SMALL = {"kernelgym/countdown-v0": {"size": 60}, "kernelgym/math-v0": {"size": 60},
         "kernelgym/multilabel-v0": {}, "kernelgym/ifeval-v0": {"size": 60}}


@pytest.fixture(scope="module")
def countdown_env():
    return CountdownEnv(size=50)


@pytest.fixture(scope="module")
def math_env():
    return MathEnv(size=20)


@pytest.fixture(scope="module")
def multilabel_env():
    return MultiLabelEnv()


@pytest.fixture(scope="module")
def ifeval_env():
    return IFEvalEnv(size=300)


def fraction_eval(expression: str) -> Fraction:
    """Exact value of a trusted ``+ - * /`` expression over integers (the tests' own arithmetic)."""
    def walk(node):
        if isinstance(node, ast.Constant):
            return Fraction(node.value)
        left, right = walk(node.left), walk(node.right)
        return {ast.Add: left + right, ast.Sub: left - right, ast.Mult: left * right,
                ast.Div: left / right if right else None}[type(node.op)]
    return walk(ast.parse(expression, mode="eval").body)


def step(env, task_id: str, completion: str):
    env.reset(options={"task_id": task_id})
    return env.step(completion)


# --- all four --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", MODULES)
def test_doctests_pass(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_registered_and_made_by_id(env_id):
    assert env_id in kernelgym.list_envs()
    env = kernelgym.make(env_id, **SMALL[env_id])
    assert env.env_id == env_id and env.tasks()


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_reference_solves_single_turn_episode(env_id):
    """reset -> step(reference): terminated, reward 1, info carries components that add up to the reward."""
    env = kernelgym.make(env_id, **SMALL[env_id])
    prompt, info = env.reset(seed=3)
    task = env.task(info["task_id"])
    observation, reward, terminated, truncated, info = env.step(env.reference_answer(task))
    assert (observation, reward, terminated, truncated) == ("", 1.0, True, False)
    assert sum(info["contributions"].values()) == pytest.approx(1.0)
    assert set(info["components"]) <= set(env.component_names)


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_tasks_are_deterministic_and_seeded(env_id):
    """Same arguments, same tasks (in a fresh environment); the generated ones change with the seed."""
    first = [(t.task_id, t.prompt, t.split) for t in kernelgym.make(env_id, **SMALL[env_id]).tasks()]
    again = [(t.task_id, t.prompt, t.split) for t in kernelgym.make(env_id, **SMALL[env_id]).tasks()]
    assert first == again
    if env_id != "kernelgym/multilabel-v0":
        other = [t.prompt for t in kernelgym.make(env_id, **SMALL[env_id], seed=1).tasks()]
        assert sum(a[1] == b for a, b in zip(first, other)) < len(first) / 10


@pytest.mark.parametrize("env_id", ["kernelgym/countdown-v0", "kernelgym/math-v0", "kernelgym/ifeval-v0"])
def test_task_i_does_not_depend_on_size(env_id):
    small = kernelgym.make(env_id, size=5).tasks()
    large = kernelgym.make(env_id, size=40).tasks()
    assert [t.prompt for t in small] == [t.prompt for t in large[:5]]


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_every_split_is_used(env_id):
    env = kernelgym.make(env_id, **({"size": 200} if env_id != "kernelgym/multilabel-v0" else {}))
    counts = Counter(t.split for t in env.tasks())
    assert set(counts) == {"train", "validation", "test"}
    assert counts["train"] > counts["validation"] and counts["train"] > counts["test"]


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_trl_reward_functions_add_up_to_the_reward(env_id):
    """TRL's view: one function per component, named after it; their values add up to the env's reward."""
    env = kernelgym.make(env_id, **SMALL[env_id])
    rows = env.rows("train")[:4]
    tasks = [env.task(r["task_id"]) for r in rows]
    completions = [[{"role": "assistant", "content": env.reference_answer(t)}] for t in tasks[:2]] + \
        [[{"role": "assistant", "content": "I cannot solve this."}] for _ in tasks[2:]]
    funcs = env.reward_funcs()
    assert [f.__name__ for f in funcs] == list(env.component_names)
    values = [f(prompts=[r["prompt"] for r in rows], completions=completions, env_id=[r["env_id"] for r in rows],
                task_id=[r["task_id"] for r in rows]) for f in funcs]
    totals = [sum(v[i] for v in values if v[i] is not None) for i in range(len(rows))]
    assert totals[:2] == [pytest.approx(1.0)] * 2
    assert all(total < 1.0 for total in totals[2:])


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_multi_turn_feedback_then_success(env_id):
    """With max_turns=2 a wrong first attempt returns feedback, and the reference then ends the episode."""
    env = kernelgym.make(env_id, max_turns=2, **SMALL[env_id])
    _, info = env.reset(seed=5)
    observation, _, terminated, truncated, _ = env.step("I cannot solve this.")
    assert observation and not terminated and not truncated
    _, reward, terminated, _, info = env.step(env.reference_answer(env.task(info["task_id"])))
    assert terminated and reward == 1.0 and len(info["messages"]) == 4


# --- countdown -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("difficulty", sorted(LEVELS))
@pytest.mark.parametrize("use_all", [False, True])
def test_countdown_solutions_reach_their_targets(difficulty, use_all):
    """Every stored solution, evaluated by the test's own arithmetic, equals the target and uses the numbers
    given (each at most as often as given; every one of them with use_all)."""
    env = CountdownEnv(difficulty=difficulty, size=40, use_all=use_all)
    for task in env.tasks():
        numbers, target, solution = task.columns["numbers"], task.columns["target"], task.columns["solution"]
        assert fraction_eval(solution) == target
        used = Counter(int(n) for n in re.findall(r"\d+", solution))
        assert not used - Counter(numbers)
        if use_all:
            assert used == Counter(numbers)
        assert target not in numbers


@pytest.mark.parametrize("difficulty", sorted(LEVELS))
def test_countdown_difficulty_sets_count_and_range(difficulty):
    level = LEVELS[difficulty]
    for task in CountdownEnv(difficulty=difficulty, size=30).tasks():
        assert len(task.columns["numbers"]) == level.count
        assert level.target_min <= task.columns["target"] <= level.target_max
        if not level.big:
            assert max(task.columns["numbers"]) <= level.high


def test_countdown_harder_levels_have_more_numbers_and_bigger_targets():
    easy, hard = CountdownEnv(difficulty=1, size=50).tasks(), CountdownEnv(difficulty=5, size=50).tasks()
    assert max(t.columns["target"] for t in easy) < min(t.columns["target"] for t in hard)


def _countdown_task(env, keep=lambda t: True):
    return next(t for t in env.tasks() if keep(t))


def test_countdown_valid_miss_earns_the_format_share(countdown_env):
    """``a + b`` of two given numbers, when it is not the target, is valid but wrong: 0.1."""
    env = countdown_env
    task = _countdown_task(env, lambda t: sum(t.columns["numbers"][:2]) != t.columns["target"])
    a, b = task.columns["numbers"][:2]
    _assert_format_share_only(env, task, f"<answer>{a} + {b}</answer>")


def _assert_format_share_only(env, task, completion: str) -> None:
    _, reward, terminated, _, info = step(env, task.task_id, completion)
    assert reward == pytest.approx(0.1) and not terminated
    assert info["components"] == {"format": 1.0, "correct": 0.0}


def test_countdown_needs_answer_tags(countdown_env):
    """The right expression without <answer> tags earns nothing (the prompt asks for the tags)."""
    env = countdown_env
    task = env.tasks()[0]
    _, reward, _, _, info = step(env, task.task_id, task.columns["solution"])
    assert reward == 0.0 and "<answer>" in info["feedback"]


def test_countdown_grades_the_last_answer_block(countdown_env):
    env = countdown_env
    task = env.tasks()[0]
    completion = f"<answer>{task.columns['numbers'][0]}</answer> no wait <answer>{task.columns['solution']}</answer>"
    assert step(env, task.task_id, completion)[1] == 1.0


@pytest.mark.parametrize("answer", [
    "__import__('os').system('touch /tmp/pwned')",
    "(lambda: 100)()",
    "99999999999999999999999 * 99999999999999999999999",
    "TARGET",
    "(" * 500 + "1" + ")" * 500,
    "1e2",
    "-1",
])
def test_countdown_hostile_answers_earn_only_the_format_share(answer, countdown_env):
    """Code, huge numbers not given, the bare target, deep nesting, floats, unary minus: never correct; a closed
    answer block earns TinyZero's format share (0.1) and no more."""
    env = countdown_env
    task = env.tasks()[0]
    answer = answer.replace("TARGET", str(task.columns["target"]))
    _assert_format_share_only(env, task, f"<answer>{answer}</answer>")


def test_countdown_unclosed_answer_block_earns_nothing(countdown_env):
    """The format share needs a closed block: the solution after an unclosed <answer> tag scores 0."""
    env = countdown_env
    task = env.tasks()[0]
    assert step(env, task.task_id, f"<answer>{task.columns['solution']}")[1] == 0.0


def test_countdown_use_all_refuses_a_subset(countdown_env):
    """With use_all, a solution that reaches the target but leaves a number out is not correct (format only)."""
    free = countdown_env
    task = _countdown_task(free, lambda t: len(re.findall(r"\d+", t.columns["solution"])) < len(t.columns["numbers"]))
    answer = f"<answer>{task.columns['solution']}</answer>"
    assert free.grade(task, answer).reward == 1.0
    strict = CountdownEnv(size=1, use_all=True)
    assert strict.grade(task, answer).reward == pytest.approx(0.1)
    assert not strict.grade(task, answer).solved
    assert "exactly once" in strict.tasks()[0].prompt


# --- math ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("difficulty", sorted(DIFFICULTIES))
def test_math_worked_solutions_are_right(difficulty):
    """Every <<expression=value>> calculator note of a generated solution is right, the last value is the final
    answer, and the final answer is a whole number."""
    for task in MathEnv(difficulty=difficulty, size=80).tasks():
        notes = re.findall(r"<<([^=]+)=(\d+)>>", task.columns["solution"])
        assert notes
        for expression, value in notes:
            assert fraction_eval(expression) == int(value)
        assert task.columns["solution"].endswith(f"#### {task.columns['expected']}")
        assert int(notes[-1][1]) == int(task.columns["expected"])


def test_math_difficulty_adds_steps():
    def mean_notes(difficulty):
        tasks = MathEnv(difficulty=difficulty, size=100).tasks()
        return sum(t.columns["solution"].count("<<") for t in tasks) / len(tasks)
    assert mean_notes(1) < mean_notes(2) < mean_notes(3)


@pytest.mark.parametrize("completion,expected_reward", [
    ("So the total is 12.\n#### 12", 1.0),
    ("The answer is \\boxed{12}.", 1.0),
    ("#### 13", 0.1),
    ("I cannot solve this.", 0.0),
    ("#### " + "9" * 5000, 0.1),
])
def test_math_rewards_follow_reft(completion, expected_reward, math_env):
    """ReFT's 1.0 / 0.1 / 0.0: right, wrong number (even a 5000-digit one), no number."""
    env = math_env
    task = Task("t", "What is 5 + 7?", columns={"expected": "12", "solution": "5 + 7 = 12\n#### 12"})
    assert env.grade(task, completion).reward == pytest.approx(expected_reward)


@pytest.mark.parametrize("completion,expected_reward", [
    ("<think>5 + 7 = 12, so #### 12</think>\nI am not sure.", 0.0),
    ("<think>maybe 12", 0.0),
    ("<think>about 11</think>\n#### 12", 1.0),
    ("<think>surely 12</think>\n#### 13", 0.1),
])
def test_math_grades_the_answer_not_the_reasoning(completion, expected_reward, math_env):
    """A number inside <think>...</think> earns neither format nor correctness credit."""
    task = Task("t", "What is 5 + 7?", columns={"expected": "12", "solution": "5 + 7 = 12\n#### 12"})
    assert math_env.grade(task, completion).reward == pytest.approx(expected_reward)


def test_math_feedback_never_shows_the_expected_answer(math_env):
    env = math_env
    for task in env.tasks()[:20]:
        wrong = str(int(task.columns["expected"]) + 1)
        feedback = env.grade(task, f"#### {wrong}").feedback
        assert feedback and not re.search(rf"(?<!\d){task.columns['expected']}(?!\d)", feedback.replace(wrong, ""))


GSM8K_ROWS = [
    {"question": "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. "
                 "How many clips did Natalia sell altogether in April and May?",
     "answer": "Natalia sold 48/2 = <<48/2=24>>24 clips in May.\nNatalia sold 48+24 = <<48+24=72>>72 clips "
               "altogether in April and May.\n#### 72"},
    {"question": "A shop sells 1,200 pens a day. How many in 2 days?",
     "answer": "1,200 * 2 = <<1200*2=2400>>2,400\n#### 2,400"},
]


def test_math_loads_gsm8k_jsonl(tmp_path):
    path = tmp_path / "gsm8k_test.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in GSM8K_ROWS) + "\n\n")
    env = kernelgym.make("kernelgym/math-v0", path=path, file_split="test")
    tasks = env.tasks()
    assert [t.columns["expected"] for t in tasks] == ["72", "2400"]
    assert {t.split for t in tasks} == {"test"}
    assert GSM8K_ROWS[0]["question"] in tasks[0].prompt and "####" in tasks[0].prompt
    assert env.grade(tasks[1], "They sell 2400 pens.\n#### 2,400").reward == 1.0
    assert env.grade(tasks[0], env.reference_answer(tasks[0])).solved


@pytest.mark.parametrize("line,message", [
    ("{not json", "line 2: not valid JSON"),
    ('{"question": "q"}', "line 2: needs string fields"),
    ('{"question": "q", "answer": "no marker"}', "line 2: the answer does not end with"),
])
def test_math_gsm8k_errors_name_file_and_line(tmp_path, line, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(GSM8K_ROWS[0]) + "\n" + line + "\n")
    with pytest.raises(ValueError, match=message) as caught:
        load_gsm8k(path)
    assert str(path) in str(caught.value)


# --- multilabel ------------------------------------------------------------------------------------------------
def test_multilabel_shipped_example_is_the_generators_output():
    """The shipped file is what generate_example() writes (so it can be regenerated and reviewed)."""
    shipped = [json.loads(line) for line in EXAMPLE_PATH.read_text().splitlines()]
    assert shipped == generate_example()
    assert len(shipped) == 200 and len({r["id"] for r in shipped}) == 200


def test_multilabel_example_is_skewed():
    """The example set is deliberately imbalanced, so that balanced sampling has work to do."""
    counts = Counter(label for e in load_examples(EXAMPLE_PATH) for label in e.labels)
    assert max(counts.values()) >= 5 * min(counts.values())


@pytest.mark.parametrize("answer,expected", [
    ('<answer>["sports", "weather"]</answer>', 1.0),
    ('<answer>["sports"]</answer>', 2 / 3),               # p = 1, r = 1/2
    ('<answer>["sports", "weather", "food"]</answer>', 0.8),   # p = 2/3, r = 1
    ('<answer>["Sports", " WEATHER "]</answer>', 1.0),    # case and space ignored
    ('<answer>["sports", "weather"</answer>', 1.0),       # malformed JSON still read
    ("<answer></answer>", 0.0),
    ("", 0.0),
])
def test_multilabel_reward_is_f1(answer, expected, multilabel_env):
    env = multilabel_env
    task = Task("t", "?", columns={"labels": ["sports", "weather"], "row_id": "t"})
    assert env.grade(task, answer).reward == pytest.approx(expected)


def test_multilabel_listing_every_label_is_paid_for(multilabel_env):
    env = multilabel_env
    labels = sorted({label for e in load_examples(EXAMPLE_PATH) for label in e.labels})
    task = Task("t", "?", columns={"labels": ["sports"], "row_id": "t"})
    graded = env.grade(task, f"<answer>{json.dumps(labels)}</answer>")
    assert graded.components["recall"] == 1.0 and graded.reward == pytest.approx(2 * (1 / 8) / (1 / 8 + 1))


def test_multilabel_huge_answer_is_bounded(multilabel_env):
    env = multilabel_env
    task = Task("t", "?", columns={"labels": ["sports"], "row_id": "t"})
    graded = env.grade(task, "<answer>" + ", ".join(f"label{i}" for i in range(200_000)) + ", sports</answer>")
    assert 0.0 <= graded.reward < 0.01


def test_multilabel_weights_choose_the_reward():
    env = MultiLabelEnv(weights={"precision": 0.5, "recall": 0.5, "f1": 0.0})
    task = Task("t", "?", columns={"labels": ["a", "b"], "row_id": "t"})
    graded = env.grade(task, '<answer>["a", "c", "d"]</answer>')  # p = 1/3, r = 1/2
    assert graded.reward == pytest.approx(0.5 / 3 + 0.5 / 2)
    with pytest.raises(ValueError, match="unknown component"):
        MultiLabelEnv(weights={"accuracy": 1.0})


def _label_spread(tasks) -> float:
    counts = Counter(label for t in tasks for label in t.columns["labels"])
    return max(counts.values()) / min(counts.values())


def test_multilabel_balanced_sampling_evens_out_labels(multilabel_env):
    """Balanced draws bring every label of the train split within 15% of the others (from 10x apart)."""
    plain, balanced = multilabel_env, MultiLabelEnv(balanced=True, size=400)
    assert _label_spread(plain.tasks("train")) > 5
    assert _label_spread(balanced.tasks("train")) < 1.15


def test_multilabel_balanced_repeats_keep_their_split():
    """A row drawn several times keeps one split (no text in both train and test) and unique task ids."""
    env = MultiLabelEnv(balanced=True, size=600)
    tasks = env.tasks()
    assert len({t.task_id for t in tasks}) == len(tasks)
    split_of_row = {}
    for task in tasks:
        assert split_of_row.setdefault(task.columns["row_id"], task.split) == task.split
    assert max(Counter(t.columns["row_id"] for t in tasks).values()) > 1
    assert len(tasks) == pytest.approx(600, abs=3)


def test_multilabel_loads_a_jsonl_file(tmp_path):
    path = tmp_path / "tags.jsonl"
    path.write_text('{"text": "a b", "labels": ["x", "y"]}\n{"id": "z", "text": "c", "labels": ["y"]}\n')
    env = kernelgym.make("kernelgym/multilabel-v0", path=path)
    assert [t.task_id for t in env.tasks()] == ["row-00001", "z"]
    assert "Labels: x, y" in env.tasks()[0].prompt


@pytest.mark.parametrize("line,message", [
    ('{"text": "a", "labels": []}', "non-empty list"),
    ('{"labels": ["x"]}', "'text'"),
    ("[1, 2]", "'text'"),
    ('{"id": "r", "text": "a", "labels": ["x"]}', "used twice"),
])
def test_multilabel_bad_rows_name_file_and_line(tmp_path, line, message):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "r", "text": "a", "labels": ["x"]}\n' + line + "\n")
    with pytest.raises(ValueError, match=message) as caught:
        load_examples(path)
    assert f"{path} line 2" in str(caught.value)


# --- ifeval ----------------------------------------------------------------------------------------------------
def test_ifeval_references_meet_every_constraint_and_refusals_do_not(ifeval_env):
    env = ifeval_env
    for task in env.tasks():
        constraints = env.constraints(task)
        assert 1 <= len(constraints) <= 3 and len({c.kind for c in constraints}) == len(constraints)
        assert all(satisfied(c, task.columns["reference"]) for c in constraints), task.task_id
        for trivial in TRIVIAL_ANSWERS:
            assert not all(satisfied(c, trivial) for c in constraints), (task.task_id, trivial)


def test_ifeval_draws_every_kind_and_every_count(ifeval_env):
    tasks = ifeval_env.tasks()
    assert {k for t in tasks for k in t.columns["kinds"]} == set(KINDS)
    assert {len(t.columns["kinds"]) for t in tasks} == {1, 2, 3}


def test_ifeval_options_limit_kinds_and_count():
    tasks = IFEvalEnv(size=50, max_constraints=1, kinds=["json", "keywords"]).tasks()
    assert {len(t.columns["kinds"]) for t in tasks} == {1}
    assert {k for t in tasks for k in t.columns["kinds"]} <= {"json", "keywords"}
    with pytest.raises(ValueError, match="kinds"):
        IFEvalEnv(kinds=["rhyme"])


def _ifeval_task(*constraints: Constraint) -> Task:
    fields = ("kind", "description", "count", "relation", "words", "text")
    return Task("t", "Write.", columns={"kinds": [c.kind for c in constraints], "reference": "",
                                        "constraints": json.dumps([{f: getattr(c, f) for f in fields}
                                                                   for c in constraints])})


LOWER = Constraint("case", "lowercase", text="lower")
TWO_BULLETS = Constraint("bullets", "2 bullets", count=2, relation="exactly")
OCEAN = Constraint("keywords", "ocean", words=("ocean",))


@pytest.mark.parametrize("answer,expected", [
    ("* the ocean is wide.\n* it is deep.", 1.0),
    ("* The ocean is wide.\n* It is deep.", 2 / 3),
    ("* the sea is wide.\n* it is deep.\n* and cold.", 1 / 3),
    ("", 0.0),
])
def test_ifeval_reward_is_fraction_satisfied(answer, expected, ifeval_env):
    env = ifeval_env
    graded = env.grade(_ifeval_task(LOWER, TWO_BULLETS, OCEAN), answer)
    assert graded.reward == pytest.approx(expected)
    assert sum(graded.contributions.values()) == graded.reward
    assert set(graded.components) == {"case", "bullets", "keywords"}
    assert graded.solved == (expected == 1.0)


def test_ifeval_absent_kinds_are_none_for_trl(ifeval_env):
    """TRL gets None (not 0) from the functions of kinds a task does not have, so their means stay honest."""
    env = ifeval_env
    graded = env.grade(_ifeval_task(LOWER), "all lowercase")
    assert graded.contributions == {"case": 1.0}
    assert graded.contributions.get("json") is None
    task = next(t for t in env.tasks() if "json" not in t.columns["kinds"])
    funcs = {f.__name__: f for f in env.reward_funcs()}
    batch = {"prompts": [[{"role": "user", "content": task.prompt}]], "completions": [env.reference_answer(task)],
             "env_id": [env.env_id], "task_id": [task.task_id]}
    assert funcs["json"](**batch) == [None]
    for kind in KINDS:
        value = funcs[kind](**batch)[0]
        if kind in task.columns["kinds"]:
            assert value == pytest.approx(1 / len(task.columns["kinds"]))
        else:
            assert value is None, kind


def test_ifeval_ignores_the_reasoning_block(ifeval_env):
    env = ifeval_env
    task = _ifeval_task(LOWER, OCEAN)
    assert env.grade(task, "<think>The Ocean! Let me THINK.</think>\nthe ocean is calm.").reward == 1.0
    assert env.grade(task, "<think>the ocean is calm.").reward == 0.0  # never finished thinking


@pytest.mark.parametrize("constraint,good,bad", [
    (Constraint("word_count", "", count=5, relation="at least"), "one two three four five", "one two three four"),
    (Constraint("word_count", "", count=3, relation="at most"), "It's well-known: yes.", "one two three four"),
    (Constraint("sentence_count", "", count=2, relation="exactly"), "It rains. Is it cold?", "One. Two. Three."),
    (Constraint("keywords", "", words=("coral", "tides")), "Tides move CORAL sand.", "Corals and tides."),
    (Constraint("forbidden_words", "", words=("water",)), "Waterfalls are tall.", "The Water is cold."),
    (Constraint("json", ""), '```json\n{"a": [1, 2]}\n```', '{"a": 1} trailing text'),
    (Constraint("json", ""), '{"a": {"b": null}}', "[1, 2, 3]"),
    (Constraint("bullets", "", count=2, relation="exactly"), "* one\n- two", "* one\n* two\n* three"),
    (Constraint("case", "", text="upper"), "ALL CAPS, 100%!", "ALL CAPS but one"),
    (Constraint("ending", "", text="That is all."), "Some text. That is all.", "That is all. More text."),
])
def test_ifeval_checkers(constraint, good, bad):
    assert satisfied(constraint, good) and not satisfied(constraint, bad)


@pytest.mark.parametrize("answer", [
    '{"answer": "unterminated',
    "{'single': 'quotes'}",
    "[" * 100_000,
    '{"a": 1}{"b": 2}',
    "NaN",
])
def test_ifeval_malformed_json_fails_the_json_constraint(answer):
    assert not satisfied(Constraint("json", ""), answer)


def test_ifeval_whitespace_meets_nothing():
    """A blank answer satisfies even the constraints that text could only break (forbidden words, at most N)."""
    for constraint in (Constraint("forbidden_words", "", words=("x",)),
                       Constraint("word_count", "", count=10, relation="at most"), LOWER):
        assert not satisfied(constraint, "  \n\t")


HUGE = {"fence_of_spaces": "```" + " " * 200_000 + "x", "newlines": "\n" * 200_000 + "x",
        "open_tags": "<answer>" * 50_000, "hyphen_chain": "a-" * 200_000, "dots": ". " * 200_000,
        "empty_bullets": "* \n" * 100_000}


@pytest.mark.parametrize("name", sorted(HUGE))
def test_ifeval_pathological_answers_are_checked_in_linear_time(name, ifeval_env):
    """Answers built to make backtracking regular expressions take quadratic time are graded (and fail) quickly;
    a quadratic checker would take minutes on these."""
    task = _ifeval_task(Constraint("json", ""), TWO_BULLETS, Constraint("sentence_count", "", count=2))
    started = time.monotonic()
    assert ifeval_env.grade(task, HUGE[name]).reward < 1.0
    for kind in KINDS:
        met = satisfied(Constraint(kind, "", count=2, relation="at least", words=("ocean",), text="lower"), HUGE[name])
        assert isinstance(met, bool), kind
    assert time.monotonic() - started < 5  # ~0.5 s here; a quadratic checker takes minutes


@pytest.mark.parametrize(("text", "countdown_reward"), [("<answer>" * 50_000, 0.0), ("</answer>" * 50_000, 0.0),
                                                      ("<answer>" + "1+" * 100_000 + "1</answer>", 0.1)],
                         ids=["open_tags", "close_tags", "long_sum"])
def test_answer_tags_are_found_in_linear_time(text, countdown_reward, countdown_env, multilabel_env):
    """Unclosed or unopened tags earn nothing; a closed block holding an over-long sum earns Countdown's format
    share only (the expression is refused by its length)."""
    countdown_task, multilabel_task = countdown_env.tasks()[0], multilabel_env.tasks()[0]  # loaded outside the clock
    started = time.monotonic()
    assert countdown_env.grade(countdown_task, text).reward == pytest.approx(countdown_reward)
    assert multilabel_env.grade(multilabel_task, text).reward == 0.0
    assert time.monotonic() - started < 2
