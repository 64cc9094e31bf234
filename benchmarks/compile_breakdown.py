"""Where the CPU compile check's time goes, for the level-1 references.

The compile check (``GraderConfig.check_compile``, on by default on CPU machines) compiles every kernel
specialization an answer launched for a real GPU target, in a sandboxed child. This script measures it in two
places, in one run:

- sandboxed: each reference graded alone by the default grader; the grading's ``compile_s`` (the whole check:
  fork from the warm compile zygote, isolation, importing the answer, compiling, answering) and the number of
  specializations it compiled;
- in-process: the same specializations compiled again in a plain Python process (fresh Triton cache, no
  sandbox), with each compiler stage timed: Triton's front end and cache bookkeeping (``ast`` to the first IR),
  then the backend's stages (``ttir``, ``ttgir``, ``llir``, ``ptx``, and ``cubin``, which runs NVIDIA's ``ptxas``).

The sandbox's share is the sandboxed time less the in-process compile time. Usage:

    python benchmarks/compile_breakdown.py --quick     # 12 problems, about a minute on 2 idle cores

The last line is ``compile_ms_per_spec=X sandbox_share=Y ptxas_share=Z frontend_share=W`` (shares of the
sandboxed compile check's total time).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("ttir", "ttgir", "llir", "ptx", "cubin")


def sandboxed_checks(paths: list[Path]) -> list[dict]:
    """Grade each reference alone with the default grader; returns its compile seconds and specializations."""
    from kernelgym.grader import Grader, GraderConfig
    from kernelgym.problem import load_problem

    class RecordingGrader(Grader):
        """The default grader, keeping the specializations each grading sent to its compile check."""

        seen: list = []

        def _compile(self, source, specs, result, hidden):
            self.seen = distinct(specs)
            return super()._compile(source, specs, result, hidden)

    rows = []
    with RecordingGrader(GraderConfig(workers=1)) as grader:
        grader.warm()
        for path in paths:
            problem = load_problem(path)
            result = grader.grade(problem, problem.solution_path.read_text(), allow_plain_source=True)
            rows.append({"problem": problem.name, "solution": str(problem.solution_path), "correct": result.correct,
                         "compile_s": result.timings.get("compile_s", 0.0),
                         "specs": grader.seen})
    return rows


def distinct(specs: list) -> list[dict]:
    """The distinct specializations among a run's launch records (``protocol.Spec``, one per launch), as JSON."""
    fields = ("qualname", "signature", "constexprs", "options", "aligned")
    unique = {}
    for spec in specs:
        header = spec.to_header()
        unique.setdefault(json.dumps([header.get(f) for f in fields], sort_keys=True, default=str), header)
    return list(unique.values())


def stage_times(solution: str, specs: list[dict]) -> list[dict]:
    """Compile ``specs`` of the kernels in ``solution`` in this process, timing each compiler stage (ms)."""
    import importlib.util

    import triton
    from triton.backends.compiler import GPUTarget
    from triton.backends.nvidia.compiler import CUDABackend
    from triton.compiler import ASTSource
    from triton.runtime.jit import JITFunction

    current: dict[str, float] = {}
    add_stages = CUDABackend.add_stages

    def timed_stages(self, stages, *args, **kwargs):
        add_stages(self, stages, *args, **kwargs)
        for name, stage in list(stages.items()):
            def timed(src, metadata, stage=stage, name=name):
                started = time.perf_counter()
                out = stage(src, metadata)
                current[name] = current.get(name, 0.0) + 1000 * (time.perf_counter() - started)
                return out
            stages[name] = timed

    CUDABackend.add_stages = timed_stages
    spec = importlib.util.spec_from_file_location("answer", solution)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = []
    for kernel in specs:
        fn = module
        for part in kernel["qualname"].split("."):
            fn = getattr(fn, part)
        while not isinstance(fn, JITFunction):
            fn = fn.fn
        attrs = {(fn.arg_names.index(a),): [["tt.divisibility", 16]] for a in kernel.get("aligned", [])
                 if a in fn.arg_names}
        source = ASTSource(fn=fn, signature=kernel["signature"], constexprs=kernel["constexprs"], attrs=attrs)
        current.clear()
        started = time.perf_counter()
        triton.compile(source, target=GPUTarget("cuda", 90, 32), options=kernel.get("options") or None)
        total = 1000 * (time.perf_counter() - started)
        out.append({**{s: current.get(s, 0.0) for s in STAGES}, "total": total})
    return out


def in_process(rows: list[dict]) -> list[list[dict]]:
    """Each row's specializations compiled in one fresh plain process, after one warm-up compile."""
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "TRITON_CACHE_DIR": cache, "TRITON_INTERPRET": "0"}
        jobs = json.dumps([[r["solution"], r["specs"]] for r in rows])
        proc = subprocess.run([sys.executable, __file__, "--stages"], input=jobs, env=env, capture_output=True,
                              text=True, check=True)
    return json.loads(proc.stdout.splitlines()[-1])


def report(rows: list[dict], stages: list[list[dict]]) -> None:
    """Print one line per problem and the summary line."""
    sandboxed_ms = sum(1000 * r["compile_s"] for r in rows)
    compiled = [s for per_problem in stages for s in per_problem]
    compile_ms = sum(s["total"] for s in compiled)
    for row, per_problem in zip(rows, stages):
        inner = sum(s["total"] for s in per_problem)
        print(f"{row['problem']:32s} specs={len(per_problem)}  sandboxed {1000 * row['compile_s']:6.0f} ms  "
              f"compile in-process {inner:6.0f} ms")
    print("stage totals (ms): " + ", ".join(f"{s} {sum(x[s] for x in compiled):.0f}" for s in STAGES) +
          f", front end and cache {compile_ms - sum(x[s] for x in compiled for s in STAGES):.0f}")
    frontend = compile_ms - sum(x[s] for x in compiled for s in STAGES) + sum(x["ttir"] for x in compiled)
    per_spec = statistics.median(s["total"] for s in compiled) if compiled else float("nan")
    print(f"compile_ms_per_spec={per_spec:.1f} sandbox_share={(sandboxed_ms - compile_ms) / sandboxed_ms:.2f} "
          f"ptxas_share={sum(x['cubin'] for x in compiled) / sandboxed_ms:.2f} "
          f"frontend_share={frontend / sandboxed_ms:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="12 problems instead of all of level 1")
    parser.add_argument("--stages", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stages:
        jobs = json.loads(sys.stdin.read())
        stage_times(jobs[0][0], jobs[0][1][:1])  # warm-up: Triton's first compile in a process pays extra
        for entry in Path(os.environ["TRITON_CACHE_DIR"]).iterdir():  # and the first job compiles afresh
            shutil.rmtree(entry)
        print(json.dumps([stage_times(solution, specs) for solution, specs in jobs]))
        return
    from kernelgym.problem import discover

    paths = discover(ROOT / "problems" / "level1")
    paths = paths[:12] if args.quick else paths
    rows = [r for r in sandboxed_checks(paths) if r["specs"]]
    report(rows, in_process(rows))


if __name__ == "__main__":
    main()
