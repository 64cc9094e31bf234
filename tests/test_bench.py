"""``kernelgym bench``: the reference policy on a small suite, filters, bad input, and resuming a killed run."""
from __future__ import annotations

import doctest
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import PROBLEMS, copy_suite
from kernelgym.cli import main

SMALL = ("01_vector_add", "02_relu", "03_softmax")


def copy_problems(root, names=SMALL):
    return copy_suite(root, names)


def read_rows(run_dir):
    return [json.loads(line) for line in (run_dir / "results.jsonl").read_text().splitlines() if line.strip()]


def test_doctests_of_the_run_loop_pass():
    from kernelgym.bench import run

    assert doctest.testmod(run).failed == 0


def test_reference_policy_scores_pass_at_1_of_one_with_no_hack(tmp_path, capsys):
    suite = copy_problems(tmp_path / "suite", SMALL[:2])
    out = tmp_path / "run"
    code = main(["bench", "--policy", "reference", "--problems", str(suite), "--samples", "1", "--out", str(out),
                 "--workers", "2", "--no-progress", "--timeout", "60"])
    assert code == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["pass@1"] == 1.0
    assert metrics["hack_rate"] == 0.0 and metrics["hacks"] == {}
    rows = read_rows(out)
    assert sorted(r["problem"] for r in rows) == sorted(SMALL[:2])
    for row in rows:
        assert row["sample"] == 0 and row["level"] == 1 and row["key"] == f"level1/{row['problem']}"
        assert row["record"]["correct"] and row["record"]["problem"] == row["problem"]
        assert row["reward"] == 1.0
        assert row["timings"]["grade_s"] > 0
        assert row["completion"].startswith("```python\n")
    assert json.loads((out / "run.json").read_text())["policy"] == "reference"
    assert {"report.md", "report.html"} <= {p.name for p in out.iterdir()}
    printed = capsys.readouterr().out
    assert "pass@1" in printed and "level 1" in printed and "speed not measured" in printed


def test_filters_select_by_level_tag_split_and_limit(tmp_path):
    from kernelgym.bench.run import Selection, select_problems
    from kernelgym.problem import discover, load_problem

    suite = copy_problems(tmp_path / "suite")
    everything = [load_problem(p) for p in discover(suite)]
    assert [p.name for p in select_problems(suite, Selection())] == [p.name for p in everything]
    softmax_tagged = [p.name for p in everything if "softmax" in p.tags]
    assert softmax_tagged and [p.name for p in select_problems(suite, Selection(tags=["softmax"]))] == softmax_tagged
    assert len(select_problems(suite, Selection(levels=[1], limit=2))) == 2
    split = everything[0].split
    assert [p.name for p in select_problems(suite, Selection(split=split))] == \
           [p.name for p in everything if p.split == split]
    from kernelgym.bench.results import RunError

    with pytest.raises(RunError, match="no problems under"):
        select_problems(suite, Selection(levels=[3]))


def test_unknown_policy_is_a_clear_error(tmp_path, capsys):
    code = main(["bench", "--policy", "gpt-5", "--problems", str(copy_problems(tmp_path / "s", SMALL[:1])),
                 "--out", str(tmp_path / "run"), "--no-progress"])
    assert code == 2
    assert "unknown policy 'gpt-5'" in capsys.readouterr().err


def test_malformed_replay_line_is_reported_with_its_line_number(tmp_path, capsys):
    replay = tmp_path / "bad.jsonl"
    replay.write_text(json.dumps({"problem": "01_vector_add", "completion": "x"}) + "\n{not json\n")
    code = main(["bench", "--policy", f"replay:{replay}", "--problems", str(copy_problems(tmp_path / "s", SMALL[:1])),
                 "--out", str(tmp_path / "run"), "--no-progress"])
    assert code == 2
    assert f"{replay}:2: not JSON" in capsys.readouterr().err


def test_replay_with_too_few_samples_says_so(tmp_path, capsys):
    replay = tmp_path / "one.jsonl"
    replay.write_text(json.dumps({"problem": "01_vector_add", "completion": "no code"}) + "\n")
    code = main(["bench", "--policy", f"replay:{replay}", "--problems", str(copy_problems(tmp_path / "s", SMALL[:1])),
                 "--samples", "2", "--out", str(tmp_path / "run"), "--no-progress"])
    assert code == 2
    assert "fewer than --samples 2 completions (first: 01_vector_add, 1)" in capsys.readouterr().err
    assert not (tmp_path / "run" / "run.json").exists()  # refused before the run folder was written


def test_replay_grades_only_the_problems_its_file_has(tmp_path, capsys):
    replay = tmp_path / "one.jsonl"
    replay.write_text(json.dumps({"problem": "02_relu", "completion": "no code"}) + "\n")
    code = main(["bench", "--policy", f"replay:{replay}", "--problems", str(copy_problems(tmp_path / "s", SMALL[:2])),
                 "--out", str(tmp_path / "run"), "--no-progress"])
    assert code == 0
    assert [row["problem"] for row in read_rows(tmp_path / "run")] == ["02_relu"]
    assert "grading the 1 problem(s) the file has completions for" in capsys.readouterr().err


def test_a_run_folder_with_results_is_not_overwritten(tmp_path, capsys):
    suite = copy_problems(tmp_path / "s", SMALL[:1])
    replay = tmp_path / "r.jsonl"
    replay.write_text(json.dumps({"problem": "01_vector_add", "completion": "no code"}) + "\n")
    args = ["bench", "--policy", f"replay:{replay}", "--problems", str(suite), "--out", str(tmp_path / "run"),
            "--no-progress"]
    assert main(args) == 0
    capsys.readouterr()
    assert main(args) == 2
    assert "already holds results: pass --resume" in capsys.readouterr().err
    assert main(args + ["--resume"]) == 0
    assert len(read_rows(tmp_path / "run")) == 1
    other = ["bench", "--policy", "reference", "--problems", str(suite), "--out", str(tmp_path / "run"),
             "--no-progress", "--resume"]
    assert main(other) == 2
    assert "it was run with policy" in capsys.readouterr().err


def test_a_resume_with_other_filters_grader_sampling_or_device_is_refused_naming_the_field(tmp_path, capsys):
    suite = copy_problems(tmp_path / "s", SMALL[:1])
    replay = tmp_path / "r.jsonl"
    replay.write_text(json.dumps({"problem": "01_vector_add", "completion": "no code"}) + "\n")
    args = ["bench", "--policy", f"replay:{replay}", "--problems", str(suite), "--out", str(tmp_path / "run"),
            "--no-progress", "--device", "cpu"]
    assert main(args) == 0
    before = (tmp_path / "run" / "run.json").read_text()
    capsys.readouterr()
    for extra, field in [(["--level", "1"], "filters"), (["--split", "train"], "filters"),
                         (["--limit", "1"], "filters"), (["--seeds", "7"], "grader"),
                         (["--timeout", "5"], "grader")]:
        assert main(args + extra + ["--resume"]) == 2, extra
        err = capsys.readouterr().err
        assert f"cannot resume {tmp_path / 'run'}: it was run with {field} " in err, (extra, err)
    assert (tmp_path / "run" / "run.json").read_text() == before  # a refused resume leaves run.json alone


def test_resume_refuses_another_sampling_or_device(tmp_path):
    from kernelgym.bench.results import RunError, RunMeta
    from kernelgym.bench.run import BenchConfig, prepare_run

    meta = RunMeta(policy="p", problems="s", samples=1, sampling={"temperature": 1.0}, device="cpu")
    config = BenchConfig(problems=tmp_path, out=tmp_path / "run", resume=True)
    prepare_run(config, meta)
    for field, value in [("sampling", {"temperature": 0.5}), ("device", "cuda")]:
        with pytest.raises(RunError, match=f"it was run with {field} "):
            prepare_run(config, RunMeta(**{**meta.__dict__, field: value}))


def test_a_resume_with_fewer_samples_counts_only_those_samples(tmp_path):
    """results.jsonl keeps the rows of samples 0 and 1; a resume with --samples 1, and a later report, count
    sample 0 only."""
    from kernelgym.bench.report import load_run

    suite = copy_problems(tmp_path / "s", SMALL[:1])
    replay = tmp_path / "r.jsonl"
    replay.write_text("".join(json.dumps({"problem": "01_vector_add", "completion": text}) + "\n"
                              for text in ("no code", "still no code")))
    args = ["bench", "--policy", f"replay:{replay}", "--problems", str(suite), "--out", str(tmp_path / "run"),
            "--no-progress"]
    assert main(args + ["--samples", "2"]) == 0
    assert main(args + ["--samples", "1", "--resume"]) == 0
    assert len(read_rows(tmp_path / "run")) == 2
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert metrics["samples"] == 1 and "pass@2" not in metrics
    assert metrics["per_problem"]["01_vector_add"]["samples"] == 1
    run = load_run(tmp_path / "run")
    assert [(r.problem, r.sample) for r in run.rows] == [("01_vector_add", 0)] and run.metrics["samples"] == 1
    assert main(["report", str(tmp_path / "run")]) == 0
    assert json.loads((tmp_path / "run" / "metrics.json").read_text())["samples"] == 1


def _bench_command(suite, replay, out, samples):
    return [sys.executable, "-m", "kernelgym.cli", "bench", "--policy", f"replay:{replay}", "--problems", str(suite),
            "--samples", str(samples), "--out", str(out), "--workers", "1", "--no-progress", "--timeout", "60"]


def test_a_killed_run_resumes_without_regrading_finished_samples(tmp_path):
    """vector_add's samples fail to parse (graded at once), relu's are its reference solution (seconds each):
    the run is killed while it grades relu, then resumed."""
    suite = copy_problems(tmp_path / "suite", SMALL[:2])
    relu = (PROBLEMS / "level1" / "02_relu_solution.py").read_text()
    replay = tmp_path / "replay.jsonl"
    lines = [("01_vector_add", f"no code, attempt {i}") for i in range(3)] + \
            [("02_relu", f"```python\n{relu}\n```")] * 3
    replay.write_text("".join(json.dumps({"problem": p, "completion": c}) + "\n" for p, c in lines))
    out, samples = tmp_path / "run", 3
    process = subprocess.Popen(_bench_command(suite, replay, out, samples), start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    results = out / "results.jsonl"
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and process.poll() is None:
        if results.is_file() and len(results.read_text().splitlines()) >= samples:
            break
        time.sleep(0.05)
    assert process.poll() is None, "the run finished before it could be killed"
    os.killpg(process.pid, signal.SIGKILL)  # the bench process and everything in its session
    process.wait()
    before = read_rows(out)
    assert samples <= len(before) < 2 * samples
    with results.open("a") as f:  # a write cut short by the kill
        f.write('{"problem": "02_relu", "sample": 2, "compl')

    done = subprocess.run(_bench_command(suite, replay, out, samples) + ["--resume"], capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    after = read_rows(out)
    keys = [(r["problem"], r["sample"]) for r in after]
    assert len(keys) == len(set(keys)) == 2 * samples, "every sample exactly once"
    assert sorted(keys) == sorted((p, i) for p in SMALL[:2] for i in range(samples))
    assert after[:len(before)] == before, "finished samples were not regraded"
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["per_problem"]["02_relu"]["correct"] == samples
    assert metrics["per_problem"]["01_vector_add"]["correct"] == 0


def test_a_policy_failure_mid_run_keeps_the_graded_samples_for_a_resume(tmp_path, capsys, monkeypatch):
    from kernelgym.bench.policies import PolicyError, ReplayPolicy

    suite = copy_problems(tmp_path / "s", SMALL[:2])
    replay = tmp_path / "r.jsonl"
    replay.write_text("".join(json.dumps({"problem": problem, "completion": f"no code {i}"}) + "\n"
                              for problem in SMALL[:2] for i in range(2)))
    generate = ReplayPolicy.generate

    def fails_on_relu(self, prompts, samples):  # the policy breaks on the second batch (a server gone away)
        if any(prompt.problem == "02_relu" for prompt in prompts):
            raise PolicyError("the server went away")
        return generate(self, prompts, samples)

    monkeypatch.setattr(ReplayPolicy, "generate", fails_on_relu)
    args = ["bench", "--policy", f"replay:{replay}", "--problems", str(suite), "--samples", "2", "--batch", "1",
            "--out", str(tmp_path / "run"), "--no-progress"]
    assert main(args) == 1  # the first batch (vector_add) was graded
    err = capsys.readouterr().err
    assert "the server went away" in err and "--resume" in err
    assert sorted((r["problem"], r["sample"]) for r in read_rows(tmp_path / "run")) == [("01_vector_add", 0),
                                                                                        ("01_vector_add", 1)]
    monkeypatch.setattr(ReplayPolicy, "generate", generate)
    assert main(args + ["--resume"]) == 0
    rows = read_rows(tmp_path / "run")
    assert sorted((r["problem"], r["sample"]) for r in rows) == [(p, i) for p in SMALL[:2] for i in range(2)]
