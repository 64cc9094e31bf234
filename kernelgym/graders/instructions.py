"""Verifiable writing instructions (IFEval's idea): word and sentence counts, required and forbidden words, JSON
output, a number of bullet points, all lowercase or all uppercase, an ending phrase; :func:`satisfied` checks one.

The instruction-following environment (:mod:`kernelgym.envs.ifeval`) generates requests with these constraints
and rewards the share an answer meets.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from .text import unfenced

KINDS = ("word_count", "sentence_count", "keywords", "forbidden_words", "json", "bullets", "case", "ending")

_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_BULLET = re.compile(r"^[ \t]*[*-][ \t]+\S", re.MULTILINE)


@dataclass(frozen=True)
class Constraint:
    """One verifiable instruction.

    Attributes:
        kind: One of :data:`KINDS`.
        description: The instruction as the prompt states it.
        count: Words (``word_count``), sentences (``sentence_count``) or bullet points (``bullets``).
        relation: ``at least`` or ``at most`` (``word_count``); ``exactly`` for sentence and bullet counts.
        words: Required (``keywords``) or forbidden (``forbidden_words``) words, matched as whole words, any case.
        text: The ending phrase (``ending``, compared without regard to case) or ``lower`` / ``upper`` (``case``).
    """

    kind: str
    description: str
    count: int = 0
    relation: str = ""
    words: tuple[str, ...] = ()
    text: str = ""


def words_of(text: str) -> list[str]:
    """The words of a text (letters and digits, with inner apostrophes and hyphens).

    >>> words_of("It's a well-known fact: 3 cats.")
    ["It's", 'a', 'well-known', 'fact', '3', 'cats']
    """
    return _WORD.findall(text)


def sentences_of(text: str) -> list[str]:
    """The sentences of a text: pieces ending in ``.``, ``!`` or ``?`` followed by space (the last may lack one).

    >>> sentences_of("One. Two? Three")
    ['One.', 'Two?', 'Three']
    """
    return [piece for piece in _SENTENCE_END.split(text.strip()) if _WORD.search(piece)]


def json_object(text: str) -> dict | None:
    """The JSON object that a whole answer is (optionally one ```` ```json ```` block), or None.

    >>> json_object('```json\\n{"a": 1}\\n```'), json_object('{"a": 1} and more'), json_object("[1]")
    ({'a': 1}, None, None)
    """
    try:
        value = json.loads(unfenced(text))
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _has_word(text: str, word: str) -> bool:
    return re.search(rf"(?<![^\W_]){re.escape(word)}(?![^\W_])", text, re.IGNORECASE) is not None


def satisfied(constraint: Constraint, text: str) -> bool:
    """Whether an answer meets one constraint. A blank answer meets none.

    >>> satisfied(Constraint("word_count", "", count=3, relation="at most"), "one two three")
    True
    >>> satisfied(Constraint("forbidden_words", "", words=("blue",)), "The sky is BLUE.")
    False
    """
    if not text.strip():
        return False
    kind = constraint.kind
    if kind == "word_count":
        n = len(words_of(text))
        return n >= constraint.count if constraint.relation == "at least" else 0 < n <= constraint.count
    if kind == "sentence_count":
        return len(sentences_of(text)) == constraint.count
    if kind == "keywords":
        return all(_has_word(text, word) for word in constraint.words)
    if kind == "forbidden_words":
        return not any(_has_word(text, word) for word in constraint.words)
    if kind == "json":
        return json_object(text) is not None
    if kind == "bullets":
        return len(_BULLET.findall(text)) == constraint.count
    if kind == "case":
        letters = any(c.isalpha() for c in text)
        return letters and text == (text.lower() if constraint.text == "lower" else text.upper())
    if kind == "ending":
        return text.strip().strip('"').casefold().endswith(constraint.text.casefold())
    raise ValueError(f"unknown constraint kind {kind!r}")
