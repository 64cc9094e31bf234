"""The ``kernelgym`` command line: ``eval`` grades one answer, ``check`` validates a problem suite,
``bench`` runs a policy over a suite, ``report`` writes or compares benchmark reports, ``doctor`` says what
grading can do on this machine and ``serve`` serves environments over OpenEnv."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .grading_options import grader_options, require_device


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kernelgym", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    ev = commands.add_parser("eval", help="grade one answer to one problem")
    ev.add_argument("problem", type=Path, help="a KernelBench-format problem file")
    ev.add_argument("candidate", type=Path, help="a raw completion, or plain Python source defining ModelNew")
    ev.add_argument("--json", action="store_true", help="print one JSON object instead of a summary")
    grader_options(ev)

    ck = commands.add_parser("check", help="validate a suite: references pass, cheats are refused, no degenerate "
                                           "problems")
    ck.add_argument("root", nargs="?", type=Path, default=None,
                    help="a folder of problems, or one file (default: ./problems if there is one, else the built-in "
                         "suite)")
    ck.add_argument("--json", type=Path, help="also write the per-problem report to this JSON file")
    ck.add_argument("--workers", type=int, default=None, help="problems checked in parallel (default: cores)")
    ck.add_argument("--set", dest="overrides", action="append", default=[], metavar="NAME=VALUE",
                    help="override a module constant in every test case (e.g. --set BATCH=2 for a CPU smoke run "
                         "of a GPU-sized suite); repeatable")
    grader_options(ck)

    dr = commands.add_parser("doctor", help="what grading can do on this machine: sandbox layers, interpreter, "
                                            "compile check, CUDA in the sandbox",
                             description="Grades a reference in a real sandboxed child on CPU and, where a GPU is "
                                         "visible, on the GPU; names the sandbox layers in force and why any is "
                                         "missing; where CUDA fails in the sandbox, finds the layer that breaks it.")
    dr.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"],
                    help="check the CPU path, the GPU path, or both where a GPU is visible (default auto)")
    dr.add_argument("--layers", action="store_true", help="also try CUDA under each sandbox layer alone")
    dr.add_argument("--json", action="store_true", help="print one JSON object")

    from .bench.commands import add_commands as add_bench_commands

    add_bench_commands(commands, grader_options)

    from .agents.sft import add_arguments as add_sft_arguments
    from .agents.train import add_arguments as add_train_arguments

    tr = commands.add_parser("train", help="GRPO with LoRA (TRL + peft) on a mixture of environments",
                             description="GRPO with LoRA on TRL + peft, over one or more environments' train "
                                         "splits, validated on their validation splits with the same graders.")
    add_train_arguments(tr)
    sf = commands.add_parser("sft", help="supervised LoRA warm-up on the environments' reference answers",
                             description="Supervised LoRA warm-up (TRL's SFTTrainer) on the reference answers of "
                                         "the environments' train splits, in their prompt/answer format.")
    add_sft_arguments(sf)

    sv = commands.add_parser("serve", help="serve environments over OpenEnv (WebSocket sessions) on loopback",
                             description="Serve KernelGym environments as OpenEnv environments, each at "
                                         "http://HOST:PORT/<env_id>, graded on this machine's sandbox pool "
                                         "(needs the serve extra: pip install 'kernelgym[serve]').")
    from .serve.commands import add_arguments as add_serve_arguments

    add_serve_arguments(sv)

    args = parser.parse_args(argv)
    if args.command == "serve":
        from .serve.commands import run_command as run_serve

        return run_serve(args)
    if args.command in ("train", "sft"):
        from .agents import sft, train

        return (train if args.command == "train" else sft).run(args)
    if args.command in ("bench", "report"):
        from .bench.commands import run_command

        return run_command(args)
    if args.command == "doctor":
        from .doctor import run_command as run_doctor

        require_device(args.device)
        return run_doctor(args)
    if args.command == "eval":
        from .commands import run_eval

        return run_eval(args)
    from .check import run_check

    return run_check(args)


if __name__ == "__main__":
    sys.exit(main())
