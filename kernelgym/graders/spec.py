"""Graders built from OpenAI RFT grader configs, so that a config written for OpenAI's fine-tuning API runs here.

:func:`from_spec` takes the same JSON object (or its text) that OpenAI's ``grader`` field takes and returns a
callable ``grader(sample, item) -> float`` over a sample (``{"output_text": ...}``, or the model's text) and an
item (the dataset row). Supported ``type`` values and fields:

- ``string_check``: ``input``, ``reference``, ``operation`` (``eq``, ``ne``, ``like``, ``ilike``);
- ``text_similarity``: ``input``, ``reference``, ``evaluation_metric`` (see
  :data:`kernelgym.graders.similarity.METRICS`); ``pass_threshold`` is accepted and does not change the score;
- ``python``: ``source`` defining ``grade(sample, item)`` (``image_tag`` is accepted and ignored);
- ``score_model``: ``input`` (OpenAI-style messages), ``model``, ``range`` (default ``[0, 1]``, as OpenAI's; a
  :class:`kernelgym.graders.judge.ScoreModelConfig` built directly defaults to ``(0, 10)``), ``sampling_params``
  (default: :class:`~kernelgym.graders.judge.ScoreModelConfig`'s, temperature 0), plus two fields OpenAI does not
  need: ``base_url`` of the OpenAI-compatible endpoint and ``api_key_env``;
- ``multi``: ``graders`` (name to spec) and ``calculate_output`` (the formula).

Templates use OpenAI's ``{{sample.output_text}}``, ``{{sample.output_json.x}}`` and ``{{item.x}}`` (see
:mod:`kernelgym.graders.templates`). A malformed config (bad JSON, an unknown type, a missing field) raises
``ValueError`` when it is built.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from .combine import FUNCTIONS, MultiGrade, check_formula, safe_evaluate
from .extras import EXTRA_TYPES, extra_grader
from .templates import render, sample_of

TYPES = ("string_check", "text_similarity", "python", "score_model", "multi")  # OpenAI's
ALL_TYPES = TYPES + EXTRA_TYPES  # and KernelGym's own (:mod:`.extras`)


def from_spec(spec: dict | str, sandbox=None) -> Callable[[dict | str, dict], float]:
    """A grader ``(sample, item) -> float`` from an OpenAI-style grader config.

    Args:
        spec: The config, as a dict or as JSON text.
        sandbox: For ``python`` graders (also inside ``multi``): a :class:`kernelgym.grader.Grader` to run them
            in; by default each starts its own (call ``close()`` on the returned grader to stop it).

    Raises:
        ValueError: Malformed JSON, an unknown ``type`` or a missing or bad field.

    >>> grade = from_spec({"type": "string_check", "name": "label", "operation": "eq",
    ...                    "input": "{{sample.output_json.label}}", "reference": "{{item.label}}"})
    >>> grade('{"label": "spam"}', {"label": "spam"}), grade('{"label": "sp', {"label": "spam"})
    (1.0, 0.0)
    >>> from_spec('{"type": "string_check", "input": ')
    Traceback (most recent call last):
    ...
    ValueError: the grader config is not valid JSON: Expecting value at line 1 column 35
    """
    if isinstance(spec, (str, bytes)):
        try:
            spec = json.loads(spec)
        except (ValueError, RecursionError) as exc:
            detail = f"{exc.msg} at line {exc.lineno} column {exc.colno}" if isinstance(exc, json.JSONDecodeError) \
                else "nested too deeply"
            raise ValueError(f"the grader config is not valid JSON: {detail}") from None
    if not isinstance(spec, dict):
        raise ValueError(f"a grader config is a JSON object, not {type(spec).__name__}")
    kind = spec.get("type")
    if kind in EXTRA_TYPES:
        return extra_grader(kind, spec)
    if kind not in TYPES:
        raise ValueError(f"unknown grader type {kind!r}; use one of {', '.join(ALL_TYPES)}")
    return _BUILDERS[kind](spec, sandbox)


def _field(spec: dict, name: str, kind: type | tuple = str) -> Any:
    if name not in spec:
        raise ValueError(f"a {spec['type']} grader needs the field {name!r}")
    if not isinstance(spec[name], kind):
        raise ValueError(f"field {name!r} of a {spec['type']} grader has the wrong type "
                         f"({type(spec[name]).__name__})")
    return spec[name]


def _context(sample: dict | str, item: dict) -> dict:
    return {"sample": sample_of(sample), "item": item}


def _string_check(spec: dict, sandbox) -> Callable:
    from .strings import OPERATIONS, string_check

    input, reference, operation = _field(spec, "input"), _field(spec, "reference"), _field(spec, "operation")
    if operation not in OPERATIONS:
        raise ValueError(f"unknown operation {operation!r}; use one of {', '.join(OPERATIONS)}")

    def grade(sample: dict | str, item: dict) -> float:
        context = _context(sample, item)
        return string_check(render(input, context), render(reference, context), operation)

    return grade


def _text_similarity(spec: dict, sandbox) -> Callable:
    from .similarity import METRICS, text_similarity

    input, reference = _field(spec, "input"), _field(spec, "reference")
    metric = _field(spec, "evaluation_metric")
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; use one of {', '.join(METRICS)}")

    def grade(sample: dict | str, item: dict) -> float:
        context = _context(sample, item)
        return text_similarity(render(input, context), render(reference, context), metric)

    return grade


def _python(spec: dict, sandbox) -> Callable:
    from .python import PythonGrader

    return PythonGrader(_field(spec, "source"), sandbox)


def _score_model(spec: dict, sandbox) -> Callable:
    from .judge import ScoreModelConfig, judge

    messages = _field(spec, "input", (list, str))
    if isinstance(messages, list) and not all(isinstance(m, dict) and "content" in m for m in messages):
        raise ValueError("the input of a score_model grader is a list of {role, content} messages")
    score_range = spec.get("range", [0, 1])
    if not (isinstance(score_range, list) and len(score_range) == 2):
        raise ValueError(f"range of a score_model grader is [min, max], not {score_range!r}")
    options = {key: spec[key] for key in ("base_url", "api_key_env") if key in spec}
    if spec.get("sampling_params") is not None:  # else ScoreModelConfig's default (temperature 0) stands
        if not isinstance(spec["sampling_params"], dict):
            raise ValueError(f"sampling_params of a score_model grader is a mapping, not "
                             f"{type(spec['sampling_params']).__name__}")
        options["sampling_params"] = dict(spec["sampling_params"])
    config = ScoreModelConfig(model=_field(spec, "model"), score_range=(float(score_range[0]), float(score_range[1])),
                              prompt=messages if isinstance(messages, str) else tuple(messages), **options)

    def grade(sample: dict | str, item: dict) -> float:
        context = _context(sample, item)
        context.update(input=context["sample"].get("output_text", ""), reference=item.get("reference", ""))
        return judge(config, context).score

    return grade


def _multi(spec: dict, sandbox) -> Callable:
    graders = _field(spec, "graders", dict)
    built = {name: from_spec(sub, sandbox) if isinstance(sub, (dict, str)) else sub for name, sub in graders.items()}
    return MultiGrader(built, _field(spec, "calculate_output"))


_BUILDERS = {"string_check": _string_check, "text_similarity": _text_similarity, "python": _python,
             "score_model": _score_model, "multi": _multi}


class MultiGrader:
    """Graders combined by a formula; callable as ``grader(sample, item) -> float``.

    Args:
        graders: Name to grader: a callable ``(sample, item) -> float`` or an OpenAI-style grader spec (a dict,
            built with :func:`kernelgym.graders.from_spec`). Names must be identifiers.
        formula: The combination, e.g. ``"0.7 * correct + 0.3 * style"``.

    Raises:
        ValueError: A bad name, a bad spec, or a formula that uses something other than the graders' names,
            numbers, ``+ - * /`` and ``min``, ``max``, ``abs``.
    """

    def __init__(self, graders: dict[str, Any], formula: str):
        for name in graders:
            if not (isinstance(name, str) and name.isidentifier()) or name in FUNCTIONS:
                raise ValueError(f"grader name {name!r} must be an identifier other than {', '.join(FUNCTIONS)}")
        self.graders = {name: g if callable(g) else from_spec(g) for name, g in graders.items()}
        self.formula = formula
        self._tree = check_formula(formula, set(graders))

    def __call__(self, sample: dict | str, item: dict) -> float:
        return self.details(sample, item).score

    def details(self, sample: dict | str, item: dict) -> MultiGrade:
        """The combined score and each grader's score."""
        sample = sample_of(sample)
        scores = {name: float(grader(sample, item)) for name, grader in self.graders.items()}
        value = safe_evaluate(self._tree, scores)
        if value is None:
            return MultiGrade(0.0, scores, "the formula's value is undefined (a division by zero) or not finite")
        return MultiGrade(value, scores)

    def close(self) -> None:
        """Close the graders that hold resources (sandboxed Python graders)."""
        for grader in self.graders.values():
            if hasattr(grader, "close"):
                grader.close()


def multi(graders: dict[str, Any], formula: str) -> MultiGrader:
    """Combine named graders with a formula; see :class:`MultiGrader`.

    >>> from kernelgym.graders import string_check
    >>> grader = multi({"exact": lambda s, i: string_check(s["output_text"], i["answer"]),
    ...                 "loose": lambda s, i: string_check(s["output_text"], i["answer"], "ilike")},
    ...                "0.8 * exact + 0.2 * loose")
    >>> grader({"output_text": "PARIS"}, {"answer": "Paris"})
    0.2
    """
    return MultiGrader(graders, formula)
