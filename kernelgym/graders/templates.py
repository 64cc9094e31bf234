"""OpenAI-style ``{{ ... }}`` templates over a sample (the model's output) and an item (the dataset row).

``{{sample.output_text}}`` is the model's text; ``{{sample.output_json.field}}`` reads the text as JSON, also from a
single ```` ```json ```` block (derived from ``output_text`` by :func:`kernelgym.graders.text.output_json` when the
sample has no ``output_json``); ``{{item.field}}`` (with dots for nested fields
and digits for list indices) reads the dataset row. Values that are not strings are written as JSON.

A field the model should have produced but did not (malformed JSON, a missing key under ``sample``) renders as
the empty string, so the grader scores it low instead of crashing. A field missing from the item is a bug in the
config or the data and raises ``KeyError``.
"""
from __future__ import annotations

import json
import re
from typing import Any

from .text import output_json

FIELD = re.compile(r"\{\{\s*([A-Za-z_][\w.]*)\s*\}\}")
MISSING = object()  # what lookup returns for a path that is not there


def sample_of(output: str | dict) -> dict:
    """A sample dict (``output_text`` and ``output_json``) from the model's text or an existing sample.

    >>> sample_of('{"label": "spam"}')["output_json"]
    {'label': 'spam'}
    >>> sample_of('```json\\n{"label": "spam"}\\n```')["output_json"]
    {'label': 'spam'}
    >>> sample_of("not json")["output_json"] is None
    True
    """
    sample = {"output_text": output} if isinstance(output, str) else dict(output)
    if "output_json" not in sample:
        sample["output_json"] = output_json(str(sample.get("output_text", "")))
    return sample


def render(template: str, context: dict[str, Any]) -> str:
    """Fill every ``{{ path }}`` of ``template`` from ``context`` (usually ``{"sample": ..., "item": ...}``).

    >>> render("Is {{ sample.output_text }} a {{item.kind}}?", {"sample": {"output_text": "7"},
    ...                                                          "item": {"kind": "prime"}})
    'Is 7 a prime?'
    >>> render("{{sample.output_json.label}}", {"sample": sample_of("{broken"), "item": {}})
    ''
    """
    def fill(match: re.Match) -> str:
        path = match.group(1)
        value = lookup(context, path.split("."))
        if value is MISSING:
            if path.split(".")[0] == "sample":
                return ""
            raise KeyError(f"template field {{{{{path}}}}} is not in the item or the grader's context")
        return value if isinstance(value, str) else json.dumps(value)

    return FIELD.sub(fill, template)


def lookup(value: Any, parts: list[str]) -> Any:
    """The value at a template path (dict keys, list indices), or :data:`MISSING`.

    >>> lookup({"a": [1, {"b": 2}]}, ["a", "1", "b"]), lookup({"a": 1}, ["b"]) is MISSING
    (2, True)
    """
    for part in parts:
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return MISSING
    return value
