"""``kernelgym train`` and ``kernelgym sft``: the recipes of :mod:`kernelgym.agents`, with one option per field of
their configs (built by :mod:`kernelgym.agents.options`, which ``python -m kernelgym.agents.train`` uses too)."""
from __future__ import annotations

import argparse

from .output import error


def add_parsers(commands) -> None:
    """Add ``train`` and ``sft`` to the main parser's subcommands."""
    from ..agents.config import SFTRunConfig, TrainConfig
    from ..agents.options import add_arguments

    train = commands.add_parser("train", help="GRPO with LoRA (TRL + peft) on a mixture of environments",
                                description="GRPO with LoRA on TRL + peft, over one or more environments' train "
                                            "splits, validated on their validation splits with the same graders.")
    add_arguments(train, TrainConfig)
    train.set_defaults(run=run)
    sft = commands.add_parser("sft", help="supervised LoRA warm-up on the environments' reference answers",
                              description="Supervised LoRA warm-up (TRL's SFTTrainer) on the reference answers of "
                                          "the environments' train splits, in their prompt/answer format.")
    add_arguments(sft, SFTRunConfig)
    sft.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Make the run's config from the options and run the recipe; 2, with the option named, for a value the
    config refuses."""
    from ..agents.config import SFTRunConfig, TrainConfig
    from ..agents.options import from_args, option_message
    from ..field_checks import FieldError

    try:
        config = from_args(TrainConfig if args.command == "train" else SFTRunConfig, args)
    except FieldError as exc:
        return error(option_message(exc))
    if args.command == "train":
        from ..agents.train import train

        train(config)
    else:
        from ..agents.sft import sft

        sft(config)
    return 0
