"""KernelGym's own graders in spec form (``math_answer``, ``multilabel_f1``, ``countdown``): the text graders of
this package behind the OpenAI graders' ``(sample, item) -> float`` signature and templates, so that a YAML spec
(:mod:`kernelgym.envs.spec`) or :func:`kernelgym.graders.from_spec` can name them like any other type.
"""
from __future__ import annotations

import json
from collections.abc import Callable

from .templates import FIELD, render

EXTRA_TYPES = ("math_answer", "multilabel_f1", "countdown")
Grader = Callable[[dict, dict], float]


def extra_grader(kind: str, config: dict) -> Grader:
    """One of KernelGym's own graders (:data:`EXTRA_TYPES`) from its spec.

    Raises:
        ValueError: An unknown or missing field, or a bad value.
    """
    allowed = {"type", "name", "input", "reference", "metric", "beta", "numbers", "target", "use_all"}
    extra = sorted(set(config) - allowed)
    if extra:
        raise ValueError(f"unknown field {extra[0]!r} for a {kind} grader")
    template = config.get("input", "{{ sample.output_text }}")
    needed = {"math_answer": ("reference",), "multilabel_f1": ("reference",), "countdown": ("numbers", "target")}
    for key in ("input",) + needed[kind]:
        value = template if key == "input" else config.get(key)
        if not isinstance(value, str):
            raise ValueError(f"a {kind} grader needs the text (template) field {key!r}")

    if kind == "math_answer":
        from .maths import math_answer

        def grade(sample: dict, item: dict) -> float:
            context = {"sample": sample, "item": item}
            return math_answer(render(template, context), render(config["reference"], context))

        return grade
    if kind == "multilabel_f1":
        from .classification import multilabel_f1

        metric, beta = config.get("metric", "f1"), config.get("beta", 1.0)
        if isinstance(beta, bool) or not isinstance(beta, (int, float)) or not beta > 0:
            raise ValueError(f"beta must be a positive number, not {beta!r}")
        allowed_metrics = ("precision", "recall", "f1") + ((f"f{beta:g}",) if beta != 1 else ())
        if metric not in allowed_metrics:
            raise ValueError(f"unknown metric {metric!r}; use one of {', '.join(allowed_metrics)}")

        def grade(sample: dict, item: dict) -> float:
            context = {"sample": sample, "item": item}
            return multilabel_f1(render(template, context), render(config["reference"], context), beta)[metric]

        return grade
    use_all = config.get("use_all", False)
    if not isinstance(use_all, bool):
        raise ValueError(f"use_all must be true or false, not {use_all!r}")
    for key in ("numbers", "target"):
        for path in FIELD.findall(config[key]):
            if path.split(".")[0] != "item":
                raise ValueError(f"{key}: {{{{ {path} }}}}: the numbers and the target read the row, as "
                            f"{{{{ item.FIELD }}}}")
    return CountdownGrader(template, config["numbers"], config["target"], use_all)


class CountdownGrader:
    """A ``countdown`` grader: each row's numbers and target are rendered and checked once, by :meth:`prepare`
    (when the spec is loaded), so a row whose numbers are not a list of ints fails then, not mid-training."""

    def __init__(self, template: str, numbers: str, target: str, use_all: bool):
        self.template, self.numbers, self.target, self.use_all = template, numbers, target, use_all
        self._puzzles: dict[int, tuple[dict, list[int], int]] = {}  # id(item) -> (item, numbers, target)

    def puzzle(self, item: dict) -> tuple[list[int], int]:
        """The row's numbers and target.

        Raises:
            ValueError: They do not render as a JSON list of ints and a JSON int.
        """
        cached = self._puzzles.get(id(item))
        if cached is not None and cached[0] is item:
            return cached[1], cached[2]
        from .templates import render

        context = {"item": item}
        try:
            numbers, target = json.loads(render(self.numbers, context)), json.loads(render(self.target, context))
        except (ValueError, RecursionError):
            numbers = target = None
        if not (isinstance(numbers, list) and all(type(n) is int for n in numbers) and type(target) is int):
            raise ValueError(f"numbers must render as a JSON list of ints and target as a JSON int, got "
                             f"{render(self.numbers, context)[:100]!r} and {render(self.target, context)[:100]!r}")
        return numbers, target

    def prepare(self, rows: list[tuple[str, str, dict]], error: Callable[[str], Exception]) -> None:
        """Render and check every row's puzzle now (``error(message)`` makes the exception to raise)."""
        for task_id, _, item in rows:
            try:
                self._puzzles[id(item)] = (item, *self.puzzle(item))
            except ValueError as exc:
                raise error(f"row {task_id!r}: {exc}") from None

    def __call__(self, sample: dict, item: dict) -> float:
        from .countdown_game import countdown
        from .templates import render

        numbers, target = self.puzzle(item)
        return countdown(render(self.template, {"sample": sample, "item": item}), numbers, target, self.use_all)
