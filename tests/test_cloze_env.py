"""``kernelgym/kernel-cloze-v0``: reference fills earn full marks through the real sandboxed grader, wrong and
cheating fills do not, difficulty and splits behave, and the environment passes the checker."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

import kernelgym
from kernelgym.agents.config import parse_env
from kernelgym.envs.checker import check_env
from kernelgym.envs.cloze import KernelClozeEnv
from kernelgym.problem import load_problem

RELU_STORE = "level1/02_relu:store@14:32"


@pytest.fixture(scope="module")
def quick_grader():
    from kernelgym.grader import Grader, GraderConfig

    with Grader(GraderConfig(seeds=1, timeout_s=60)) as grader:  # with the compile check, as training grades
        yield grader


def cloze(difficulty: int, grader) -> KernelClozeEnv:
    return kernelgym.make("kernelgym/kernel-cloze-v0", difficulty=difficulty, grader=grader)


def relu_store_task(env: KernelClozeEnv):
    return next(t for t in env.tasks() if t.task_id.startswith("level1/02_relu:store"))


@pytest.mark.parametrize("difficulty", [0, 1, 2, 3])
def test_reference_fills_score_one_through_the_sandbox(difficulty, quick_grader):
    """The original pieces (the letter of the original at difficulty 1), on a few tasks of each difficulty."""
    env = cloze(difficulty, quick_grader)
    tasks = env.tasks()[::max(1, len(env.tasks()) // 4)][:4]
    verdicts = env.grade_many([(task, env.reference_answer(task)) for task in tasks])
    for task, verdict in zip(tasks, verdicts):
        assert verdict.reward == pytest.approx(1.0), (task.task_id, verdict.feedback)
        assert verdict.solved and verdict.record.correct and verdict.record.tests_passed > 0


def test_the_original_expression_also_answers_a_choice(quick_grader):
    env = cloze(1, quick_grader)
    task = relu_store_task(env)
    verdict = env.grade(task, f"I think it is <answer>{env.cloze(task).pieces[0].text}</answer>.")
    assert verdict.solved and verdict.reward == pytest.approx(1.0)


def test_a_wrong_choice_compiles_but_is_not_correct(quick_grader):
    env = cloze(1, quick_grader)
    task = relu_store_task(env)
    choices = env.cloze(task).choices
    right = env.reference_answer(task)
    wrong = next(f"<answer>{letter}</answer>" for letter in "ABCD"[:len(choices)] if f">{letter}<" not in right)
    verdict = env.grade(task, wrong)
    assert not verdict.solved and verdict.components["correctness"] < 1.0 and verdict.reward < 1.0
    assert verdict.record.tests_passed < verdict.record.tests_total


@pytest.mark.parametrize("fill, why", [
    ("torch.relu(x)", "torch cannot run inside a Triton kernel"),
    ("(f := torch.nn.functional.relu)(x)", "nor through a name bound in the blank"),
])
def test_a_torch_call_in_the_blank_earns_no_compile_or_correctness(fill, why, quick_grader):
    env = cloze(2, quick_grader)
    verdict = env.grade(relu_store_task(env), f"<answer>{fill}</answer>")
    assert not verdict.solved and verdict.components["compile"] == 0.0, why
    assert verdict.reward <= env.weights.format


def test_a_fill_reaching_for_python_internals_is_refused_as_a_hack(quick_grader):
    env = cloze(2, quick_grader)
    verdict = env.grade(relu_store_task(env), "<answer>__import__('torch').relu(x)</answer>")
    assert verdict.record.hacks and verdict.reward == 0.0


@pytest.mark.parametrize("completion", [
    "<answer>x, mask=mask)\n    return  #</answer>",       # breaks out of the blank to end the kernel early
    "<answer>0)\n    pass\n\ndef relu(x):\n    return x  #</answer>",  # replaces the wrapper by an identity
    "```python\nclass ModelNew:\n    pass\n```",            # a whole (empty) module instead of a fill
])
def test_a_fill_that_empties_the_kernel_is_a_format_failure(completion, quick_grader):
    env = cloze(2, quick_grader)
    verdict = env.grade(relu_store_task(env), completion)
    assert verdict.reward == 0.0 and verdict.record.failure == "format" and not verdict.record.format_ok


@pytest.mark.parametrize("fill", ["tl.load(out_ptr + offsets, mask=mask)", "0.0 * x"])
def test_a_fill_that_stores_nothing_computed_is_not_correct(fill, quick_grader):
    """Storing the output buffer back (a no-op kernel) or a constant: the poisoned buffers and the tests catch it."""
    env = cloze(2, quick_grader)
    verdict = env.grade(relu_store_task(env), f"<answer>{fill}</answer>")
    assert not verdict.solved and verdict.components["correctness"] < 1.0


def test_difficulty_three_needs_one_answer_per_blank(quick_grader):
    env = cloze(3, quick_grader)
    task = env.tasks()[0]
    one = env.cloze(task).pieces[0].text
    verdict = env.grade(task, f"<answer>{one}</answer>")
    assert verdict.record.failure == "format" and "2 blank(s) but 1 fill(s)" in verdict.record.error


def test_difficulty_is_read_from_an_env_option_and_checked():
    spec = parse_env("kernelgym/kernel-cloze-v0?difficulty=2")
    env = kernelgym.make(spec.env_id, **spec.kwargs)
    assert env.difficulty == 2
    kinds = {kind for task in env.tasks() for kind in task.columns["kinds"]}
    assert {"store", "mask", "offset", "constexpr"} <= kinds
    easy = kernelgym.make("kernelgym/kernel-cloze-v0", difficulty=1)
    assert all(task.columns["kinds"] == ["store"] for task in easy.tasks())
    assert all("The blank is one of:" in task.prompt for task in easy.tasks())
    hard = kernelgym.make("kernelgym/kernel-cloze-v0", difficulty=3)
    assert all(len(task.columns["kinds"]) == 2 and "<BLANK_2>" in task.prompt for task in hard.tasks())
    for wrong in (-1, 4):
        with pytest.raises(ValueError, match="difficulty must be one of 0, 1, 2, 3"):
            kernelgym.make("kernelgym/kernel-cloze-v0", difficulty=wrong)


def test_tasks_take_their_problems_split_and_are_stable():
    env = kernelgym.make("kernelgym/kernel-cloze-v0", difficulty=2)
    splits: dict[str, set[str]] = {}
    for task in env.tasks():
        problem = load_problem(task.columns["problem_path"])
        assert task.split == problem.split and "elementwise" in problem.tags
        splits.setdefault(problem.key, set()).add(task.split)
    assert all(len(s) == 1 for s in splits.values())  # no problem leaks from train into validation
    assert env.tasks("validation") and env.tasks("train")
    again = kernelgym.make("kernelgym/kernel-cloze-v0", difficulty=2)
    assert [(t.task_id, t.prompt) for t in again.tasks()] == [(t.task_id, t.prompt) for t in env.tasks()]
    every = kernelgym.make("kernelgym/kernel-cloze-v0", difficulty=1, tags="")
    assert len(every.tasks()) > len(kernelgym.make("kernelgym/kernel-cloze-v0", difficulty=1).tasks())


def test_a_prompt_never_shows_the_masked_piece_where_it_was():
    env = kernelgym.make("kernelgym/kernel-cloze-v0", difficulty=2)
    task = relu_store_task(env)
    assert "tl.store(out_ptr + offsets, <BLANK>, mask=mask)" in task.prompt
    assert "tl.maximum(x, 0.0)" not in task.prompt


@pytest.mark.parametrize("difficulty", [0, 2, 3])
def test_other_difficulties_pass_the_checker(difficulty, quick_grader):
    """Difficulty 1 (the default) runs in tests/test_env_checker.py with every registered id."""
    check_env(cloze(difficulty, quick_grader))


def test_difficulty_zero_is_the_stored_expression_against_its_torch_form_in_both_orders():
    """Each blank gives two tasks whose choices are the same two expressions, swapped; the id ends with the right
    letter; so neither a letter nor a position answers the tasks."""
    env = kernelgym.make("kernelgym/kernel-cloze-v0", difficulty=0)
    tasks = {task.task_id: task for task in env.tasks()}
    first, second = tasks[RELU_STORE + ":A"], tasks[RELU_STORE + ":B"]
    assert env.cloze(first).choices == ("tl.maximum(x, 0.0)", "torch.maximum(x, 0.0)")
    assert env.cloze(second).choices == env.cloze(first).choices[::-1]
    assert env.reference_answer(first) == "<answer>A</answer>" and env.reference_answer(second) == "<answer>B</answer>"
    assert all(env.reference_answer(task) == f"<answer>{task_id[-1]}</answer>" for task_id, task in tasks.items())
    assert len(tasks) == 2 * len(kernelgym.make("kernelgym/kernel-cloze-v0", difficulty=1).tasks())


def test_difficulty_zero_prompts_show_the_line_with_the_blank_and_the_choices_last():
    env = kernelgym.make("kernelgym/kernel-cloze-v0", difficulty=0)
    prompt = env.task(RELU_STORE + ":B").prompt
    assert "tl.store(out_ptr + offsets, <BLANK>, mask=mask)" in prompt and "def relu_kernel" not in prompt
    assert prompt.rstrip().endswith("A. torch.maximum(x, 0.0)\nB. tl.maximum(x, 0.0)")
    assert max(len(task.prompt) for task in env.tasks()) < 500  # short enough for the tiny model's attention


def test_difficulty_zero_tasks_are_the_same_in_every_process():
    """Task construction uses no seed and no process state: a fresh interpreter (another hash seed) builds the
    same ids, prompts and answers."""
    code = ("import kernelgym; env = kernelgym.make('kernelgym/kernel-cloze-v0', difficulty=0, tags='');"
            "print([(t.task_id, t.prompt, env.reference_answer(t)) for t in env.tasks()])")
    runs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")}
    assert len(runs) == 1 and "store@" in runs.pop()


@pytest.mark.parametrize("task_id", [RELU_STORE, "level1/01_vector_add:store@15:32", "level1/15_hardswish:store@16:10"])
def test_difficulty_zero_torch_choice_earns_no_compile_or_correctness(task_id, quick_grader):
    """The wrong letter splices the PyTorch form into the kernel: it cannot run in Triton, so only format is
    earned (or nothing, where a static check flags it)."""
    env = cloze(0, quick_grader)
    task = env.task(task_id + ":B")
    verdict = env.grade(task, "<answer>A</answer>")
    assert env.cloze(task).choices[0].startswith("torch.")
    assert not verdict.solved and verdict.components["compile"] == 0.0
    assert verdict.reward <= env.weights.format
