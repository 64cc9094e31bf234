"""The sandboxed Python grader: user-written ``grade(sample, item)`` runs where kernel candidates run.

One property per test. The sandbox is real: a warm ``compile`` zygote forks a confined child for every call.
"""
from __future__ import annotations

import doctest
import socket
import threading
import time

import pytest

from kernelgym.graders import PythonGrader, from_spec, python_grader

TIMEOUT_S = 4.0


@pytest.fixture(scope="module")
def sandbox():
    from kernelgym.grader import Grader, GraderConfig

    with Grader(GraderConfig(timeout_s=TIMEOUT_S)) as grader:
        yield grader


def grade(sandbox, source: str, sample="output", item=None):
    return PythonGrader(source, sandbox).details(sample, item or {})


def test_doctests_pass():
    import kernelgym.graders.python as module

    result = doctest.testmod(module)
    assert result.attempted > 0
    assert result.failed == 0


def test_score_comes_back(sandbox):
    assert grade(sandbox, "def grade(sample, item):\n    return 0.37").score == 0.37


def test_sample_and_item_arrive_intact(sandbox):
    source = ("def grade(sample, item):\n"
              "    ok = sample['output_text'] == 'héllo ✓' and item == {'a': [1, {'b': None}], 'c': 2.5}\n"
              "    return 0.75 if ok else 0.25")
    assert grade(sandbox, source, "héllo ✓", {"a": [1, {"b": None}], "c": 2.5}).score == 0.75


def test_output_json_is_derived_for_the_grader(sandbox):
    source = "def grade(sample, item):\n    return sample['output_json']['p']"
    assert grade(sandbox, source, '{"p": 0.5}').score == 0.5


@pytest.mark.parametrize("returned,expected", [("7", 1.0), ("-3", 0.0), ("True", 1.0), ("False", 0.0)])
def test_score_is_clipped_to_unit_range(sandbox, returned, expected):
    assert grade(sandbox, f"def grade(sample, item):\n    return {returned}").score == expected


def test_infinite_loop_times_out_and_scores_zero(sandbox):
    started = time.monotonic()
    result = grade(sandbox, "def grade(sample, item):\n    while True:\n        pass")
    assert result.score == 0.0
    assert "limit" in result.reason
    assert time.monotonic() - started < TIMEOUT_S + 10


def test_exception_scores_zero_with_its_message(sandbox):
    result = grade(sandbox, "def grade(sample, item):\n    raise ValueError('no label in the answer')")
    assert result.score == 0.0
    assert "ValueError: no label in the answer" in result.reason


@pytest.mark.parametrize("returned", ["'high'", "None", "[1.0]", "{'score': 1}"])
def test_non_number_scores_zero(sandbox, returned):
    result = grade(sandbox, f"def grade(sample, item):\n    return {returned}")
    assert result.score == 0.0
    assert "not a number" in result.reason


@pytest.mark.parametrize("returned", ["float('nan')", "float('inf')"])
def test_non_finite_number_scores_zero(sandbox, returned):
    assert grade(sandbox, f"def grade(sample, item):\n    return {returned}").score == 0.0


def test_exiting_early_scores_zero(sandbox):
    result = grade(sandbox, "import os\ndef grade(sample, item):\n    os._exit(0)")
    assert result.score == 0.0
    assert "died" in result.reason


def test_memory_bomb_scores_zero(sandbox):
    result = grade(sandbox, "def grade(sample, item):\n    x = bytearray(10**11)\n    return 1.0")
    assert result.score == 0.0
    assert "memory" in result.reason.lower(), result.reason  # the memory limit stopped it (a MemoryError here)


def test_can_use_its_own_working_directory(sandbox):
    """The control for the file tests below: files inside the working directory work."""
    source = ("def grade(sample, item):\n"
              "    open('scratch.txt', 'w').write('ok')\n"
              "    return 1.0 if open('scratch.txt').read() == 'ok' else 0.0")
    assert grade(sandbox, source).score == 1.0


def _require_landlock(result):
    if "landlock_filesystem" not in result.isolation:
        pytest.skip(f"Landlock is not available on this kernel (layers: {result.isolation})")


READ = ("def grade(sample, item):\n"
        "    try:\n"
        "        open(item['path']).read()\n"
        "    except OSError:\n"
        "        return 0.25\n"
        "    return 1.0\n")


def test_cannot_read_a_file_outside_its_working_directory(sandbox, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("the reference answers")
    result = grade(sandbox, READ, item={"path": str(secret)})
    _require_landlock(result)
    assert result.score == 0.25


def test_cannot_read_system_files(sandbox):
    result = grade(sandbox, READ, item={"path": "/etc/passwd"})
    _require_landlock(result)
    assert result.score == 0.25


def test_cannot_write_outside_its_working_directory(sandbox, tmp_path):
    target = tmp_path / "planted.txt"
    source = ("def grade(sample, item):\n"
              "    try:\n"
              "        open(item['path'], 'w').write('x')\n"
              "    except OSError:\n"
              "        return 0.25\n"
              "    return 1.0\n")
    assert grade(sandbox, source, item={"path": str(target)}).score == 0.25
    assert not target.exists()


def test_cannot_reach_the_network(sandbox):
    """A server listens on the host's loopback; the grader tries to connect to it and must fail."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    accepted = []

    def accept():
        deadline = time.monotonic() + TIMEOUT_S + 5
        while time.monotonic() < deadline and not stop.is_set():
            try:
                accepted.append(server.accept())
            except OSError:
                continue

    stop = threading.Event()
    thread = threading.Thread(target=accept)
    thread.start()
    source = ("import socket\n"
              "def grade(sample, item):\n"
              "    try:\n"
              "        socket.create_connection(('127.0.0.1', item['port']), timeout=2).close()\n"
              "    except OSError:\n"
              "        return 0.25\n"
              "    return 1.0\n")
    try:
        result = grade(sandbox, source, item={"port": server.getsockname()[1]})
    finally:
        stop.set()
        thread.join()
        server.close()
    assert result.score == 0.25
    assert accepted == []


def test_environment_is_scrubbed(sandbox, monkeypatch):
    monkeypatch.setenv("KERNELGYM_TEST_SECRET", "hunter2")
    source = "import os\ndef grade(sample, item):\n    return 0.25 if 'KERNELGYM_TEST_SECRET' in os.environ else 0.5"
    assert grade(sandbox, source).score == 0.5


def test_each_call_runs_in_a_fresh_process(sandbox):
    source = ("import builtins\n"
              "def grade(sample, item):\n"
              "    builtins.calls = getattr(builtins, 'calls', 0) + 1\n"
              "    return builtins.calls / 10\n")
    grader = PythonGrader(source, sandbox)
    assert [grader("x", {}) for _ in range(3)] == [0.1, 0.1, 0.1]


def test_source_without_grade_is_refused_when_built():
    with pytest.raises(ValueError, match="grade"):
        PythonGrader("def score(sample, item):\n    return 1.0")
    with pytest.raises(ValueError, match="parse"):
        PythonGrader("def grade(sample, item) return 1")


def test_non_json_item_is_refused(sandbox):
    with pytest.raises(TypeError, match="JSON"):
        PythonGrader("def grade(sample, item):\n    return 1.0", sandbox)("x", {"bad": object()})


def test_from_openai_spec(sandbox):
    spec = {"type": "python", "name": "len", "image_tag": "2025-05-08",
            "source": "def grade(sample, item):\n    return len(sample['output_text']) / len(item['ref'])"}
    assert from_spec(spec, sandbox)("abc", {"ref": "abcdef"}) == 0.5


def test_one_shot_function(sandbox):
    assert python_grader("def grade(sample, item):\n    return 0.125", "x", {}, sandbox=sandbox) == 0.125
