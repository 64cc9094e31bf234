"""compute-sanitizer's memcheck: its command line, and what its log says.

The grader reads only what the sanitizer itself wrote: its exit status and its log file, which sits where the
checked process cannot see or write it (``kernelgym/sanitize.py``). Every line that memcheck writes starts with
``=========``; a record starts with an unindented line (``Invalid __global__ read of size 4 bytes``, ``Program hit
cudaErrorLaunchFailure ...``) and goes on with indented detail lines (the kernel, the thread and block, the
address and the allocation it missed); the log ends with ``ERROR SUMMARY: N errors``.

>>> report = parse_log('''========= COMPUTE-SANITIZER
... ========= Invalid __global__ read of size 4 bytes
... =========     at 0x1b0 in add_kernel
... =========     by thread (100,0,0) in block (7,0,0)
... =========     Address 0x7f2a4e000ff0 is out of bounds
... =========
... ========= ERROR SUMMARY: 1 error''')
>>> report.errors, len(report.access), report.access[0].splitlines()[0]
(1, 1, 'Invalid __global__ read of size 4 bytes')
"""
from __future__ import annotations

from dataclasses import dataclass

PREFIX = "========="
# compute-sanitizer's exit status when memcheck found an error (``--error-exitcode``); any status the checked
# process may also exit with, so the log must confirm it.
ERROR_EXITCODE = 86
MAX_LOG_BYTES = 1 << 20  # what the grader reads of a log (the first errors are the ones it reports)
RECORD_LINES = 6  # lines of a record kept for the error text (the head and the kernel, thread, address lines)
# Record heads that are a memory access outside what was allocated, or at an address that is not valid: an
# access error (``Invalid __global__ write of size 4 bytes``) or the hardware exception it raised.
_ACCESS_HEADS = ("Invalid __",)
_ACCESS_EXCEPTIONS = ("Illegal Address", "Out-of-range Address", "Misaligned Address")


@dataclass(frozen=True)
class Report:
    """What a memcheck log says.

    Attributes:
        errors: The count of its ``ERROR SUMMARY`` line; None when the log has none (the sanitizer did not finish).
        access: The records of memory access errors, each as its first :data:`RECORD_LINES` lines.
        other: The heads of every other record (CUDA API errors, leaks, the sanitizer's own errors).
    """

    errors: int | None = None
    access: tuple[str, ...] = ()
    other: tuple[str, ...] = ()


def command(executable: str, log_file: str, launch_timeout_s: float, target: list[str]) -> list[str]:
    """The command line that runs ``target`` under memcheck, writing its report to ``log_file`` only.

    The exit status is :data:`ERROR_EXITCODE` when memcheck found an error; the checked process's own exit status
    is no error (``--check-exit-code no``); every process of the tree is checked (the target forks the process
    that starts CUDA); backtraces are left out (the record names the kernel). Only options that compute-sanitizer
    has had since its first releases: an unknown one would stop it.

    >>> command("/usr/local/cuda/bin/compute-sanitizer", "/tmp/k/memcheck.log", 120, ["python", "x.py"])[:5]
    ['/usr/local/cuda/bin/compute-sanitizer', '--tool', 'memcheck', '--error-exitcode', '86']
    """
    return [executable, "--tool", "memcheck", "--error-exitcode", str(ERROR_EXITCODE),
            "--log-file", log_file.replace("%", "%%"), "--check-exit-code", "no", "--target-processes", "all",
            "--launch-timeout", str(max(1, int(launch_timeout_s))), "--show-backtrace", "no", *target]


def parse_log(text: str) -> Report:
    """The records and the error count of a memcheck log (lines without the ``=========`` prefix are the
    checked program's own output, if it shared the log, and are ignored)."""
    records: list[list[str]] = []
    errors = None
    for line in text.splitlines():
        if not line.startswith(PREFIX):
            continue
        body = line[len(PREFIX):]
        stripped = body.strip()
        if stripped.startswith("ERROR SUMMARY:"):
            count = stripped.removeprefix("ERROR SUMMARY:").split()
            errors = int(count[0].replace(",", "")) if count and count[0].replace(",", "").isdigit() else None
            continue
        if not stripped or stripped == "COMPUTE-SANITIZER":
            continue
        if body.startswith("  ") and records:  # a detail line of the record above
            records[-1].append(stripped)
        elif not body.startswith("  "):
            records.append([stripped])
    access = tuple("\n".join(r[:RECORD_LINES]) for r in records if _is_access(r[0]))
    other = tuple(r[0] for r in records if not _is_access(r[0]))
    return Report(errors, access, other)


def _is_access(head: str) -> bool:
    return head.startswith(_ACCESS_HEADS) or any(head.endswith(name) for name in _ACCESS_EXCEPTIONS)


def out_of_bounds(exit_status: int | None, report: Report) -> bool:
    """Whether a memcheck run found an out-of-bounds access: its exit status says it found errors and its log
    names an access error. Neither alone is enough (the checked process can exit with any status; a CUDA API error
    is no access error).

    >>> out_of_bounds(ERROR_EXITCODE, Report(1, ("Invalid __global__ read of size 4 bytes",)))
    True
    >>> access = Report(1, ("Invalid __global__ read of size 4 bytes",))
    >>> out_of_bounds(0, access), out_of_bounds(ERROR_EXITCODE, Report(1, other=("Program hit cudaErrorInvalidValue",)))
    (False, False)
    """
    return exit_status == ERROR_EXITCODE and bool(report.access)
