"""The formula language of OpenAI's multi grader (:class:`kernelgym.graders.spec.MultiGrader`): named scores
combined by an arithmetic formula.

The formula (OpenAI's ``calculate_output``) may use the graders' names, numbers, ``+ - * /``, unary minus and
``min``, ``max``, ``abs``. It is parsed with ``ast`` and walked, never evaluated by Python, and it is checked when
the grader is built: an unknown name or a forbidden construct raises there, not in the middle of training.
A formula value that is undefined (division by zero) or not finite scores 0.0.
"""
from __future__ import annotations

import ast
import math
from collections.abc import Callable
from dataclasses import dataclass, field

from .expression import BINARY_OPERATORS, ExpressionError, parse_expression

FUNCTIONS: dict[str, Callable[..., float]] = {"min": min, "max": max, "abs": abs}
MAX_FORMULA_CHARS = 2000


@dataclass(frozen=True)
class MultiGrade:
    """The combined score and each grader's score.

    Attributes:
        score: The formula's value (0.0 where it is undefined or not finite).
        scores: Each named grader's score.
        reason: Why the score is 0.0 when the formula failed; else empty.
    """

    score: float
    scores: dict[str, float] = field(default_factory=dict)
    reason: str = ""


def check_formula(formula: str, names: set[str]) -> ast.expr:
    """Parse a formula and refuse anything but ``names``, numbers, ``+ - * /``, unary ``-`` and ``min/max/abs``.

    Raises:
        ValueError: The formula uses something else (the message names it).

    >>> ast.dump(check_formula("-a", {"a"}))
    "UnaryOp(op=USub(), operand=Name(id='a', ctx=Load()))"
    >>> check_formula("__import__('os')", {"a"})
    Traceback (most recent call last):
    ...
    ValueError: the formula may not call __import__; only min, max, abs
    """
    try:
        tree = parse_expression(formula, max_chars=MAX_FORMULA_CHARS)
    except ExpressionError as exc:
        raise ValueError(f"bad formula {formula[:100]!r}: {exc}") from None
    called = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    for node in ast.walk(tree):
        if isinstance(node, (ast.operator, ast.unaryop, ast.expr_context)):
            continue
        if isinstance(node, ast.BinOp) and type(node.op) in BINARY_OPERATORS:
            continue
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            continue
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            continue
        if isinstance(node, ast.Name):
            if node.id in names and id(node) not in called:
                continue
            if node.id in FUNCTIONS:
                if id(node) in called:
                    continue
                raise ValueError(f"{node.id} is a function; call it, e.g. {node.id}(a, b)")
            raise ValueError(f"the formula uses {node.id!r}, which is not a grader ({', '.join(sorted(names))})")
        if isinstance(node, ast.Call):
            target = node.func.id if isinstance(node.func, ast.Name) else ast.unparse(node.func)[:50]
            if target not in FUNCTIONS:
                raise ValueError(f"the formula may not call {target}; only {', '.join(FUNCTIONS)}")
            if node.keywords or not node.args or (target == "abs" and len(node.args) != 1):
                raise ValueError(f"bad arguments to {target} in the formula")
            continue
        raise ValueError(f"the formula may not use {type(node).__name__}; only names, numbers, + - * / and "
                         f"{', '.join(FUNCTIONS)}")
    return tree


def evaluate_formula(tree: ast.expr, scores: dict[str, float]) -> float:
    """The value of a formula checked by :func:`check_formula`.

    Raises:
        ZeroDivisionError: The formula divides by zero.

    >>> evaluate_formula(check_formula("0.5 * a + 0.5 * max(b, 0.2)", {"a", "b"}), {"a": 1.0, "b": 0.0})
    0.6
    """
    if isinstance(tree, ast.Constant):
        return float(tree.value)
    if isinstance(tree, ast.Name):
        return float(scores[tree.id])
    if isinstance(tree, ast.UnaryOp):
        value = evaluate_formula(tree.operand, scores)
        return -value if isinstance(tree.op, ast.USub) else value
    if isinstance(tree, ast.Call):
        return float(FUNCTIONS[tree.func.id](*(evaluate_formula(arg, scores) for arg in tree.args)))
    return BINARY_OPERATORS[type(tree.op)](evaluate_formula(tree.left, scores), evaluate_formula(tree.right, scores))


def safe_evaluate(tree: ast.expr, scores: dict[str, float]) -> float | None:
    """:func:`evaluate_formula`, or None where the value is undefined (division by zero) or not finite.

    >>> tree = check_formula("a / b", {"a", "b"})
    >>> safe_evaluate(tree, {"a": 1.0, "b": 4.0}), safe_evaluate(tree, {"a": 1.0, "b": 0.0})
    (0.25, None)
    """
    try:
        value = evaluate_formula(tree, scores)
    except (ZeroDivisionError, OverflowError):
        return None
    return value if math.isfinite(value) else None
