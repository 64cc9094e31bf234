"""OpenAI's text similarity grader: fuzzy match, BLEU and ROUGE through their maintained libraries.

``fuzzy_match`` is RapidFuzz's normalised Indel similarity (``fuzz.ratio``); ``bleu`` is sacreBLEU's sentence BLEU
with its default tokenizer and smoothing; ``rouge_1`` ... ``rouge_5`` and ``rouge_l`` are Google's rouge-score
F-measures (no stemming). Every metric is scaled to [0, 1]. The libraries are imported on first use (the ``text``
extra installs them).
"""
from __future__ import annotations

from functools import lru_cache

METRICS = ("fuzzy_match", "bleu", "rouge_1", "rouge_2", "rouge_3", "rouge_4", "rouge_5", "rouge_l")
MAX_CHARS = 100_000  # longer texts are cut here: every metric is at least linear in length, some quadratic


def text_similarity(input: str, reference: str, metric: str = "fuzzy_match") -> float:
    """Similarity of the model's text to a reference, in [0, 1].

    Args:
        input: The model's text.
        reference: The reference text.
        metric: One of ``METRICS``.

    Raises:
        ValueError: An unknown metric (the message lists the valid ones).
        ImportError: The metric's library is not installed (``pip install 'kernelgym[text]'``).

    >>> text_similarity("the cat sat on the mat", "the cat sat on the mat", "bleu")
    1.0
    >>> round(text_similarity("kitten", "sitting"), 4)
    0.6154
    >>> round(text_similarity("the cat sat", "the cat ran", "rouge_1"), 4)
    0.6667
    """
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; use one of {', '.join(METRICS)}")
    input, reference = str(input)[:MAX_CHARS], str(reference)[:MAX_CHARS]
    if metric == "fuzzy_match":
        from rapidfuzz import fuzz

        return fuzz.ratio(input, reference) / 100.0
    if metric == "bleu":
        import sacrebleu

        return min(1.0, sacrebleu.sentence_bleu(input, [reference]).score / 100.0)
    name = "rougeL" if metric == "rouge_l" else f"rouge{metric[-1]}"
    return float(_rouge(name).score(reference, input)[name].fmeasure)


@lru_cache(maxsize=None)
def _rouge(name: str):
    from rouge_score import rouge_scorer

    return rouge_scorer.RougeScorer([name])
