"""Countdown (the numbers round, TinyZero's task): reach a target from given numbers with + - * / and parentheses.

The answer is parsed with ``ast`` (never evaluated by Python) and computed exactly with fractions. Accepted:
integers written in decimal, binary ``+ - * /`` and parentheses. Refused: names, calls, attributes, powers,
comparisons, unary minus (each number is used as it was given; ``-3`` is not one of the numbers), literals that
are not plain decimal integers, and a number used more times than it appears in ``numbers``. ``×``, ``÷`` and
``−`` are read as ``*``, ``/`` and ``-``.

An answer may be wrapped in ``<answer>...</answer>`` (the last such block is graded) and may carry one ``=`` with a
plain number on one side (``(6 - 2) * 25 = 100`` or ``100 = (6 - 2) * 25``): the expression side is graded and the
claimed value ignored (the value is computed, never taken from the answer).

Scores: ``CORRECT`` when the value equals the target; ``VALID_MISS`` for a valid expression over the given numbers
that misses it (TinyZero's "format score"); ``INVALID`` for anything else, division by zero included.
"""
from __future__ import annotations

import ast
import re
from collections import Counter
from fractions import Fraction

from .expression import BINARY_OPERATORS, SYMBOLS, ExpressionError, parse_expression
from .result import Grade
from .text import answer_block

CORRECT = 1.0
VALID_MISS = 0.1
INVALID = 0.0
MAX_CHARS = 300
MAX_DEPTH = 32
MAX_BITS = 512  # the largest numerator or denominator of any intermediate value, in bits

_INTEGER = re.compile(r"\d+")


class _Invalid(Exception):
    pass


def extract_expression(completion: str) -> str:
    """The expression to grade: the last ``<answer>`` block if any, without a ``= number`` side.

    >>> extract_expression("<think>25 * 4</think> <answer>(6 - 2) * 25 = 100</answer>")
    '(6 - 2) * 25'
    >>> extract_expression("100 = 25 * (6 - 2)")
    '25 * (6 - 2)'
    """
    block = answer_block(completion)
    text = (completion if block is None else block).strip()
    text = text.replace("×", "*").replace("÷", "/").replace("−", "-")
    if text.count("=") == 1 and "==" not in text:
        left, right = (side.strip() for side in text.split("="))
        if _INTEGER.fullmatch(right):
            return left
        if _INTEGER.fullmatch(left):
            return right
    return text


def countdown(expression: str, numbers: list[int], target: int, use_all: bool = False) -> float:
    """Score a Countdown answer: 1.0 if it reaches ``target``, 0.1 if valid but off, 0.0 otherwise.

    Args:
        expression: The model's answer (an expression, optionally in ``<answer>`` tags or with ``= number``).
        numbers: The numbers given; each may be used at most as many times as it appears here.
        target: The number to reach.
        use_all: Require every number to be used (TinyZero's rule); by default using fewer is fine.

    >>> countdown("(6 - 2) * 25", [25, 6, 2, 7], 100)
    1.0
    >>> countdown("25 + 6", [25, 6, 2, 7], 100)
    0.1
    >>> countdown("25 * 4", [25, 6, 2, 7], 100), countdown("__import__('os')", [1], 1)
    (0.0, 0.0)
    """
    return countdown_details(expression, numbers, target, use_all).score


def countdown_details(expression: str, numbers: list[int], target: int, use_all: bool = False) -> Grade:
    """:func:`countdown` with the reason for the score.

    >>> countdown_details("25 * 25", [25, 6], 100).reason
    'uses 25 more often than given (1 time)'
    """
    for value in (*numbers, target):
        if type(value) is not int:
            raise TypeError(f"numbers and target must be ints, got {value!r}")
    if not isinstance(expression, str):
        return Grade(INVALID, f"expected text, got {type(expression).__name__}")
    text = extract_expression(expression).strip()
    shown = text[:MAX_CHARS]
    try:
        tree = parse_expression(text, max_chars=MAX_CHARS, max_depth=MAX_DEPTH)
        used = _check(tree, text, Counter(numbers))
        if use_all and used != Counter(numbers):
            missing = sorted((Counter(numbers) - used).elements())
            raise _Invalid(f"does not use {', '.join(map(str, missing))}")
        value = _evaluate(tree)
    except (ExpressionError, _Invalid) as exc:
        return Grade(INVALID, str(exc), shown)
    if value == target:
        return Grade(CORRECT, "", shown)
    return Grade(VALID_MISS, f"the expression equals {_show(value)}, not {target}", shown)


def _check(tree: ast.expr, text: str, available: Counter) -> Counter:
    """Refuse every node but binary + - * / and decimal integer literals; return how often each number is used."""
    used: Counter = Counter()
    for node in ast.walk(tree):
        if isinstance(node, (ast.operator, ast.expr_context)):
            continue
        if isinstance(node, ast.BinOp):
            if type(node.op) not in BINARY_OPERATORS:
                raise _Invalid(f"operator {type(node.op).__name__} is not allowed; use + - * /")
        elif isinstance(node, ast.Constant):
            written = ast.get_source_segment(text, node) or ""
            if type(node.value) is not int or not _INTEGER.fullmatch(written.strip("() ")):
                raise _Invalid(f"{written or repr(node.value)} is not a plain decimal integer")
            used[node.value] += 1
            if used[node.value] > available[node.value]:
                given = available[node.value]
                raise _Invalid(f"uses {node.value} more often than given ({given} time{'s' * (given != 1)})"
                               if given else f"uses {node.value}, which is not one of the numbers")
        elif isinstance(node, ast.UnaryOp):
            raise _Invalid("unary operators are not allowed; use each number as given")
        else:
            raise _Invalid(f"{type(node).__name__} is not allowed; use numbers, + - * / and parentheses")
    return used


def _evaluate(node: ast.expr) -> Fraction:
    if isinstance(node, ast.Constant):
        return Fraction(node.value)
    left, right = _evaluate(node.left), _evaluate(node.right)
    if isinstance(node.op, ast.Div) and right == 0:
        raise _Invalid("divides by zero")
    value = BINARY_OPERATORS[type(node.op)](left, right)
    if max(value.numerator.bit_length(), value.denominator.bit_length()) > MAX_BITS:
        raise _Invalid(f"an intermediate value ({SYMBOLS[type(node.op)]}) is larger than {MAX_BITS} bits")
    return value


def _show(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
