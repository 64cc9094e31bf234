"""The ``kernelgym`` command line: ``eval`` grades one answer, ``check`` validates a problem suite,
``bench`` runs a policy over a suite, ``report`` writes or compares benchmark reports, ``doctor`` says what
grading can do on this machine, ``serve`` serves environments over OpenEnv, and ``train`` and ``sft`` run the
training recipes.

This package (with the recipes in :mod:`kernelgym.agents`) is the only part of KernelGym that parses arguments or
prints; the library does the work. One module per command family holds its options and its output
(:mod:`.eval`, :mod:`.check`, :mod:`.doctor`, :mod:`.bench` with ``report``, :mod:`.serve`, :mod:`.train` with
``sft``); :mod:`.options` holds the grading options that ``eval``, ``check`` and ``bench`` share, and
:mod:`.output` the error line, warnings, consoles and progress displays that several commands print.
"""
from __future__ import annotations

import argparse


def main(argv: list[str] | None = None) -> int:
    """Run the command that ``argv`` (default: the process's arguments) names; return its exit status."""
    from . import bench, check, doctor, eval, serve, train
    from .output import show_warnings

    parser = argparse.ArgumentParser(prog="kernelgym", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for family in (eval, check, doctor, bench, train, serve):
        family.add_parsers(commands)
    args = parser.parse_args(argv)
    show_warnings()
    return args.run(args)
