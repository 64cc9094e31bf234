"""`kernelgym eval`: one JSON object, exit code 0 whatever the verdict, clear errors for bad input."""
import json
import os
import signal
import subprocess
import sys

import pytest

from conftest import PROBLEMS, attack, fenced
from test_problem import KERNELBENCH_RELU

RELU_ANSWER = fenced((PROBLEMS / "level1" / "02_relu_solution.py").read_text())


def kernelgym(*args, timeout=300, cwd=None):
    return subprocess.run([sys.executable, "-m", "kernelgym.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, cwd=cwd)


def test_eval_json_on_a_kernelbench_file_outside_problems(tmp_path):
    problem = tmp_path / "19_ReLU.py"
    problem.write_text(KERNELBENCH_RELU.replace("batch_size = 16", "batch_size = 2").replace("dim = 16384",
                                                                                              "dim = 1000"))
    answer = tmp_path / "completion.txt"
    answer.write_text(RELU_ANSWER)
    proc = kernelgym("eval", problem, answer, "--json")
    assert proc.returncode == 0, proc.stderr
    record = json.loads(proc.stdout)
    assert record["correct"] and record["reward"] == 1.0 and record["hacks"] == []
    for key in ("compiled", "format_ok", "tests_passed", "tests_total", "speedup", "error"):
        assert key in record


def test_eval_exit_code_is_zero_for_a_cheat_and_summary_names_it(tmp_path):
    answer = tmp_path / "cheat.py"
    answer.write_text(attack("torch_fallback_dummy_launch"))
    proc = kernelgym("eval", PROBLEMS / "level1" / "01_vector_add.py", answer)
    assert proc.returncode == 0
    assert "HACK" in proc.stdout and "torch_fallback:aten.add" in proc.stdout


def test_eval_reports_a_malformed_problem(tmp_path):
    problem = tmp_path / "bad.py"
    problem.write_text("def get_inputs():\n    return []\n")
    answer = tmp_path / "a.py"
    answer.write_text(RELU_ANSWER)
    proc = kernelgym("eval", problem, answer)
    assert proc.returncode == 2 and "defines no `Model`" in proc.stderr and not proc.stdout


@pytest.mark.parametrize("command", [["eval", "nofile.py", "answer.md", "--json"], ["check", "nofolder"]])
def test_errors_go_to_stderr_and_leave_stdout_empty(command, tmp_path):
    """A script that reads the JSON on stdout sees nothing there when the input is unusable (exit 2)."""
    proc = kernelgym(*command, cwd=tmp_path)
    assert proc.returncode == 2 and proc.stderr.startswith("error: ") and not proc.stdout


def test_check_fails_on_a_degenerate_problem(tmp_path):
    (tmp_path / "zero.py").write_text(
        "import torch\nimport torch.nn as nn\nclass Model(nn.Module):\n    def forward(self, x):\n"
        "        return x * 0.0\nN = 8\ndef get_inputs():\n    return [torch.randn(N)]\n"
        "def get_init_inputs():\n    return []\n")
    proc = kernelgym("check", tmp_path, "--workers", "1")
    assert proc.returncode == 1
    assert "degenerate" in proc.stdout and "no reference solution" in proc.stdout


def test_eval_json_has_the_cpu_speed_proxy_and_static_gpu_figures():
    proc = kernelgym("eval", PROBLEMS / "level1" / "01_vector_add.py", PROBLEMS / "level1" / "01_vector_add_solution.py",
                     "--json")
    assert proc.returncode == 0, proc.stderr
    record = json.loads(proc.stdout)
    assert record["correct"] and record["speedup"] is None  # no GPU here: speed is not measured...
    assert record["traffic_efficiency"] == 1.0  # ...but the proxy is: each input read once, the output written once
    stats = record["kernel_stats"]
    assert [s["kernel"].split("[")[0] for s in stats] == ["add_kernel"]
    assert stats[0]["registers"] > 0 and stats[0]["spill_bytes"] == 0 and 0 < stats[0]["occupancy"] <= 1
    assert stats[0]["global_loads_scalar"] + stats[0]["global_loads_vector"] > 0


BROKEN_FORWARD = '''import torch
import torch.nn as nn


class Model(nn.Module):
    def forward(self, x):
        return x @ torch.ones(3, 3)


def get_inputs():
    return [torch.randn(2, 4)]


def get_init_inputs():
    return []
'''


def _suite_with_broken_problems(root):
    suite = root / "level1"
    suite.mkdir(parents=True)
    for suffix in ("", "_solution"):
        (suite / f"02_relu{suffix}.py").write_text((PROBLEMS / "level1" / f"02_relu{suffix}.py").read_text())
    (suite / "03_broken_forward.py").write_text(BROKEN_FORWARD)
    (suite / "04_broken_import.py").write_text("raise RuntimeError('module fails')\n")
    return root


def test_check_reports_problems_whose_code_raises_and_checks_the_rest(tmp_path):
    proc = kernelgym("check", _suite_with_broken_problems(tmp_path / "suite"), "--json", tmp_path / "check.json")
    assert proc.returncode == 1, proc.stderr[-2000:]
    rows = {row["problem"]: row for row in json.loads((tmp_path / "check.json").read_text())}
    assert rows["02_relu"]["ok"] and not rows["03_broken_forward"]["ok"] and len(rows) == 3
    assert "03_broken_forward: reference raised: RuntimeError" in proc.stdout
    assert "04_broken_import" in proc.stdout and "importing the problem failed" in proc.stdout
    assert "1/3 problems ok" in proc.stdout and "2 problem(s) could not be graded" in proc.stdout


def test_eval_on_a_problem_whose_reference_raises_is_a_clear_error(tmp_path):
    problem = tmp_path / "broken.py"
    problem.write_text(BROKEN_FORWARD)
    answer = tmp_path / "a.py"
    answer.write_text(RELU_ANSWER)
    proc = kernelgym("eval", problem, answer)
    assert proc.returncode == 2 and "the reference raised RuntimeError" in proc.stderr and not proc.stdout


def test_bench_skips_a_malformed_problem_file_and_runs_the_rest(tmp_path):
    suite = _suite_with_broken_problems(tmp_path / "suite")
    (suite / "level1" / "03_broken_forward.py").unlink()
    proc = kernelgym("bench", "--policy", "reference", "--problems", suite, "--out", tmp_path / "run",
                     "--no-progress")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "warning: skipped" in proc.stderr and "04_broken_import" in proc.stderr
    assert [json.loads(line)["problem"] for line in (tmp_path / "run" / "results.jsonl").read_text().splitlines()] \
        == ["02_relu"]


def test_check_json_keeps_the_problems_checked_before_a_kill(tmp_path):
    """The two broken problems come first and finish at once; the ReLU, last, takes seconds: the run is killed
    while it grades the ReLU, and the file holds the two rows before it."""
    import time

    suite = _suite_with_broken_problems(tmp_path / "suite")
    for suffix in ("", "_solution"):
        (suite / "level1" / f"02_relu{suffix}.py").rename(suite / "level1" / f"09_relu{suffix}.py")
    out = tmp_path / "check.json"
    command = [sys.executable, "-m", "kernelgym.cli", "check", str(suite), "--json", str(out), "--workers", "1"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None and \
                not (out.exists() and len(json.loads(out.read_text())) == 2):
            time.sleep(0.05)
        assert process.poll() is None, "the run ended before it could be killed"
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    assert [row["problem"] for row in json.loads(out.read_text())] == ["03_broken_forward", "04_broken_import"]


def test_a_problem_too_large_for_the_machine_is_refused_before_anything_is_allocated(tmp_path):
    """Three float32 tensors of 2**33 elements (96 GB): estimated on meta tensors, refused with exit 2."""
    problem = tmp_path / "huge.py"
    problem.write_text((PROBLEMS / "level1" / "01_vector_add.py").read_text().replace(
        "TEST_CASES = [", "TEST_CASES = [{'N': 2**33}, "))
    answer = tmp_path / "a.py"
    answer.write_text((PROBLEMS / "level1" / "01_vector_add_solution.py").read_text())
    proc = kernelgym("eval", problem, answer, timeout=120)
    assert proc.returncode == 2 and "too large for this machine" in proc.stderr, proc.stderr[-1000:]


def test_check_gives_a_problem_too_large_for_the_machine_its_row(tmp_path):
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "huge.py").write_text((PROBLEMS / "level1" / "01_vector_add.py").read_text().replace(
        "TEST_CASES = [", "TEST_CASES = [{'N': 2**33}, "))
    proc = kernelgym("check", suite, timeout=120)
    assert proc.returncode == 1 and "too large for this machine" in proc.stdout, proc.stdout[-1000:]


def test_bench_goes_on_past_a_problem_whose_reference_raises(tmp_path):
    suite = _suite_with_broken_problems(tmp_path / "suite")
    (suite / "level1" / "04_broken_import.py").unlink()
    (suite / "level1" / "03_broken_forward_solution.py").write_text(
        (PROBLEMS / "level1" / "02_relu_solution.py").read_text())  # any answer: the reference fails first
    proc = kernelgym("bench", "--policy", "reference", "--problems", suite, "--out", tmp_path / "run",
                     "--no-progress")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "warning: 03_broken_forward not graded" in proc.stderr and "the reference raised" in proc.stderr
    assert [json.loads(line)["problem"] for line in (tmp_path / "run" / "results.jsonl").read_text().splitlines()] \
        == ["02_relu"]


VECTOR_ADD = PROBLEMS / "level1" / "01_vector_add.py"


@pytest.mark.parametrize("command, message", [
    (["train", "--env", "kernelgym/repeat-digit-v0", "--lora-r", "0", "--out", "{tmp}/run"],
     "error: --lora-r: TrainConfig.lora_r must be an integer of at least 1, not 0"),
    (["sft", "--env", "kernelgym/repeat-digit-v0", "--max-steps", "0", "--out", "{tmp}/run"],
     "error: --max-steps: SFTRunConfig.max_steps must be -1 (--epochs passes) or an integer of at least 1, not 0"),
    (["eval", VECTOR_ADD, VECTOR_ADD, "--seeds", "0"],
     "error: GraderConfig.seeds must be an integer of at least 1, not 0"),
    (["check", VECTOR_ADD, "--target", "metal:1"],
     "error: --target must look like cuda:90 or hip:gfx942, not 'metal:1'"),
    (["bench", "--policy", "reference", "--problems", VECTOR_ADD, "--out", "{tmp}/run", "--top-p", "0"],
     "error: Sampling.top_p must be a number above 0 and at most 1, not 0.0"),
])
def test_a_value_a_config_refuses_is_one_line_and_exit_2(command, message, tmp_path):
    """No traceback: the field, the value and what is allowed on one line of stderr, nothing on stdout, and no run
    folder made."""
    proc = kernelgym(*[str(part).replace("{tmp}", str(tmp_path)) for part in command], timeout=120)
    assert (proc.returncode, proc.stderr, proc.stdout) == (2, message + "\n", "")
    assert not (tmp_path / "run").exists()
