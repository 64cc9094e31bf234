"""An environment written as a YAML spec trains with ``kernelgym train`` (issue 7: "a YAML-spec environment is
trained for 2 steps by `kernelgym train` in a test").

The run uses the shipped example spec (``kernelgym/data/examples/sentiment/spec.yaml``: two OpenAI-style graders,
``exact`` and ``fuzzy``) and the tiny random model, on CPU. It checks that the run finished its two steps and that
TRL logged a reward for each of the spec's graders, under the graders' names.
"""
from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from kernelgym.envs.spec import EXAMPLE_SPEC

ROOT = Path(__file__).resolve().parents[1]


def kernelgym_cli(*args: str, timeout: float) -> subprocess.CompletedProcess:
    """``kernelgym ARGS`` as CI runs it (``python -m kernelgym.cli``, from the checkout)."""
    return subprocess.run([sys.executable, "-m", "kernelgym.cli", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)


def test_yaml_spec_environment_trains_for_two_steps(tmp_path):
    if importlib.util.find_spec("trl") is None:
        pytest.skip("training needs TRL (pip install 'kernelgym[train]')")
    shown = kernelgym_cli("train", "--help", timeout=300)  # with TRL installed, a broken CLI is a failure
    assert shown.returncode == 0, (shown.stderr or shown.stdout)[-3000:]
    missing = [flag for flag in ("--env", "--model", "--max-steps", "--out") if flag not in shown.stdout]
    assert not missing, f"`kernelgym train --help` lacks {', '.join(missing)}"
    out = tmp_path / "run"
    done = kernelgym_cli("train", "--env", str(EXAMPLE_SPEC), "--model", "tiny", "--max-steps", "2", "--out",
                         str(out), timeout=1500)
    assert done.returncode == 0, done.stderr[-3000:]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["steps"] == 2
    logs = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines() if line.strip()]
    training = [log for log in logs if "reward" in log]
    assert {log["step"] for log in training} >= {1, 2}
    for grader in ("exact", "fuzzy"):
        assert all(f"rewards/{grader}/mean" in log for log in training), grader
    assert (out / "adapter").is_dir()
