"""Soak: the whole adversarial suite, graded three times in a row by one grader, leaves nothing behind.

After every attack that reached the sandbox, and after each round, the reference vector-add answer must still get
full marks; every attack must get the same exact verdict each round (``test_adversarial.EXPECTED``). At the end:
no process the gradings started is alive, no file appeared outside temporary directories, and the grader's own
memory grew by less than 50 MB. The gradings make their working directories in a temporary directory of their
own, which must end empty.
"""
from __future__ import annotations

import gc
import os
import tempfile
from pathlib import Path

import psutil
import pytest

from conftest import PROBLEMS, ROOT, attack, fenced
from kernelgym.grader import Grader, GraderConfig
from kernelgym.problem import load_problem
from test_adversarial import EXPECTED, assert_still_sound, check

ROUNDS = 3
MAX_GROWTH_BYTES = 50 * 2**20
# Where the fixtures' escaped writes would land: the project and its installed package, the temporary directory.
WATCHED = [ROOT, ROOT / "kernelgym", ROOT / "sandbox", ROOT / "tests", ROOT / "tests" / "adversarial",
           Path(tempfile.gettempdir())]
WATCHED_TREES = [ROOT / "problems"]


@pytest.mark.slow
def test_three_rounds_of_every_attack_leave_nothing_behind(tmp_path, monkeypatch):
    workdirs = tmp_path / "workdirs"
    workdirs.mkdir()
    files = _files()
    monkeypatch.setattr(tempfile, "tempdir", str(workdirs))  # this process's gradings only
    me = psutil.Process()
    before = {p.pid for p in me.children(recursive=True)}
    problems = _problem_cache()
    with Grader(GraderConfig(timeout_s=10)) as grader:
        for name in sorted({e.problem for e in EXPECTED.values()}):  # warm: imports, zygotes, torch's pools
            problem = problems(name)
            assert grader.grade(problem, fenced(problem.solution_path.read_text())).correct
        baseline = _rss(me)
        for _ in range(ROUNDS):
            _one_round(grader, problems)
            assert _leaked(me, before) == []
        growth = _rss(me) - baseline
    assert growth < MAX_GROWTH_BYTES, f"the grader grew by {growth / 2**20:.1f} MB over {ROUNDS} rounds"
    assert _leaked(me, before, zygotes_too=True) == []
    assert list(workdirs.iterdir()) == []
    monkeypatch.undo()
    assert _files() == files


def _one_round(grader: Grader, problems) -> None:
    for name in sorted(EXPECTED):
        expected = EXPECTED[name]
        check(grader.grade(problems(expected.problem), fenced(attack(name))), expected)
        if expected.failure != "static":  # refused before running: nothing reached the sandbox
            assert_still_sound(grader, problems)
    assert_still_sound(grader, problems)


def _problem_cache():
    cache = {}

    def get(name: str):
        if name not in cache:
            cache[name] = load_problem(PROBLEMS / "level1" / f"{name}.py")
        return cache[name]

    return get


def _rss(process: psutil.Process) -> int:
    gc.collect()
    return process.memory_info().rss


def _leaked(me: psutil.Process, before: set[int], zygotes_too: bool = False) -> list[str]:
    """Live processes started since ``before``: anything below a zygote, and the zygotes themselves if asked."""
    leaked = []
    for proc in me.children(recursive=True):
        try:
            if proc.pid in before or proc.status() == psutil.STATUS_ZOMBIE:
                continue
            if zygotes_too or proc.ppid() != me.pid:
                leaked.append(f"{proc.pid}: {' '.join(proc.cmdline())[:120]}")
        except psutil.NoSuchProcess:
            continue
    return leaked


def _files() -> set[str]:
    """Names in the watched directories (in the system's temporary directory: only the fixtures' markers)."""
    names = set()
    for directory in WATCHED:
        for entry in os.scandir(directory):
            if directory != Path(tempfile.gettempdir()) or entry.name.startswith("kgescape"):
                names.add(os.path.join(directory, entry.name))
    for tree in WATCHED_TREES:
        names |= {str(p) for p in tree.rglob("*") if "__pycache__" not in p.parts}
    return names
