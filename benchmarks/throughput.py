"""Grading throughput: the same batch of level-1 answers graded three ways, in one run.

- bare: in-process, no isolation at all (the physical limit): long-lived worker processes that imported torch and
  triton once, each importing an answer as a module and running it beside the reference;
- pool: KernelGym's grader (``--workers`` warm zygotes, started before timing; one sandboxed fork per answer, every
  isolation layer, the launch and bounds-checking hooks, the no-op ablation);
- cold: a fresh Python process per grading that imports torch and triton and then grades in-process, as harnesses
  without a warm pool do.

All three run `--workers` gradings at once and do the same correctness work (every test case x seeds). The GPU
compile check is left out of all three (it cannot run in-process after the interpreter); then the pool grades
the batch once more with it, which is the default grading on a CPU machine (``Grader()``). Usage:

    python benchmarks/throughput.py --quick      # under a minute on 2 idle cores

The last line is `pool_vs_cold=X.XX pool_vs_bare=Y.YY default_gradings_per_s=Z.ZZ default_vs_bare=W.WW` (cold time /
pool time, pool time / bare time, the default grading's rate, default time / bare time).

With ``--answers M``, the benchmark instead grades M level-1 answers (the references, cycled) with 1, 2, ...
``--workers`` gradings in flight, by the default grading and by the pool without the compile check, one line per
worker count; its last line is `scale default=1:X,2:Y,... pool=1:X,2:Y,...` (gradings/s):

    python benchmarks/throughput.py --answers 24 --workers 4

On a machine with an NVIDIA GPU, ``--gpu`` instead grades every level-1 reference on the GPU with timing on
(``--workers`` in flight, one timed section on the GPU at a time), then grades one answer five times in a row
for the spread of its speedup. Its last line is `gpu_gradings_per_s=X speedup_cv=Y`.
"""
from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def bare_grade(problem_path: str, seeds: int) -> bool:
    """Grade the reference solution of a problem in this process, with no isolation. Returns correctness."""
    import importlib.util

    import torch

    from kernelgym.compare import compare_outputs
    from kernelgym.problem import load_problem

    problem = load_problem(problem_path)
    spec = importlib.util.spec_from_file_location(f"answer_{time.monotonic_ns()}", problem.solution_path)
    answer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(answer)
    ok = True
    for case in problem.test_cases:
        for seed in range(seeds):
            init_inputs, inputs = problem.instantiate(case, seed)
            with torch.no_grad():
                expected = problem.build_model(init_inputs, seed)(*[x.clone() for x in inputs])
                torch.manual_seed(seed)
                got = answer.ModelNew(*init_inputs)(*inputs)
            as_list = lambda out: list(out) if isinstance(out, (tuple, list)) else [out]  # noqa: E731
            ok &= compare_outputs(as_list(expected), as_list(got), problem.atol, problem.rtol).ok
    return ok


def _init_bare_worker() -> None:
    import torch
    import triton  # noqa: F401

    torch.set_num_threads(1)


def run_bare(paths: list[Path], workers: int, seeds: int) -> tuple[float, int]:
    os.environ["TRITON_INTERPRET"] = "1"
    with ProcessPoolExecutor(workers, initializer=_init_bare_worker) as pool:
        list(pool.map(_noop, range(workers)))  # start the workers and import torch before timing
        started = time.perf_counter()
        correct = sum(pool.map(bare_grade, [str(p) for p in paths], [seeds] * len(paths)))
    return time.perf_counter() - started, correct


def _noop(_):
    return None


def run_cold(paths: list[Path], workers: int, seeds: int) -> tuple[float, int]:
    env = {**os.environ, "TRITON_INTERPRET": "1", "OMP_NUM_THREADS": "1"}

    def one(path: Path) -> bool:
        proc = subprocess.run([sys.executable, __file__, "--one", str(path), "--seeds", str(seeds)], env=env,
                              capture_output=True, text=True)
        return proc.stdout.strip().endswith("True")

    started = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        correct = sum(pool.map(one, paths))
    return time.perf_counter() - started, correct


def run_pool(paths: list[Path], workers: int, seeds: int, check_compile: bool) -> tuple[float, int]:
    from kernelgym.grader import Grader, GraderConfig
    from kernelgym.problem import load_problem

    problems = [load_problem(p) for p in paths]
    items = [(p, p.solution_path.read_text()) for p in problems]
    with Grader(GraderConfig(seeds=seeds, check_compile=check_compile, workers=workers)) as grader:
        grader.warm()  # start all `workers` zygotes of every mode before timing, as bare starts its workers
        started = time.perf_counter()
        results = grader.grade_many(items, workers=workers, allow_plain_source=True)
    return time.perf_counter() - started, sum(r.tests_passed == r.tests_total for r in results)


def run_scale(paths: list[Path], answers: int, max_workers: int, seeds: int) -> None:
    """Gradings per second of the default grading and of the pool, for 1 to ``max_workers`` gradings in flight."""
    paths = [paths[i % len(paths)] for i in range(answers)]
    print(f"{answers} level-1 answers, 1 to {max_workers} at a time, {seeds} seeds; {platform.machine()}, "
          f"{os.cpu_count()} cores, Python {platform.python_version()}")
    rates: dict[str, list[str]] = {"default": [], "pool": []}
    for workers in range(1, max_workers + 1):
        default_s, _ = run_pool(paths, workers, seeds, check_compile=True)
        pool_s, _ = run_pool(paths, workers, seeds, check_compile=False)
        print(f"workers={workers}: default {answers / default_s:6.2f} gradings/s, pool (no compile check) "
              f"{answers / pool_s:6.2f} gradings/s")
        rates["default"].append(f"{workers}:{answers / default_s:.2f}")
        rates["pool"].append(f"{workers}:{answers / pool_s:.2f}")
    print(f"scale default={','.join(rates['default'])} pool={','.join(rates['pool'])}")


def run_gpu(paths: list[Path], workers: int, seeds: int) -> None:
    """Every reference graded on the GPU with timing; then one answer five times for the spread."""
    import statistics

    from kernelgym.grader import Grader, GraderConfig
    from kernelgym.problem import load_problem

    problems = [load_problem(p) for p in paths]
    items = [(p, p.solution_path.read_text()) for p in problems]
    with Grader(GraderConfig(seeds=seeds, device="cuda", workers=workers)) as grader:
        grader.warm()
        started = time.perf_counter()
        results = grader.grade_many(items, workers=workers, allow_plain_source=True)
        elapsed = time.perf_counter() - started
        correct = sum(r.correct for r in results)
        timed = [r for r in results if r.speedup]
        phase = {k: statistics.median(r.timings.get(k, 0.0) for r in results) for k in ("reference_s", "run_s",
                                                                                      "total_s")}
        print(f"gpu: {elapsed:7.2f} s  {len(items) / elapsed:6.2f} gradings/s  ({correct}/{len(items)} correct, "
              f"{len(timed)} timed); median seconds per grading: " +
              ", ".join(f"{k} {v:.2f}" for k, v in phase.items()))
        for r in results:
            if not r.correct:
                print(f"  not correct: {r.problem}: {r.failure} {r.hacks} {r.error[:160]!r}")
        softmax = next(p for p in problems if p.name == "03_softmax")
        speedups = [grader.grade(softmax, softmax.solution_path.read_text(), allow_plain_source=True).speedup
                    for _ in range(5)]
    print("speedups of one answer graded 5 times: " + ", ".join(f"{s:.3f}" for s in speedups if s))
    speedups = [s for s in speedups if s]
    cv = statistics.stdev(speedups) / statistics.mean(speedups) if len(speedups) > 1 else float("nan")
    print(f"gpu_gradings_per_s={len(items) / elapsed:.2f} speedup_cv={cv:.4f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="12 problems instead of all of level 1")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--answers", type=int, help="scale check: grade this many answers with 1..--workers in flight")
    parser.add_argument("--gpu", action="store_true", help="grade the level-1 references on the GPU, timed")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        import torch

        torch.set_num_threads(1)
        print(bare_grade(args.one, args.seeds))
        return
    from kernelgym.problem import discover

    paths = discover(ROOT / "problems" / "level1")
    paths = paths[:12] if args.quick else paths
    if args.gpu:
        run_gpu(paths, args.workers, args.seeds)
        return
    if args.answers:
        run_scale(paths, args.answers, args.workers, args.seeds)
        return
    n = len(paths)
    print(f"{n} level-1 answers, {args.workers} at a time, {args.seeds} seeds; {platform.machine()}, "
          f"{os.cpu_count()} cores, Python {platform.python_version()}")
    bare_s, bare_ok = run_bare(paths, args.workers, args.seeds)
    print(f"bare (in-process, no isolation): {bare_s:7.2f} s  {n / bare_s:6.2f} gradings/s  ({bare_ok}/{n} correct)")
    pool_s, pool_ok = run_pool(paths, args.workers, args.seeds, check_compile=False)
    print(f"pool (warm zygotes, sandboxed):  {pool_s:7.2f} s  {n / pool_s:6.2f} gradings/s  ({pool_ok}/{n} correct)")
    cold_s, cold_ok = run_cold(paths, args.workers, args.seeds)
    print(f"cold (fresh process each):       {cold_s:7.2f} s  {n / cold_s:6.2f} gradings/s  ({cold_ok}/{n} correct)")
    full_s, full_ok = run_pool(paths, args.workers, args.seeds, check_compile=True)
    print(f"default (pool + compile check):  {full_s:7.2f} s  {n / full_s:6.2f} gradings/s  ({full_ok}/{n} correct)")
    print(f"pool_vs_cold={cold_s / pool_s:.2f} pool_vs_bare={pool_s / bare_s:.2f} "
          f"default_gradings_per_s={n / full_s:.2f} default_vs_bare={full_s / bare_s:.2f}")


if __name__ == "__main__":
    main()
