"""What the GPU's bounds pass (``kernelgym.bounds``) costs a grading, measured on this machine's CPU.

Runs the pass alone (every test case once under the interpreter, in a sandboxed CPU child) for the first 12
level-1 references, one at a time, and prints the median and range of its seconds. Usage:

    python benchmarks/bounds_cost.py

The last line is ``bounds_s median=X min=Y max=Z``.
"""
from __future__ import annotations

import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    from kernelgym.bounds import find_out_of_bounds
    from kernelgym.grader import Grader, GraderConfig, problem_directories
    from kernelgym.problem import discover, load_problem
    from kernelgym.seeds import SeedSource

    seconds = []
    with Grader(GraderConfig(workers=1, check_compile=False)) as grader:
        grader.warm()
        for path in discover(ROOT / "problems" / "level1")[:12]:
            problem = load_problem(path)
            started = time.perf_counter()
            found = find_out_of_bounds(grader.sandbox, problem, problem.solution_path.read_text(),
                                       grader.config.limits, grader.config.target, problem_directories(problem),
                                       SeedSource(None))
            seconds.append(time.perf_counter() - started)
            print(f"{problem.name:32s} {seconds[-1]:6.3f} s  out of bounds: {len(found)} case(s)")
    print(f"bounds_s median={statistics.median(seconds):.3f} min={min(seconds):.3f} max={max(seconds):.3f}")


if __name__ == "__main__":
    main()
