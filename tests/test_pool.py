"""The warm worker pool: several zygotes per mode, results in order, and nothing carried between candidates."""
import os
import signal

import psutil
import pytest

from conftest import PROBLEMS, attack, fenced
from kernelgym.envs.kernel import KernelEnv
from kernelgym.executor import LocalExecutor
from kernelgym.grader import Grader, GraderConfig
from kernelgym.problem import load_problem
from kernelgym.trl_rewards import RewardRouter


@pytest.fixture(scope="module")
def pool_grader():
    """Two zygotes per mode, no compile check (these tests are about processes, not compilers)."""
    with Grader(GraderConfig(timeout_s=5, workers=2, check_compile=False, static_checks=False)) as g:
        yield g


def solution(problem) -> str:
    return fenced(problem.solution_path.read_text())


def test_batch_forks_from_several_zygotes_and_keeps_input_order(pool_grader):
    problems = [load_problem(PROBLEMS / "level1" / f"{name}.py")
                for name in ("01_vector_add", "02_relu", "03_softmax", "02_relu", "01_vector_add")]
    pool = pool_grader.sandbox.pool("interpret")
    pool.warm()
    zygotes = [z.pid for z in pool.zygotes]
    assert len(set(zygotes)) == 2 and all(psutil.pid_exists(pid) for pid in zygotes)
    results = pool_grader.grade_many([(p, solution(p)) for p in problems])
    assert [r.problem for r in results] == [p.name for p in problems]
    assert all(r.correct for r in results)
    assert [z.pid for z in pool.zygotes] == zygotes  # at most `workers` zygotes, none restarted


def test_zygotes_killed_between_gradings_are_replaced(pool_grader, vector_add):
    pool = pool_grader.sandbox.pool("interpret")
    pool.warm()
    before = {z.pid for z in pool.zygotes}
    for pid in before:
        os.kill(pid, signal.SIGKILL)
    psutil.wait_procs([psutil.Process(pid) for pid in before], timeout=5)
    assert pool_grader.grade(vector_add, solution(vector_add)).correct
    after = {z.pid for z in pool.zygotes}
    assert after - before  # the grading was forked from a fresh zygote
    for pid in after - before:
        os.kill(pid, signal.SIGKILL)  # no wait: the fork request itself finds the zygote gone
    assert pool_grader.grade(vector_add, solution(vector_add)).correct
    assert {z.pid for z in pool.zygotes} - before - after


def test_crashes_and_timeouts_never_poison_the_next_grading(pool_grader, vector_add):
    good = solution(vector_add)
    pool = pool_grader.sandbox.pool("interpret")
    pool.warm()
    zygotes = [z.pid for z in pool.zygotes]
    batch = [good, fenced(attack("infinite_loop")), good, fenced(attack("exit_in_forward")),
             fenced(attack("memory_bomb")), good]
    results = pool_grader.grade_many([(vector_add, answer) for answer in batch])
    assert [r.failure for r in results][:4] == ["", "timeout", "", "crash"]
    assert results[4].failure in ("runtime", "crash", "timeout")  # the address-space limit, or the clock
    assert [r.correct for r in results] == [True, False, True, False, False, True]
    assert [z.pid for z in pool.zygotes] == zygotes  # candidates never ran in a zygote


def test_environment_and_trl_rewards_grade_through_the_executor(pool_grader):
    env = KernelEnv(problem=PROBLEMS / "level1" / "01_vector_add.py", executor=LocalExecutor(grader=pool_grader),
                    env_id="kernelgym/pool-vector-add-v0")
    router = RewardRouter([env])
    correctness = {f.__name__: f for f in router.reward_funcs()}["correctness"]
    row = env.rows(split=None)[0]
    texts = [env.reference_answer(env.task(row["task_id"])), fenced(attack("wrong_but_honest")), "no code"]
    shares = correctness(prompts=[row["prompt"]] * 3, completions=texts, task_id=[row["task_id"]] * 3)
    assert shares == pytest.approx([env.weights.correctness, 0.0, 0.0])
    assert router.gradings == 3 and env._grader is None  # graded by the executor's pool, not a shared grader


def test_grader_warm_starts_every_zygote_of_the_modes_it_uses():
    """One place knows the modes (cuda on a GPU; interpret, plus compile with the compile check): warm() starts
    all ``workers`` zygotes of each, and no other mode."""
    with Grader(GraderConfig(device="cpu", workers=2, check_compile=True)) as grader:
        assert grader.warm() == grader.modes == ["interpret", "compile"]
        assert grader.sandbox.started_modes == {"interpret", "compile"}
        for mode in grader.modes:
            pids = [z.pid for z in grader.sandbox.pool(mode).zygotes]
            assert len(pids) == 2 and all(psutil.pid_exists(pid) for pid in pids)
    assert Grader(GraderConfig(device="cpu", check_compile=False)).modes == ["interpret"]
    import torch

    from kernelgym.grader import NoCudaError

    if torch.cuda.is_available():
        assert Grader(GraderConfig(device="cuda")).modes == ["cuda"]
    else:
        with pytest.raises(NoCudaError, match="no CUDA GPU is visible"):
            Grader(GraderConfig(device="cuda"))


def test_local_executor_has_one_worker_count():
    """``workers`` overrides the config's, and the grader's config is the only place that holds it."""
    for config, workers, expected in [(GraderConfig(workers=3), 2, 2), (GraderConfig(workers=3), None, 3),
                                      (GraderConfig(), 4, 4), (None, None, None)]:
        executor = LocalExecutor(config, workers=workers)
        assert executor.grader.config.workers == expected and not hasattr(executor, "workers")
        executor.close()


@pytest.mark.parametrize("exits_after", [0.0, 0.3])
def test_wait_gone_returns_once_the_process_has_exited(exits_after):
    """Waiting on an exited child (the grader's cleanup) returns after the exit, never before it, whether the
    process is still running or already gone."""
    import subprocess
    import sys

    from kernelgym.sandbox.pool import wait_gone

    proc = subprocess.Popen([sys.executable, "-c", f"import time; time.sleep({exits_after})"])
    wait_gone(proc.pid, timeout=30)
    assert psutil.Process(proc.pid).status() == psutil.STATUS_ZOMBIE  # exited, not yet reaped by its parent
    proc.wait()
    wait_gone(proc.pid, timeout=30)  # reaped: returns at once
