"""The sandbox process model: warm zygote forks, no torch re-import, isolation facts, cleanup."""
import os

import psutil
import pytest

from conftest import fenced


def test_children_fork_from_one_warm_zygote(grader, vector_add):
    answer = fenced(vector_add.solution_path.read_text())
    assert grader.grade(vector_add, answer).correct
    zygote = grader.zygote("interpret")
    first = zygote.pid
    child = zygote.spawn()
    try:
        helper = psutil.Process(psutil.Process(child.pid).ppid())  # the fork helper that made its PID namespace
        assert helper.pid == child.helper
        assert helper.ppid() == first  # forks of the warm zygote: torch is already imported, not imported again
    finally:
        child.sock.close()
    assert grader.grade(vector_add, answer).correct
    assert zygote.pid == first


def test_no_child_left_after_gradings(grader, vector_add):
    grader.grade(vector_add, fenced(vector_add.solution_path.read_text()))
    zygote = psutil.Process(grader.zygote("interpret").pid)
    live = [c for c in zygote.children(recursive=True) if c.status() != psutil.STATUS_ZOMBIE]
    assert live == []


@pytest.mark.skipif(os.geteuid() != 0, reason="namespaces and cgroups need root here")
def test_every_isolation_layer_takes_effect_as_root(grader, vector_add):
    result = grader.grade(vector_add, fenced(vector_add.solution_path.read_text()))
    assert result.network_isolated and result.correct
    assert set(result.isolation) == {"pid_namespace", "pids_cgroup", "memory_cgroup", "network_namespace",
                                     "read_only_filesystem", "socket_directories_hidden", "disk_quota",
                                     "problem_files_hidden", "no_capabilities", "seccomp", "rlimit_address_space",
                                     "rlimits", "audit_hook"}


def test_zygote_keeps_one_thread(grader):
    grader.zygote("interpret").spawn().sock.close()  # make sure it has started
    zygote = psutil.Process(grader.zygote("interpret").pid)
    assert zygote.num_threads() <= 2  # no OpenMP/MKL pool: forked matmuls would deadlock


def test_same_answer_is_not_compiled_twice(grader, vector_add):
    answer = fenced(vector_add.solution_path.read_text() + "\nVARIANT = 'same answer'  # no other test grades it\n")
    first = grader.grade(vector_add, answer)
    second = grader.grade(vector_add, answer)
    assert first.compiled and second.compiled
    assert first.timings["compiled_specs"] >= 1 and second.timings["compiled_specs"] == 0
    assert [s.kernel for s in second.kernel_stats] == [s.kernel for s in first.kernel_stats]


def test_answers_sharing_a_kernel_share_its_compile_check(grader, vector_add):
    source = vector_add.solution_path.read_text() + "\nVARIANT = 'shared kernel'  # no other test grades it\n"
    first = grader.grade(vector_add, fenced(source))
    other = grader.grade(vector_add, fenced(source.replace("return add(x, y)", "out = add(x, y)\n        return out")))
    assert first.timings["compiled_specs"] >= 1 and other.timings["compiled_specs"] == 0
    assert other.correct and other.compiled


def test_a_changed_kernel_is_compiled_again(grader, vector_add):
    source = vector_add.solution_path.read_text() + "\nVARIANT = 'changed kernel'  # no other test grades it\n"
    first = grader.grade(vector_add, fenced(source))
    other = grader.grade(vector_add, fenced(source.replace("x + y, mask=mask", "y + x, mask=mask")))
    assert first.timings["compiled_specs"] >= 1 and other.timings["compiled_specs"] >= 1


def test_python_job_traceback_keeps_only_the_user_graders_frames(tmp_path):
    """The user's grader is written to <workdir>/grader.py: frames of kernelgym's own grader.py are not its."""
    from kernelgym.sandbox.script import _trim

    path = str(tmp_path / "grader.py")
    user, harness = {}, {}
    exec(compile("def grade():\n    raise ValueError('boom')\n", path, "exec"), user)
    exec(compile("def call(f):\n    f()\n", "/site-packages/kernelgym/grader.py", "exec"), harness)
    try:
        harness["call"](user["grade"])
    except ValueError as exc:
        text = _trim(exc, path)
    assert [line for line in text.splitlines() if line.startswith("line ")] == ["line 2: "]
    assert text.endswith("ValueError: boom")


def test_no_new_privs_is_named_once():
    import inspect

    from kernelgym.sandbox import isolation, script

    assert isolation.PR_SET_NO_NEW_PRIVS == 38 and script.PR_SET_NO_NEW_PRIVS is isolation.PR_SET_NO_NEW_PRIVS
    for module in (isolation, script):
        assert "prctl(38" not in inspect.getsource(module)
