"""What graders read from a completion: the answer without the reasoning, an ``<answer>`` block, JSON in a fence.

Shared by the graders (:mod:`kernelgym.graders.templates`, :mod:`kernelgym.graders.countdown_game`) and the text
environments, so that ``{{ sample.output_json }}`` means the same thing everywhere.
"""
from __future__ import annotations

import json
from typing import Any


def output_text(completion: str, strip_thinking: bool = True) -> str:
    """What OpenAI's graders call ``sample.output_text``: the answer, without a reasoning model's reasoning.

    With ``strip_thinking``, the text after the last ``</think>``; "" while a ``<think>`` block is still open (a
    model that never finished thinking gave no answer).

    >>> output_text("<think>hmm</think>\\nHello."), output_text("<think>hmm"), output_text("Hi")
    ('\\nHello.', '', 'Hi')
    """
    if not strip_thinking:
        return completion
    if "</think>" in completion:
        return completion.rsplit("</think>", 1)[1]
    return "" if completion.lstrip().startswith("<think>") else completion


def unfenced(text: str) -> str:
    """The text inside a code fence that wraps the whole (stripped) text (```` ```json ... ``` ```` or
    ```` ``` ... ``` ````), else the stripped text; linear time, whatever the text.

    >>> unfenced('```json\\n{"a": 1}\\n```'), unfenced("  plain ")
    ('{"a": 1}', 'plain')
    """
    text = text.strip()
    if len(text) >= 6 and text.startswith("```") and text.endswith("```"):
        inner = text[3:-3]
        return (inner[4:] if inner[:4].lower() == "json" else inner).strip()
    return text


def answer_block(text: str) -> str | None:
    """The content of the last ``<answer>...</answer>`` block (any case), or None; linear time.

    >>> answer_block("<answer>1</answer> no, <ANSWER>2</ANSWER>"), answer_block("<answer>open")
    ('2', None)
    """
    lowered = text.lower()
    end = lowered.rfind("</answer>")
    start = lowered.rfind("<answer>", 0, end) if end >= 0 else -1
    return text[start + len("<answer>"):end] if start >= 0 else None


def output_json(text: str) -> Any:
    """The answer read as JSON (the whole text, or a single ```` ```json ```` block), or None.

    >>> output_json('```json\\n{"label": "spam"}\\n```'), output_json("spam")
    ({'label': 'spam'}, None)
    """
    for candidate in dict.fromkeys((text.strip(), unfenced(text))):
        try:
            return json.loads(candidate)
        except (ValueError, RecursionError):
            pass
    return None
