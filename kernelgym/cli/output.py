"""What more than one command prints: the one-line error, the library's warnings, consoles, a status line and a
progress bar. Every display goes to stderr except the results a command exists to print (its tables, its JSON),
so that a script reading stdout sees only those."""
from __future__ import annotations

import logging
import sys
import threading
from typing import Callable, Iterable, Iterator, TypeVar

Item = TypeVar("Item")
USAGE_ERROR = 2  # the exit status of unusable input, as argparse's own


def error(message: object) -> int:
    """Print ``error: MESSAGE`` on stderr and return :data:`USAGE_ERROR`.

    >>> import contextlib, io
    >>> with contextlib.redirect_stderr(io.StringIO()) as err:
    ...     status = error("--seeds must be at least 1")
    >>> err.getvalue(), status
    ('error: --seeds must be at least 1\\n', 2)
    """
    print(f"error: {message}", file=sys.stderr)
    return USAGE_ERROR


class _WarningLines(logging.Handler):
    """Each record as ``warning: MESSAGE`` on the stderr of the moment (tests swap it)."""

    def emit(self, record: logging.LogRecord) -> None:
        print(f"warning: {self.format(record)}", file=sys.stderr)


def show_warnings() -> None:
    """Show the library's warnings (``logging`` records of ``kernelgym.*``, such as a problem file a benchmark
    skips) on stderr as ``warning: ...`` lines; once per process however often it is called."""
    logger = logging.getLogger("kernelgym")
    if not any(isinstance(handler, _WarningLines) for handler in logger.handlers):
        logger.addHandler(_WarningLines(logging.WARNING))


def console(stderr: bool = False, width: int | None = None, file=None):
    """A rich console on stdout (or stderr, or ``file``), ``width`` columns wide whatever the terminal."""
    from rich.console import Console

    return Console(file=file, stderr=stderr, width=width)


def with_status(items: Iterable[Item], first: str, after: Callable[[int, Item], str]) -> Iterator[Item]:
    """Yield ``items`` while a status line on stderr says ``first``, then ``after(done, item)`` after each."""
    with console(stderr=True).status(first) as status:
        for done, item in enumerate(items, start=1):
            status.update(after(done, item))
            yield item


class GradingBar:
    """A progress bar on stderr counting graded and correct samples: a
    :class:`kernelgym.bench.run.RunProgress`."""

    def __init__(self):
        self.correct = 0
        self._lock = threading.Lock()  # the grading threads advance it
        self._bar = None
        self._task = None

    def start(self, total: int, done: int) -> None:
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                                   TimeRemainingColumn)

        self._bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                             TextColumn("correct {task.fields[correct]}"), TimeElapsedColumn(),
                             TimeRemainingColumn(), console=console(stderr=True))
        self._task = self._bar.add_task("grading", total=total + done, completed=done, correct=0)
        self._bar.start()

    def describe(self, text: str) -> None:
        self._bar.update(self._task, description=text)

    def advance(self, correct: bool) -> None:
        with self._lock:
            self.correct += correct
            self._bar.update(self._task, advance=1, correct=self.correct)

    def stop(self) -> None:
        if self._bar is not None:
            self._bar.stop()
