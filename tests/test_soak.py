"""Soak: the whole adversarial suite, graded round after round by one grader, leaves nothing behind.

Two soaks: the default grader, three rounds (most attacks are refused by the static checks and never run), and the
static checks off, two rounds, so that every attack runs in the sandbox (fork bombs, daemons, disk fills, signals,
channel forgeries, timeouts). After every attack that reached the sandbox, and after each round, the reference
vector-add answer must still get full marks; every attack must get the same exact verdict each round
(``test_adversarial.EXPECTED`` / ``RUNTIME``). At the end: no process the gradings started is alive, no file
appeared outside temporary directories, and the grader's own memory grew by less than 50 MB. The gradings make
their working directories in a temporary directory of their own, which must end empty.
"""
from __future__ import annotations

import gc
import os
import tempfile
from contextlib import ExitStack
from pathlib import Path

import psutil
import pytest

from conftest import PROBLEMS, ROOT, attack, fenced
from kernelgym.grader import Grader, GraderConfig
from kernelgym.problem import load_problem
from test_adversarial import EXPECTED, RUNTIME, Expected, assert_still_sound, check

ROUNDS = 3
MAX_GROWTH_BYTES = 50 * 2**20
# Where the fixtures' escaped writes would land: the project and its installed package, the temporary directory.
WATCHED = [ROOT, ROOT / "kernelgym", ROOT / "sandbox", ROOT / "tests", ROOT / "tests" / "adversarial",
           Path(tempfile.gettempdir())]
WATCHED_TREES = [ROOT / "problems"]


@pytest.mark.slow
def test_three_rounds_of_every_attack_leave_nothing_behind(tmp_path, monkeypatch):
    config = GraderConfig(timeout_s=10)
    _soak(tmp_path, monkeypatch, config, config, EXPECTED, ROUNDS)


@pytest.mark.slow
def test_two_rounds_of_every_attack_in_the_sandbox_leave_nothing_behind(tmp_path, monkeypatch):
    """Static checks off: the runtime layers alone, attack after attack; the ones that never return are graded by
    a grader with a shorter wall-clock limit."""
    _soak(tmp_path, monkeypatch, GraderConfig(timeout_s=10, static_checks=False),
          GraderConfig(timeout_s=6, static_checks=False), RUNTIME, 2)


def _soak(tmp_path, monkeypatch, config: GraderConfig, impatient: GraderConfig, expected: dict[str, Expected],
          rounds: int) -> None:
    workdirs = tmp_path / "workdirs"
    workdirs.mkdir()
    files = _files()
    monkeypatch.setattr(tempfile, "tempdir", str(workdirs))  # this process's gradings only
    me = psutil.Process()
    before = {p.pid for p in me.children(recursive=True)}
    problems = _problem_cache()
    with ExitStack() as stack:
        grader = stack.enter_context(Grader(config))
        slow = grader if impatient == config else stack.enter_context(Grader(impatient))
        for name in sorted({e.problem for e in expected.values()}):  # warm: imports, zygotes, torch's pools
            problem = problems(name)
            assert grader.grade(problem, fenced(problem.solution_path.read_text())).correct
        baseline = _rss(me)
        for _ in range(rounds):
            _one_round(grader, slow, problems, expected)
            assert _leaked(me, before) == []
        growth = _rss(me) - baseline
    assert growth < MAX_GROWTH_BYTES, f"the grader grew by {growth / 2**20:.1f} MB over {rounds} rounds"
    assert _leaked(me, before, zygotes_too=True) == []
    assert list(workdirs.iterdir()) == []
    monkeypatch.undo()
    assert _files() == files


def _one_round(grader: Grader, slow: Grader, problems, expected: dict[str, Expected]) -> None:
    for name in sorted(expected):
        verdict = expected[name]
        grading = slow if verdict.failure == "timeout" else grader
        result = grading.grade(problems(verdict.problem), fenced(attack(name)))
        if verdict.layer and verdict.layer not in result.isolation:
            assert not result.correct, f"{name}: graded correct without the {verdict.layer} layer"
        else:
            check(result, verdict)
        if verdict.failure != "static":  # refused before running: nothing reached the sandbox
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
