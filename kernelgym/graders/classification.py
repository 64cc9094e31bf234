"""Multi-label classification graded by precision, recall and F-beta over label sets."""
from __future__ import annotations

import json
from collections.abc import Iterable

MAX_LABELS = 10_000


def parse_labels(text: str) -> list[str]:
    """Labels from a model's answer: a JSON array of strings, or text separated by commas, semicolons or lines.

    Malformed JSON is not an error: brackets and quotes are stripped and the rest is split on separators, so
    ``'["spam", "ads"'`` still yields both labels. At most ``MAX_LABELS`` labels are kept.

    >>> parse_labels('["sports", "politics"]')
    ['sports', 'politics']
    >>> parse_labels("sports, politics\\nweather")
    ['sports', 'politics', 'weather']
    >>> parse_labels('["spam", "ads"')
    ['spam', 'ads']
    """
    text = text.strip()
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        value = None
    if isinstance(value, list):
        return [str(item).strip() for item in value[:MAX_LABELS] if str(item).strip()]
    for char in "[]\"'":
        text = text.replace(char, "")
    for separator in (";", "\n"):
        text = text.replace(separator, ",")
    return [label.strip() for label in text.split(",", MAX_LABELS)[:MAX_LABELS] if label.strip()]


def multilabel_f1(predicted: Iterable[str] | str, expected: Iterable[str] | str, beta: float = 1.0,
                  normalize: bool = True) -> dict[str, float]:
    """Precision, recall and F1 (and F-beta when ``beta != 1``) of a predicted label set against the expected one.

    Labels are compared as sets (duplicates count once). An empty prediction scores 0 on every measure, also when
    nothing was expected: F1 cannot tell "rightly nothing" from "said nothing", so grade tasks whose answer may be
    the empty set with :func:`kernelgym.graders.string_check` instead.

    Args:
        predicted: The model's labels, or its raw answer text (parsed by :func:`parse_labels`).
        expected: The true labels, or text in the same forms.
        beta: Weight of recall against precision: 2 gives F2, for tasks where missing a label costs more than
            adding a wrong one. Must be positive.
        normalize: Compare labels after stripping whitespace and case-folding.

    Returns:
        ``{"precision", "recall", "f1"}``, plus ``f"f{beta:g}"`` (for example ``"f2"``) when ``beta != 1``.

    >>> multilabel_f1(["a", "b"], ["b", "c"])
    {'precision': 0.5, 'recall': 0.5, 'f1': 0.5}
    >>> scores = multilabel_f1(["a"], ["a", "b", "c"], beta=2)
    >>> round(scores["f2"], 4), round(scores["f1"], 4)
    (0.3846, 0.5)
    >>> multilabel_f1([], ["a"])
    {'precision': 0.0, 'recall': 0.0, 'f1': 0.0}
    """
    if not beta > 0:
        raise ValueError(f"beta must be positive, got {beta}")
    guess, truth = _label_set(predicted, normalize), _label_set(expected, normalize)
    hits = len(guess & truth)
    precision = hits / len(guess) if guess else 0.0
    recall = hits / len(truth) if truth and guess else 0.0
    scores = {"precision": precision, "recall": recall, "f1": _f_beta(precision, recall, 1.0)}
    if beta != 1:
        scores[f"f{beta:g}"] = _f_beta(precision, recall, beta)
    return scores


def _label_set(labels: Iterable[str] | str, normalize: bool) -> set[str]:
    if isinstance(labels, str):
        labels = parse_labels(labels)
    out = set()
    for count, label in enumerate(labels):
        if count >= MAX_LABELS:
            break
        label = str(label)
        out.add(label.strip().casefold() if normalize else label)
    out.discard("")
    return out


def _f_beta(precision: float, recall: float, beta: float) -> float:
    if precision == 0 or recall == 0:
        return 0.0
    b2 = beta * beta
    return (1 + b2) * precision * recall / (b2 * precision + recall)
