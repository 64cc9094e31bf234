"""Shared fixtures: one warm grader per test worker, and paths to the suite and the adversarial fixtures."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROBLEMS = ROOT / "problems"
ADVERSARIAL = Path(__file__).resolve().parent / "adversarial"
STARTERS = ["01_vector_add", "02_relu", "03_softmax", "04_matmul", "05_layer_norm"]


def pytest_collection_modifyitems(config, items):
    import torch

    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason="needs a CUDA GPU")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def grader():
    from kernelgym.grader import Grader, GraderConfig

    with Grader(GraderConfig(timeout_s=30)) as g:
        yield g


@pytest.fixture(scope="session")
def unguarded_grader():
    """A grader with the static checks off: shows the runtime layers hold on their own."""
    from kernelgym.grader import Grader, GraderConfig

    with Grader(GraderConfig(timeout_s=30, static_checks=False)) as g:
        yield g


@pytest.fixture(scope="session")
def vector_add():
    from kernelgym.problem import load_problem

    return load_problem(PROBLEMS / "level1" / "01_vector_add.py")


def attack(name: str) -> str:
    return (ADVERSARIAL / f"{name}.py").read_text()


def fenced(source: str) -> str:
    return f"Here is my kernel.\n\n```python\n{source}\n```\n"


def copy_suite(root: Path, names=("01_vector_add", "02_relu")) -> Path:
    """A suite folder ``root/level1`` with copies of some level-1 problems and their reference solutions."""
    (root / "level1").mkdir(parents=True, exist_ok=True)
    for name in names:
        for suffix in ("", "_solution"):
            src = PROBLEMS / "level1" / f"{name}{suffix}.py"
            (root / "level1" / src.name).write_text(src.read_text())
    return root
