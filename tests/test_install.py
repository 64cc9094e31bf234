"""Installed means usable anywhere: a wheel installed into a fresh environment works from an empty folder."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A virtual environment (seeing this machine's torch and Triton) with KernelGym installed from its wheel, and
    an empty folder to run it from."""
    base = tmp_path_factory.mktemp("install")
    source = base / "source"  # a copy: building in the checkout would leave build/ there, and reuse a stale one
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".git", "build", "dist", "runs", "*.egg-info",
                                                                "__pycache__", ".pytest_cache", ".gpu"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(base / "dist"), str(source)], check=True, capture_output=True, timeout=300)
    wheel = next((base / "dist").glob("kernelgym-*.whl"))
    env = base / "env"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(env)], check=True, timeout=300)
    subprocess.run([str(env / "bin" / "python"), "-m", "pip", "install", "--no-deps", "-q", str(wheel)],
                   check=True, capture_output=True, timeout=300)
    empty = base / "empty"
    empty.mkdir()
    return env / "bin", empty


def _run(installed, *command: str, timeout: int = 600) -> subprocess.CompletedProcess:
    bin_dir, empty = installed
    environment = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run([str(bin_dir / command[0]), *command[1:]], cwd=empty, capture_output=True, text=True,
                          timeout=timeout, env=environment)


@pytest.mark.slow
def test_bench_runs_the_built_in_suite_from_an_empty_folder(installed):
    done = _run(installed, "kernelgym", "bench", "--policy", "reference", "--level", "1", "--limit", "3",
                "--out", "run", "--no-progress")
    assert done.returncode == 0, done.stderr[-2000:]
    metrics = json.loads((installed[1] / "run" / "metrics.json").read_text())
    assert metrics["pass@1"] == 1.0 and metrics["samples"] == 3


@pytest.mark.slow
def test_the_package_and_its_examples_resolve_from_the_installation(installed):
    probe = ("import kernelgym, kernelgym.problems, gymnasium; "
             "env = kernelgym.make('kernelgym/data/examples/sentiment/spec.yaml'); "
             "print(kernelgym.__file__); print(len(env.rows(None)) > 0); "
             "print('kernelgym/level1-softmax-v0' in gymnasium.registry)")
    done = _run(installed, "python", "-c", probe)
    assert done.returncode == 0, done.stderr[-2000:]
    location, has_rows, registered = done.stdout.split()
    assert location.startswith(str(installed[0].parent)) and not location.startswith(str(ROOT))
    assert has_rows == "True" and registered == "True"
