"""TRL's GRPO trainer (1.16, through its OpenEnv integration, ``rollout_func``) trains the tiny model with rewards
from a real ``kernelgym serve`` process on loopback."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytest.importorskip("trl")
pytest.importorskip("openenv.core", reason="needs the serve extra: pip install 'kernelgym[serve]'")

from kernelgym.serve.process import ServerProcess  # noqa: E402
from test_train import DIGITS, assert_trained, tiny  # noqa: E402


@pytest.fixture(scope="module")
def server():
    with ServerProcess([DIGITS]) as s:
        yield s


def test_two_steps_with_served_rewards_train_the_adapter(server, tmp_path):
    from kernelgym.agents.train import train

    run = train(tiny(tmp_path, DIGITS, env_url=server.url))
    assert_trained(run, ["digits", "copy", "length"])
    steps, batch = run.config.max_steps, run.config.per_device_train_batch_size
    assert run.router.gradings == steps * batch  # every completion was graded by the server, once
    assert json.loads((tmp_path / "summary.json").read_text())["gradings"] == steps * batch


def test_train_command_with_env_url(server, tmp_path):
    """`kernelgym train --env-url URL` does the same from the command line."""
    done = subprocess.run([sys.executable, "-m", "kernelgym.cli", "train", "--env", DIGITS, "--model", "tiny",
                           "--max-steps", "2", "--eval-steps", "0", "--num-generations", "4",
                           "--per-device-train-batch-size", "8", "--max-completion-length", "8",
                           "--env-url", server.url, "--out", str(tmp_path)], capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["steps"] == 2 and summary["gradings"] == 16


def test_env_url_that_does_not_serve_the_env_stops_before_training(server, tmp_path):
    done = subprocess.run([sys.executable, "-m", "kernelgym.cli", "train", "--env", "kernelgym/countdown-v0",
                           "--env-url", server.url, "--out", str(tmp_path / "run")], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode != 0 and f"does not serve kernelgym/countdown-v0; it serves: {DIGITS}" in done.stderr
    assert not (tmp_path / "run" / "config.json").exists()
