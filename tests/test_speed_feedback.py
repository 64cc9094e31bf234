"""Feedback that teaches speed: with ``continue_after_correct``, a correct answer is told what was measured about
its speed and the episode goes on."""
from __future__ import annotations

from conftest import PROBLEMS, attack, fenced
from kernelgym.envs import discounted_returns
from kernelgym.envs.kernel import KernelEnv
from kernelgym.prompts import MAX_FEEDBACK_CHARS, speed_feedback
from kernelgym.result import KernelResult, KernelStats

VECTOR_ADD = PROBLEMS / "level1" / "01_vector_add.py"


def test_correct_answer_continues_with_what_was_measured(grader):
    env = KernelEnv(problem=VECTOR_ADD, grader=grader, max_turns=3, continue_after_correct=True)
    env.reset(seed=0)
    reference = env.reference_answer(env.task("level1/01_vector_add"))
    obs, reward, terminated, truncated, info = env.step(reference)
    record = info["result"]
    assert record.correct and reward == 1.0 and (terminated, truncated) == (False, False)
    assert obs.startswith("Your previous answer was graded: correct.") and "Make it faster" in obs
    assert f"All {record.tests_total} tests passed. Speed was not measured (no GPU)." in obs
    assert record.traffic_efficiency is not None and f"efficiency: {record.traffic_efficiency:.2f}" in obs
    assert record.kernel_stats  # read from the compile check's binary, GPU or not
    for stats in record.kernel_stats:
        assert f"{stats.kernel}: {stats.registers} registers/thread" in obs
    second = env.step(fenced(attack("wrong_but_honest")))
    assert second[2:4] == (False, False) and "Tests passed: 0/" in second[0]
    last = env.step(reference)
    assert last[2:4] == (True, False) and last[0] == ""
    rewards = [reward, second[1], last[1]]
    assert discounted_returns(rewards, 0.5) == [reward + 0.5 * second[1] + 0.25, second[1] + 0.5, 1.0]


def test_a_wrong_last_answer_truncates_the_episode(grader):
    env = KernelEnv(problem=VECTOR_ADD, grader=grader, max_turns=2, continue_after_correct=True)
    env.reset(seed=0)
    assert env.step(env.reference_answer(env.task("level1/01_vector_add")))[2:4] == (False, False)
    assert env.step("no code")[2:4] == (False, True)


def test_measured_speedup_replaces_the_cpu_proxy():
    text = speed_feedback(KernelResult(correct=True, tests_total=4, speedup=1.734, traffic_efficiency=0.9))
    assert text == "All 4 tests passed. Speedup over the PyTorch reference: 1.73x."


def test_kernel_figures_are_reported_once_each_and_trimmed():
    stats = [KernelStats(f"kernel_{i}", registers=i, spill_bytes=8, shared_bytes=1024, num_warps=4, occupancy=0.5,
                         global_loads_scalar=3, global_stores_scalar=1) for i in range(100)]
    text = speed_feedback(KernelResult(correct=True, tests_total=1, kernel_stats=stats + stats[:1]))
    assert "kernel_0: 0 registers/thread, 8 B spilled, 1024 B shared memory, 4 warps, occupancy 50%" in text
    assert text.count("kernel_0:") == 1 and "characters cut" in text
    assert len(text) < MAX_FEEDBACK_CHARS + 100
