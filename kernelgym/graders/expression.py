"""Parsing arithmetic written by someone else: ``ast`` with bounds, never ``eval``.

Shared by the Countdown grader (exact arithmetic over the given numbers) and the ``multi`` grader (a formula over
named scores). Each walks the tree itself and allows only its own node types; this module only turns text into a
bounded tree, refusing anything too long or too deep before Python's parser or a recursive walk could choke on it.
"""
from __future__ import annotations

import ast
import operator

from .. import safe_ast

MAX_CHARS = 1000
MAX_DEPTH = 64

BINARY_OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
SYMBOLS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}


class ExpressionError(ValueError):
    """The text is not an expression that the caller accepts; the message says why."""


def parse_expression(text: str, max_chars: int = MAX_CHARS, max_depth: int = MAX_DEPTH) -> ast.expr:
    """Parse one Python expression and return its root node, within length and nesting bounds.

    Args:
        text: The expression.
        max_chars: Longest text accepted.
        max_depth: Deepest tree accepted (each operator or parenthesised group adds a level).

    Raises:
        ExpressionError: Too long, too deep, empty, or not an expression.

    >>> ast.dump(parse_expression("1 + 2"))
    'BinOp(left=Constant(value=1), op=Add(), right=Constant(value=2))'
    >>> parse_expression("(" * 300 + "1" + ")" * 300)
    Traceback (most recent call last):
    ...
    kernelgym.graders.expression.ExpressionError: nested too deeply
    """
    if not isinstance(text, str):
        raise ExpressionError(f"expected text, got {type(text).__name__}")
    text = text.strip()
    if not text:
        raise ExpressionError("empty expression")
    if len(text) > max_chars:
        raise ExpressionError(f"longer than {max_chars} characters")
    if _paren_depth(text) > max_depth:
        raise ExpressionError("nested too deeply")
    try:
        tree = safe_ast.parse(text, mode="eval")  # graders run in reward-function threads: see kernelgym.safe_ast
    except SyntaxError as exc:
        raise ExpressionError(f"not an expression: {exc.msg}") from None
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionError("not an expression the parser accepts") from None
    if tree_depth(tree.body) > max_depth:
        raise ExpressionError("nested too deeply")
    return tree.body


def _paren_depth(text: str) -> int:
    depth = deepest = 0
    for char in text:
        if char in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")]}":
            depth -= 1
    return deepest


def tree_depth(node: ast.AST) -> int:
    """Depth of an ``ast`` tree, computed without recursion.

    >>> tree_depth(ast.parse("1 + 2 * 3", mode="eval").body)
    3
    """
    deepest, stack = 0, [(node, 1)]
    while stack:
        current, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(current)
                     if not isinstance(child, (ast.operator, ast.unaryop, ast.expr_context)))
    return deepest
