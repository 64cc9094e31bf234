"""What serving costs: the same episodes stepped through a ``kernelgym serve`` process and in-process.

Eight clients at once (threads) play episodes of the tiny text environment (``kernelgym/repeat-digit-v0``) and of a
level-1 kernel environment (``kernelgym/level1-vector-add-v0``), each answering with the reference answer: through
the server, each client is a ``kernelgym.make(ID, url=URL)`` session; in-process, each is a twin of one local
environment (``env.spawn()``), sharing one grader as the server's sessions do. The server runs on this machine, on
loopback; the two ways run one after the other, each after a warm-up step, and are repeated. The last line is
``serve_vs_local=X``: the median over the repeats of (seconds through the server / seconds in-process) for the whole
workload (goal: X <= 1.10). Each repeat says when the last kernel client started (after the text clients ahead of
it in the queue), and each environment alone is timed once more at the end, for where the difference goes: for the
text environment, with the CPU time a served reset+step costs the clients' process and the server's.

    python benchmarks/serve_overhead.py              # 8 clients, 3 repeats
    python benchmarks/serve_overhead.py --repeats 5 --text-episodes 200 --kernel-episodes 3
"""
from __future__ import annotations

import argparse
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import psutil

import kernelgym
from kernelgym.serve.process import ServerProcess

TEXT = "kernelgym/repeat-digit-v0"
KERNEL = "kernelgym/level1-vector-add-v0"


def episodes(make_env, answers: dict[str, str], env_id: str, count: int, seed: int) -> float:
    """Play ``count`` single-turn episodes of ``env_id`` with reference answers; return the reward sum."""
    env = make_env(env_id)
    total = 0.0
    try:
        for i in range(count):
            _, info = env.reset(seed=seed * 10_000 + i)
            total += env.step(answers[info["task_id"]])[1]
    finally:
        env.close()
    return total


@dataclass(frozen=True)
class Timing:
    """One run of the workload: its seconds, the total reward, and when its last kernel client started (the
    clients' jobs run in submission order, so a kernel job waits for the text jobs ahead of it)."""

    seconds: float
    reward: float
    last_kernel_start_s: float


def workload(make_env, answers, clients: int, text_episodes: int, kernel_episodes: int) -> Timing:
    """``clients`` concurrent clients play their episodes."""
    start = time.perf_counter()
    kernel_starts = [0.0]

    def play(env_id: str, count: int, seed: int) -> float:
        if env_id == KERNEL:
            kernel_starts.append(time.perf_counter() - start)
        return episodes(make_env, answers, env_id, count, seed)

    with ThreadPoolExecutor(clients) as pool:
        futures = [pool.submit(play, env_id, count, seed)
                   for seed in range(clients)
                   for env_id, count in ((TEXT, text_episodes), (KERNEL, kernel_episodes))]
        reward = sum(f.result() for f in futures)
    return Timing(time.perf_counter() - start, reward, max(kernel_starts))


def cpu_seconds(pid: int) -> float:
    """CPU seconds a process has used (all its threads; not its children, the sandboxes)."""
    times = psutil.Process(pid).cpu_times()
    return times.user + times.system


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--text-episodes", type=int, default=100, help="text episodes per client (default 100)")
    parser.add_argument("--kernel-episodes", type=int, default=2, help="kernel episodes per client (default 2)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    local = {env_id: kernelgym.make(env_id) for env_id in (TEXT, KERNEL)}
    answers = {task.task_id: env.reference_answer(task) for env in local.values() for task in env.tasks()}
    local[KERNEL].grader.warm()

    def make_local(env_id):
        return local[env_id].spawn()

    ratios = []
    with ServerProcess([TEXT, KERNEL], ["--max-sessions", str(4 * args.clients)]) as server:
        def make_remote(env_id):
            return kernelgym.make(env_id, url=server.url)

        for how in (make_local, make_remote):  # warm-up: each grader compiles the kernel once
            workload(how, answers, 1, 1, 1)
        for repeat in range(args.repeats):
            sizes = (args.clients, args.text_episodes, args.kernel_episodes)
            in_process = workload(make_local, answers, *sizes)
            served = workload(make_remote, answers, *sizes)
            if served.reward != in_process.reward:
                raise SystemExit(f"rewards differ: served {served.reward} against local {in_process.reward}")
            ratios.append(served.seconds / in_process.seconds)
            print(f"repeat {repeat + 1}: in-process {in_process.seconds:.2f} s, served {served.seconds:.2f} s, "
                  f"ratio {ratios[-1]:.3f} (last kernel client started after {in_process.last_kernel_start_s:.2f} s "
                  f"in-process, {served.last_kernel_start_s:.2f} s served)", flush=True)
        text_local = workload(make_local, answers, args.clients, args.text_episodes, 0).seconds
        server_cpu, client_cpu = cpu_seconds(server.process.pid), time.process_time()
        text_served = workload(make_remote, answers, args.clients, args.text_episodes, 0).seconds
        server_cpu, client_cpu = cpu_seconds(server.process.pid) - server_cpu, time.process_time() - client_cpu
        steps = args.clients * args.text_episodes
        print(f"text environment alone: in-process {text_local:.2f} s, served {text_served:.2f} s for {steps} "
              f"episodes ({1000 * (text_served - text_local) / steps:.2f} ms added per reset+step; CPU per served "
              f"reset+step: clients {1000 * client_cpu / steps:.2f} ms, server {1000 * server_cpu / steps:.2f} ms)")
        kernel_local = workload(make_local, answers, args.clients, 0, args.kernel_episodes).seconds
        kernel_served = workload(make_remote, answers, args.clients, 0, args.kernel_episodes).seconds
        print(f"kernel environment alone: in-process {kernel_local:.2f} s, served {kernel_served:.2f} s for "
              f"{args.clients * args.kernel_episodes} episodes (ratio {kernel_served / kernel_local:.3f})")
    print(f"serve_vs_local={statistics.median(ratios):.3f}")


if __name__ == "__main__":
    main()
