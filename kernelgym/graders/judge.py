"""OpenAI's score model grader: an LLM judge behind any OpenAI-compatible endpoint (vLLM, SGLang, OpenAI).

The judge sees a prompt built from templates (see :mod:`kernelgym.graders.templates`: ``{{input}}`` is the model's
text, ``{{reference}}`` the reference answer, ``{{min}}`` and ``{{max}}`` the score range, plus
``{{sample.*}}`` and ``{{item.*}}``), replies with a number, and the number is clipped to the range and scaled to
[0, 1]. Anything that goes wrong on the judge's side (connection refused, an HTTP error, a timeout, a reply
without a score) scores 0.0 with a reason; it never raises. A broken config (a template field missing from the
item) raises, since it is a bug and not a model failure.

A reply may be JSON (``{"score": 7}``, or ``{"result": 0.7}`` as OpenAI's judges answer), contain
``score: 7``, or be a bare number; ``<think>...</think>`` and code fences are ignored.
"""
from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..field_checks import integer, is_number, number, require, string, url
from .result import Grade
from .templates import render, sample_of

DEFAULT_PROMPT = (
    {"role": "system",
     "content": "You grade answers. Compare the response with the reference answer and rate how correct and "
                "complete the response is, from {{min}} (wrong) to {{max}} (fully correct). Reply with only a "
                'JSON object such as {"score": {{max}}}.'},
    {"role": "user", "content": "Reference answer:\n{{reference}}\n\nResponse:\n{{input}}"},
)
MAX_REPLY = 20_000
_KEYS = ("score", "result", "rating", "grade")

_THINK = re.compile(r"<think>.*?</think>", re.DOTALL | re.IGNORECASE)
_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL)
_OBJECT = re.compile(r"\{[^{}]*\}")
_LABELLED = re.compile(r"\b(?:score|rating|result|grade)\b(?:\s+(?:is|of))?[\s:=*\"']*(-?\d+(?:\.\d+)?)", re.IGNORECASE)
_BARE = re.compile(r"\s*(-?\d+(?:\.\d+)?)\s*(?:/\s*\d+(?:\.\d+)?)?\s*\.?\s*")


@dataclass(frozen=True)
class ScoreModelConfig:
    """Where the judge lives, what it is asked and how its answer is read.

    Attributes:
        model: Model name as the endpoint knows it.
        base_url: The endpoint's OpenAI-compatible base URL (for vLLM, ``http://HOST:8000/v1``).
        api_key_env: Name of the environment variable that holds the API key (read at call time, never stored);
            when unset, the key ``"EMPTY"`` is sent, which local servers accept.
        prompt: One user message (a template string) or OpenAI-style messages (``{"role", "content"}`` dicts
            whose contents are templates).
        score_range: ``(min, max)`` of the judge's scale; replies are clipped to it and scaled to [0, 1].
        sampling_params: Extra arguments of the chat completion (``temperature``, ``top_p``, ``seed``,
            ``max_tokens``, ...). OpenAI RFT's ``max_completions_tokens`` is sent as ``max_tokens``.
        timeout_s: Seconds per HTTP request.
        max_retries: Retries of the OpenAI client on connection errors, 429 and 5xx.
    """

    model: str
    base_url: str = "http://127.0.0.1:8000/v1"
    api_key_env: str = "OPENAI_API_KEY"
    prompt: str | tuple[dict, ...] = DEFAULT_PROMPT
    score_range: tuple[float, float] = (0.0, 10.0)
    sampling_params: dict = field(default_factory=lambda: {"temperature": 0.0})
    timeout_s: float = 60.0
    max_retries: int = 2

    def __post_init__(self):
        """Refuse a bad field at once, naming it, rather than at the first judged sample."""
        string(self, "model")
        url(self, "base_url")
        string(self, "api_key_env")
        pair = self.score_range
        require(self, "score_range", isinstance(pair, (tuple, list)) and len(pair) == 2 and all(map(is_number, pair))
                and pair[0] < pair[1], "two finite numbers (min, max) with min < max")
        require(self, "sampling_params", isinstance(self.sampling_params, dict), "a dict of chat-completion arguments")
        number(self, "timeout_s", above=0)
        integer(self, "max_retries", minimum=0)


def score_model(input: str, reference: str, config: ScoreModelConfig, item: dict | None = None) -> float:
    """The judge's score of ``input`` against ``reference``, scaled to [0, 1]; 0.0 when the judge fails.

    Args:
        input: The model's text (``{{input}}`` and ``{{sample.output_text}}`` in templates).
        reference: The reference answer (``{{reference}}``).
        config: The judge and its prompt.
        item: The dataset row, for templates that use ``{{item.*}}``.

    >>> config = ScoreModelConfig(model="judge", base_url="http://127.0.0.1:9/v1", max_retries=0)
    >>> score_model("Paris", "Paris", config)  # nothing listens on port 9: scored 0.0, no exception
    0.0
    """
    return score_model_details(input, reference, config, item).score


def score_model_details(input: str, reference: str, config: ScoreModelConfig, item: dict | None = None) -> Grade:
    """:func:`score_model` with the reason and the judge's reply.

    >>> config = ScoreModelConfig(model="judge", base_url="http://127.0.0.1:9/v1", max_retries=0)
    >>> score_model_details("Paris", "Paris", config).reason
    'the judge request failed: APIConnectionError: Connection error.'
    """
    context = {"input": input, "reference": reference, "sample": sample_of(input), "item": item or {}}
    return judge(config, context)


def judge(config: ScoreModelConfig, context: dict) -> Grade:
    """Ask the judge with the prompt rendered from ``context``; see :func:`score_model_details`.

    >>> judge(ScoreModelConfig(model="m", base_url="http://127.0.0.1:9/v1", max_retries=0),
    ...       {"input": "4", "reference": "4", "sample": {}, "item": {}}).score
    0.0
    """
    low, high = config.score_range
    context = {"min": f"{low:g}", "max": f"{high:g}", **context}
    messages = ([{"role": "user", "content": config.prompt}] if isinstance(config.prompt, str)
                else [dict(m) for m in config.prompt])
    for message in messages:
        message["content"] = render(str(message.get("content", "")), context)
    params = dict(config.sampling_params)
    if "max_completions_tokens" in params:
        params["max_tokens"] = params.pop("max_completions_tokens")
    try:
        client = _client(config.base_url, os.environ.get(config.api_key_env) or "EMPTY", config.timeout_s,
                         config.max_retries)
        response = client.chat.completions.create(model=config.model, messages=messages, **params)
        reply = response.choices[0].message.content or ""
    except Exception as exc:  # the judge's failure, not ours: scored, never raised
        return Grade(0.0, f"the judge request failed: {type(exc).__name__}: {str(exc)[:300]}")
    value, why = parse_score(reply)
    if value is None:
        return Grade(0.0, why, reply[:MAX_REPLY])
    clipped = min(high, max(low, value))
    reason = f"the judge's score {value:g} is outside [{low:g}, {high:g}]; clipped" if clipped != value else ""
    return Grade((clipped - low) / (high - low), reason, reply[:MAX_REPLY])


def parse_score(reply: str) -> tuple[float | None, str]:
    """The number in a judge's reply, and why there is none.

    >>> parse_score('{"score": 8, "why": "close"}'), parse_score("Score: 7/10"), parse_score("6")
    ((8.0, ''), (7.0, ''), (6.0, ''))
    >>> parse_score('{"score": "high"')
    (None, "the judge's reply has no score")
    """
    if not isinstance(reply, str):
        return None, "the judge's reply is not text"
    text = _THINK.sub("", reply[:MAX_REPLY]).strip()
    fenced = _FENCE.search(text)
    if fenced:
        text = fenced.group(1).strip()
    for candidate in [text] + _OBJECT.findall(text):
        try:
            value = json.loads(candidate)
        except (ValueError, RecursionError):
            continue
        keyed = isinstance(value, dict) and any(k in value for k in _KEYS)
        if keyed:
            value = next(value[k] for k in _KEYS if k in value)
        number = _finite(value)
        if number is not None:
            return number, ""
        if keyed:
            return None, f"the judge's score {str(value)[:50]!r} is not a finite number"
    labelled = _LABELLED.findall(text)
    if labelled:
        return float(labelled[-1]), ""
    bare = _BARE.fullmatch(text)
    if bare:
        return float(bare.group(1)), ""
    return None, "the judge's reply has no score"


def _finite(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        value = float(value)
    except OverflowError:
        return None
    return value if math.isfinite(value) else None


@lru_cache(maxsize=16)
def _client(base_url: str, api_key: str, timeout_s: float, max_retries: int):
    from openai import OpenAI

    return OpenAI(base_url=base_url, api_key=api_key, timeout=timeout_s, max_retries=max_retries)
