"""What ``--sanitize`` (compute-sanitizer's memcheck on the smallest test case, ``kernelgym.sanitize``) adds to a
GPU grading.

Grades the first 8 level-1 references on the GPU twice each, without and with ``sanitize``, one at a time, and
prints each grading's ``sanitize_s`` and ``total_s``. Usage:

    python benchmarks/sanitize_cost.py

The last line is ``sanitize_s median=X min=Y max=Z; total_s median without=A with=B``. Without a CUDA GPU or
without compute-sanitizer it prints why it skipped, and exits 0.
"""
from __future__ import annotations

import statistics
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROBLEMS = 8


def main() -> None:
    import torch

    from kernelgym.grader import Grader, GraderConfig
    from kernelgym.problem import discover, load_problem
    from kernelgym.sanitize import find_compute_sanitizer

    if not torch.cuda.is_available():
        print("skipped: --sanitize checks GPU runs, and torch sees no CUDA GPU here")
        return
    if find_compute_sanitizer() is None:
        print("skipped: compute-sanitizer not found (PATH, $CUDA_HOME/bin, /usr/local/cuda/bin)")
        return
    problems = [load_problem(path) for path in discover(ROOT / "problems" / "level1")[:PROBLEMS]]
    totals: dict[bool, list[float]] = {False: [], True: []}
    sanitize_s = []
    for sanitize in (False, True):
        with Grader(GraderConfig(device="cuda", workers=1, timing_repeats=5, sanitize=sanitize)) as grader:
            grader.warm()
            for problem in problems:
                result = grader.grade(problem, problem.solution_path.read_text(), allow_plain_source=True)
                totals[sanitize].append(result.timings["total_s"])
                if sanitize:
                    sanitize_s.append(result.timings.get("sanitize_s", float("nan")))
                print(f"{problem.name:32s} sanitize={sanitize!s:5s} total {result.timings['total_s']:7.2f} s"
                      + (f"  memcheck {sanitize_s[-1]:7.2f} s" if sanitize else "")
                      + ("" if result.correct else f"  NOT CORRECT: {result.failure} {result.error[:200]}"))
    print(f"sanitize_s median={statistics.median(sanitize_s):.2f} min={min(sanitize_s):.2f} "
          f"max={max(sanitize_s):.2f}; total_s median without={statistics.median(totals[False]):.2f} "
          f"with={statistics.median(totals[True]):.2f}")


if __name__ == "__main__":
    main()
