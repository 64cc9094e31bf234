"""The command-line options of the recipes, generated from the fields of their configs.

One option per field of :class:`~kernelgym.agents.config.TrainConfig` or
:class:`~kernelgym.agents.config.SFTRunConfig` (``--learning-rate`` for ``learning_rate``), its help text from the
field's ``help``, so that the options and the saved config cannot drift apart. ``kernelgym train`` / ``kernelgym
sft`` (:mod:`kernelgym.cli.train`) and ``python -m kernelgym.agents.train`` / ``.sft`` (what ``accelerate launch
-m`` runs) both build their parsers here.
"""
from __future__ import annotations

import argparse
import dataclasses
import typing
from typing import Any

from ..field_checks import FieldError
from .config import TINY_GRPO, TINY_SFT, CommonConfig, TrainConfig, preset


def add_arguments(parser: argparse.ArgumentParser, cls: type[CommonConfig]) -> None:
    """One option per field of ``cls`` (``--learning-rate`` for ``learning_rate``), in groups, with its help.

    Every option defaults to None, meaning "the config's value" (which depends on ``--model``), so that
    :func:`from_args` can tell what the user set.
    """
    groups: dict[str, Any] = {}
    hints = typing.get_type_hints(cls)
    tiny = TINY_GRPO if cls is TrainConfig else TINY_SFT
    for f in dataclasses.fields(cls):
        meta = f.metadata
        group = groups.setdefault(meta["group"], parser.add_argument_group(meta["group"]))
        flag = "--" + f.name.replace("_", "-")
        default = f.default_factory() if f.default is dataclasses.MISSING else f.default
        notes = [] if "default" in meta["help"] else [f"default: {default}"]
        notes += [f"with --model tiny: {tiny[f.name]}"] if f.name in tiny else []
        shown = f" ({'; '.join(notes)})" if notes else ""
        kind = hints[f.name]
        if meta.get("repeat"):
            group.add_argument(flag, dest=f.name, action="append", default=None, metavar=meta.get("metavar"),
                               required=True, help=meta["help"])
        elif bool in (kind, *typing.get_args(kind)):
            group.add_argument(flag, dest=f.name, action=argparse.BooleanOptionalAction, default=None,
                               help=meta["help"] + shown)
        else:
            group.add_argument(flag, dest=f.name, type=_parser_of(kind), default=None, metavar=meta.get("metavar"),
                               choices=meta.get("choices"), help=meta["help"] + shown)


def _parser_of(kind: Any):
    """The argparse ``type`` of a field: int, float or str, and 'none' for an optional field's None."""
    args = [a for a in typing.get_args(kind) if a is not type(None)]
    base = args[0] if args else kind
    if type(None) not in typing.get_args(kind):
        return base

    def optional(text: str):
        return None if text.lower() == "none" else base(text)

    optional.__name__ = base.__name__
    return optional


def command_main(cls: type[CommonConfig], recipe, prog: str, description: str, argv: list[str] | None) -> int:
    """``python -m kernelgym.agents.train`` / ``.sft``: parse ``argv`` into a ``cls`` config and run ``recipe``."""
    parser = argparse.ArgumentParser(prog=prog, description=description,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(parser, cls)
    args = parser.parse_args(argv)
    try:
        config = from_args(cls, args)
    except FieldError as exc:
        parser.error(option_message(exc))
    recipe(config)
    return 0


def from_args(cls: type[CommonConfig], args: argparse.Namespace) -> CommonConfig:
    """The config of a run: the preset for ``--model``, with every option the user gave.

    Raises:
        kernelgym.field_checks.FieldError: An option's value is not allowed (:func:`option_message` words it).
        SystemExit: No ``--env`` was given.
    """
    config = preset(cls, args.model or cls.model)
    given = {f.name: getattr(args, f.name) for f in dataclasses.fields(cls) if getattr(args, f.name) is not None}
    config = dataclasses.replace(config, **given)
    if not config.env:
        raise SystemExit("give at least one environment: --env ID (kernelgym.list_envs() lists them)")
    return config


def option_message(error: FieldError) -> str:
    """A config's refusal of a field, with the option that set it.

    >>> from kernelgym.agents.config import TrainConfig
    >>> try:
    ...     TrainConfig(lora_r=0)
    ... except FieldError as exc:
    ...     print(option_message(exc))
    --lora-r: TrainConfig.lora_r must be an integer of at least 1, not 0
    """
    return f"--{error.field.replace('_', '-')}: {error}"
