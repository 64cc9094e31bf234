"""The grading throughput a training run logs: the reward router's counters and the GradingStats callback."""
from __future__ import annotations

from types import SimpleNamespace

import kernelgym
from kernelgym.agents.callbacks import GradingStats
from kernelgym.trl_rewards import RewardRouter


def test_router_counts_gradings_once_and_every_scored_completion():
    env = kernelgym.make("kernelgym/repeat-digit-v0")
    router = RewardRouter([env])
    funcs = router.reward_funcs()
    task = env.tasks()[0]
    batch = {"completions": [task.columns["target"], task.columns["target"], "x"], "task_id": [task.task_id] * 3}
    for func in funcs:  # TRL calls every component function on the same batch
        func(prompts=[""] * 3, **batch)
    assert router.gradings == 2  # two distinct completions graded once each, across the three functions
    assert router.samples == 3 and router.solved == 2  # counted once per batch, duplicates included
    assert router.grading_s >= 0.0 and router.sandboxed == 0  # a text environment runs nothing in the sandbox
    funcs[0](prompts=[""] * 3, **batch)  # a batch seen before: nothing graded, but scored again
    assert router.gradings == 2 and router.samples == 6


def test_only_kernel_answers_that_ran_count_as_sandboxed(grader):
    env = kernelgym.make("kernelgym/kernel-cloze-v0", difficulty=1, grader=grader)
    task = env.tasks()[0]
    router = RewardRouter([env])
    router.reward_funcs()[0](prompts=[""] * 2, completions=[env.reference_answer(task), "no answer"],
                             task_id=[task.task_id] * 2)
    assert router.gradings == 2 and router.sandboxed == 1 and router.solved == 1


def test_grading_stats_logs_the_interval_and_marks_validation_logs():
    router = SimpleNamespace(gradings=0, sandboxed=0, grading_s=0.0, samples=0, solved=0)
    stats = GradingStats(router)
    times = iter([10.0, 20.0])
    stats._clock = lambda: next(times)
    stats._last = (0.0, 0, 0, 0.0, 0, 0)
    router.gradings, router.sandboxed, router.grading_s, router.samples, router.solved = 8, 6, 2.0, 16, 4
    logs = {"reward": 0.5}
    stats.on_log(None, None, None, logs=logs)
    assert logs["grading/gradings"] == 8 and logs["grading/sandboxed"] == 6
    assert logs["grading/gradings_per_s"] == 4.0 and logs["grading/sandboxed_per_s"] == 3.0
    assert logs["grading/time_share"] == 0.2 and logs["grading/solved_share"] == 0.25
    router.gradings, router.grading_s = 10, 3.0
    evaluation = {"eval_reward": 0.1}
    stats.on_log(None, None, None, logs=evaluation)
    assert evaluation["eval_grading/gradings"] == 2 and evaluation["eval_grading/time_share"] == 0.1
    assert evaluation["eval_grading/solved_share"] is None  # nothing scored in the interval
