"""``--sanitize`` (kernelgym/sanitize.py, kernelgym/memcheck.py, sandbox/sanitized.py) on a machine without a GPU:
the option and its field, that it changes no CPU verdict, where memcheck's log goes, how its log is read, and the
plumbing of a run (exit status, log file, the sandboxed child over the protocol) with a stand-in for
compute-sanitizer. The real compute-sanitizer is exercised by tests/test_gpu.py only."""
from __future__ import annotations

import argparse
import logging
import os
import stat
import sys
from pathlib import Path

import pytest

from conftest import PROBLEMS, attack, fenced
from kernelgym import memcheck
from kernelgym.grader import Grader, GraderConfig, problem_directories
from kernelgym.problem import load_problem
from kernelgym.sanitize import Launcher, find_compute_sanitizer, run_memcheck, smallest_case
from kernelgym.seeds import SeedSource

LOGS = Path(__file__).resolve().parent / "memcheck_logs"
VECTOR_ADD = PROBLEMS / "level1" / "01_vector_add.py"


# --- the option and the field --------------------------------------------------------------------------------
def test_sanitize_is_off_by_default_and_must_be_a_bool():
    assert GraderConfig().sanitize is False
    assert GraderConfig(sanitize=True).sanitize is True
    with pytest.raises(ValueError, match="GraderConfig.sanitize must be True or False, not 'yes'"):
        GraderConfig(sanitize="yes")


def test_the_grading_options_parse_sanitize_into_the_config():
    from kernelgym.cli.options import grader_config, grader_options

    parser = argparse.ArgumentParser()
    grader_options(parser)
    assert grader_config(parser.parse_args(["--sanitize", "--device", "cpu"])).sanitize is True
    assert grader_config(parser.parse_args(["--device", "cpu"])).sanitize is False


@pytest.mark.parametrize("command", ["eval", "check", "bench"])
def test_every_grading_command_has_the_option(command, capsys):
    from kernelgym.cli import bench, check, eval

    parser = argparse.ArgumentParser(prog="kernelgym")
    commands = parser.add_subparsers(dest="command")
    for family in (eval, check, bench):
        family.add_parsers(commands)
    with pytest.raises(SystemExit):
        parser.parse_args([command, "--help"])
    assert "--sanitize" in capsys.readouterr().out


# --- on CPU it changes nothing --------------------------------------------------------------------------------
def test_on_cpu_sanitize_changes_no_verdict_and_warns_once(caplog):
    problem = load_problem(VECTOR_ADD)
    answers = [fenced(problem.solution_path.read_text()), fenced(attack("out_of_bounds"))]
    fields = ("correct", "failure", "tests_passed", "tests_total", "hacks", "compiled", "format_ok")
    with caplog.at_level(logging.WARNING, logger="kernelgym.grader"):
        with Grader(GraderConfig(device="cpu", seed=0, timeout_s=60, workers=1)) as plain, \
                Grader(GraderConfig(device="cpu", seed=0, timeout_s=60, workers=1, sanitize=True)) as sanitized:
            for answer in answers:
                before, after = plain.grade(problem, answer), sanitized.grade(problem, answer)
                assert [getattr(before, f) for f in fields] == [getattr(after, f) for f in fields]
                assert "sanitize_s" not in after.timings
    warnings = [r for r in caplog.records if "sanitize" in r.getMessage()]
    assert len(warnings) == 1 and "CPU" in warnings[0].getMessage()


# --- where the log goes ---------------------------------------------------------------------------------------
def test_the_log_file_is_in_the_private_directory_outside_the_childs_writable_places(tmp_path):
    launcher = Launcher("/usr/local/cuda/bin/compute-sanitizer", str(tmp_path / "private"), 60)
    argv = launcher.argv()
    assert argv[:3] == ["/usr/local/cuda/bin/compute-sanitizer", "--tool", "memcheck"]
    log_file = argv[argv.index("--log-file") + 1]
    assert log_file == launcher.log_file and Path(log_file).parent == tmp_path / "private"
    assert argv[argv.index("--error-exitcode") + 1] == str(memcheck.ERROR_EXITCODE)
    target = argv[argv.index("--show-backtrace") + 2:]
    assert target == [sys.executable, "-m", "kernelgym.sandbox.sanitized", launcher.socket_path]
    assert log_file not in target  # the checked process is never told where the log is


def test_a_percent_in_the_log_path_is_not_a_pattern():
    argv = memcheck.command("cs", "/tmp/100%p/memcheck.log", 10, ["python"])
    assert argv[argv.index("--log-file") + 1] == "/tmp/100%%p/memcheck.log"


def test_compute_sanitizer_is_looked_for_in_cuda_home(tmp_path, monkeypatch):
    tool = tmp_path / "bin" / "compute-sanitizer"
    tool.parent.mkdir()
    tool.write_text("#!/bin/sh\n")
    tool.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setenv("CUDA_HOME", str(tmp_path))
    assert find_compute_sanitizer() == str(tool)


# --- reading memcheck's log -----------------------------------------------------------------------------------
def test_an_out_of_bounds_read_in_the_log_is_an_access_error():
    report = memcheck.parse_log((LOGS / "out_of_bounds.log").read_text())
    assert report.errors == 3 and len(report.access) == 2
    assert report.access[0].splitlines() == [
        "Invalid __global__ read of size 4 bytes", "at add_kernel+0x1b0", "by thread (1,0,0) in block (0,0,0)",
        "Address 0x7f3c5e000204 is out of bounds",
        "and is 5 bytes after the nearest allocation at 0x7f3c5e000200 of size 4 bytes"]
    assert report.other == ('Program hit cudaErrorLaunchFailure (error 719) due to "unspecified launch failure" on '
                            'CUDA API call to cuStreamSynchronize.',)
    assert memcheck.out_of_bounds(memcheck.ERROR_EXITCODE, report)


@pytest.mark.parametrize("log, errors, oob", [("clean.log", 0, False), ("api_error_only.log", 1, False),
                                              ("hardware_exception.log", 1, True), ("unfinished.log", None, True)])
def test_what_each_log_says(log, errors, oob):
    report = memcheck.parse_log((LOGS / log).read_text())
    assert report.errors == errors
    assert memcheck.out_of_bounds(memcheck.ERROR_EXITCODE, report) is oob


def test_the_exit_status_alone_or_the_log_alone_is_no_verdict():
    report = memcheck.parse_log((LOGS / "out_of_bounds.log").read_text())
    assert not memcheck.out_of_bounds(0, report)  # the log without the sanitizer's status
    assert not memcheck.out_of_bounds(memcheck.ERROR_EXITCODE, memcheck.parse_log(""))  # the status alone


def test_the_smallest_test_case_is_the_one_with_the_smallest_inputs():
    problem = load_problem(VECTOR_ADD)
    assert problem.test_cases[smallest_case(problem)] == {"N": 1}


# --- the plumbing, with a stand-in for compute-sanitizer ------------------------------------------------------
STAND_IN = '''#!{python}
"""A STAND-IN for compute-sanitizer, to test the plumbing only (it checks nothing): it takes the options the
grader passes, runs the target, then writes {log} as the log and exits as memcheck would."""
import subprocess, sys
args = sys.argv[1:]
options = {{}}
while args and args[0].startswith("--"):
    options[args[0]], args = args[1], args[2:]
code = subprocess.run(args).returncode
text = open({log!r}).read()
open(options["--log-file"].replace("%%", "%"), "w").write(text)
sys.exit(int(options["--error-exitcode"]) if "ERROR SUMMARY: 0 errors" not in text else code)
'''


class _Recording:
    """The grader's sandbox, keeping the jobs it was given."""

    def __init__(self, sandbox):
        self.sandbox, self.jobs = sandbox, []
        self.timeout_s = sandbox.timeout_s

    def session(self, mode, job, result, **kwargs):
        self.jobs.append(job)
        return self.sandbox.session(mode, job, result, **kwargs)


def _stand_in(tmp_path: Path, log: str) -> str:
    path = tmp_path / f"stand-in-{log}"
    path.write_text(STAND_IN.format(python=sys.executable, log=str(LOGS / log)))
    path.chmod(0o755)
    return str(path)


@pytest.mark.parametrize("log, oob", [("out_of_bounds.log", True), ("clean.log", False)])
def test_plumbing_exit_status_and_log_file_give_the_verdict(log, oob, tmp_path):
    """Plumbing only (a stand-in runs the target): the child under "compute-sanitizer" connects, confines itself
    and runs the job over the protocol; the grader reads the exit status and the log from its private directory,
    which the child's job hides, and removes it afterwards."""
    problem = load_problem(VECTOR_ADD)
    with Grader(GraderConfig(device="cpu", timeout_s=60, workers=1)) as grader:
        sandbox = _Recording(grader.sandbox)
        found = run_memcheck(sandbox, _stand_in(tmp_path, log), problem, fenced(problem.solution_path.read_text()),
                             grader.config.limits, grader.config.target, problem_directories(problem),
                             SeedSource(0), "cpu")
    assert found.problem == "" and found.out_of_bounds is oob
    assert found.exit_status == (memcheck.ERROR_EXITCODE if oob else 0)
    assert "seccomp" in found.isolation and "read_only_filesystem" in found.isolation
    (job,) = sandbox.jobs
    private = job.hidden[-1]
    assert Path(private).name.startswith("kernelgym-sanitizer-") and not Path(private).exists()
    assert not private.startswith(job.workdir) and not job.workdir.startswith(private)
    assert job.limits.gpu_memory_mb is None and len(job.runs) == 1
    if oob:
        assert found.error.startswith("test case 1 {'N': 1}, under compute-sanitizer's memcheck")
        assert "Invalid __global__ read of size 4 bytes" in found.error


def test_the_private_directory_is_the_graders_alone(tmp_path, monkeypatch):
    import tempfile

    made = []
    real = tempfile.mkdtemp

    def mkdtemp(*args, **kwargs):
        path = real(*args, **kwargs)
        if kwargs.get("prefix") == "kernelgym-sanitizer-":
            made.append((path, stat.S_IMODE(os.stat(path).st_mode)))
        return path

    monkeypatch.setattr(tempfile, "mkdtemp", mkdtemp)
    problem = load_problem(VECTOR_ADD)
    with Grader(GraderConfig(device="cpu", timeout_s=60, workers=1)) as grader:
        run_memcheck(grader.sandbox, _stand_in(tmp_path, "clean.log"), problem,
                     fenced(problem.solution_path.read_text()), grader.config.limits, grader.config.target,
                     problem_directories(problem), SeedSource(0), "cpu")
    assert [mode for _, mode in made] == [0o700]


def test_a_sanitizer_that_never_starts_the_child_is_no_verdict(tmp_path):
    tool = tmp_path / "broken-sanitizer"
    tool.write_text("#!/bin/sh\necho 'unrecognised option' >&2\nexit 1\n")
    tool.chmod(0o755)
    problem = load_problem(VECTOR_ADD)
    with Grader(GraderConfig(device="cpu", timeout_s=30, workers=1)) as grader:
        found = run_memcheck(grader.sandbox, str(tool), problem, fenced(attack("out_of_bounds")),
                             grader.config.limits, grader.config.target, problem_directories(problem),
                             SeedSource(0), "cpu")
    assert not found.out_of_bounds and "unrecognised option" in found.problem
