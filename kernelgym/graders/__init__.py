"""Graders for text tasks: pure functions from a completion (and the expected answer) to a score.

Each lives in a small module and is loaded on first use, so ``import kernelgym.graders`` imports nothing heavy
(RapidFuzz, sacreBLEU, rouge-score, math-verify and the OpenAI client are imported inside the graders that use
them; ``pip install 'kernelgym[text]'`` installs them).

- :func:`multilabel_f1` (:mod:`.classification`): precision, recall, F1 / F-beta over label sets.
- :func:`math_answer` (:mod:`.maths`): the final number of a GSM8K / MATH answer; 1.0 / 0.1 / 0.0.
- :func:`countdown` (:mod:`.countdown_game`): an arithmetic expression over given numbers; 1.0 / 0.1 / 0.0.
- :func:`satisfied` (:mod:`.instructions`): whether an answer meets one verifiable writing instruction.
- OpenAI's RFT graders: :func:`string_check` (:mod:`.strings`), :func:`text_similarity` (:mod:`.similarity`),
  :func:`python_grader` (:mod:`.python`, sandboxed), :func:`score_model` (:mod:`.judge`, an LLM judge),
  :func:`multi` (:mod:`.spec`, its formula language in :mod:`.combine`), and :func:`from_spec` (:mod:`.spec`),
  which builds any of them from an OpenAI grader config.

>>> from kernelgym import graders
>>> graders.countdown("(6 - 2) * 25", [25, 6, 2], 100), graders.string_check("yes", "yes")
(1.0, 1.0)
"""
from __future__ import annotations

import importlib

_HOMES = {
    "Grade": "result",
    "multilabel_f1": "classification", "parse_labels": "classification",
    "math_answer": "maths", "math_answer_details": "maths", "extract_answer": "maths", "parse_number": "maths",
    "countdown": "countdown_game", "countdown_details": "countdown_game", "extract_expression": "countdown_game",
    "string_check": "strings",
    "text_similarity": "similarity",
    "PythonGrader": "python", "python_grader": "python",
    "ScoreModelConfig": "judge", "score_model": "judge", "score_model_details": "judge",
    "MultiGrader": "spec", "multi": "spec",
    "from_spec": "spec",
    "Constraint": "instructions", "satisfied": "instructions",
}
__all__ = sorted(_HOMES)


def __getattr__(name: str):
    if name in _HOMES:
        return getattr(importlib.import_module(f".{_HOMES[name]}", __name__), name)
    raise AttributeError(f"module 'kernelgym.graders' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
