"""Answer parsing: pull the one Python block out of a completion and check its shape with ``ast``.

The prompt asks for exactly one fenced block (```python ... ```), or, when a prompt uses tags, one
``<TAG>...</TAG>`` block. The parser accepts nothing else and says precisely what is wrong otherwise.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from . import safe_ast

# A fence opens at the start of a line with ``` plus an optional language, and closes at a line of ```.
_FENCE = re.compile(r"^```[ \t]*([A-Za-z0-9_+-]*)[ \t]*\n(.*?)^```[ \t]*$", re.S | re.M)
_PYTHON_TAGS = {"python", "py", "python3", ""}


class FormatError(ValueError):
    """The completion does not have the required format; the message is short and specific."""


@dataclass
class ParsedAnswer:
    """A candidate's source that passed the format checks.

    Attributes:
        source: The Python source of the answer.
        kernels: Names of the ``@triton.jit`` functions it defines.
    """

    source: str
    kernels: list[str] = field(default_factory=list)


def extract_block(completion: str, tag: str | None = None, allow_plain_source: bool = False) -> str:
    """Return the single Python block of a completion.

    Args:
        completion: The model's full answer.
        tag: If given, the block must be wrapped in ``<tag>...</tag>`` instead of a fence.
        allow_plain_source: Accept a completion that is itself plain Python (used by ``kernelgym eval``).

    Raises:
        FormatError: No block, or more than one.
    """
    if tag:
        blocks = re.findall(rf"<{re.escape(tag)}>(.*?)</{re.escape(tag)}>", completion, re.S)
        blocks = [_strip_inner_fence(b) for b in blocks]
        where = f"<{tag}>...</{tag}> block"
    else:
        blocks = [body for lang, body in _FENCE.findall(completion) if lang.lower() in _PYTHON_TAGS]
        where = "```python code block"
    if len(blocks) == 1:
        return blocks[0]
    if len(blocks) > 1:
        raise FormatError(f"found {len(blocks)} {where}s; answer with exactly one")
    if allow_plain_source and _is_python(completion):
        return completion
    raise FormatError(f"no {where} found; put the whole answer in one {where}")


def parse_answer(completion: str, tag: str | None = None, allow_plain_source: bool = False) -> ParsedAnswer:
    """Extract and validate an answer.

    >>> parse_answer("no code here")
    Traceback (most recent call last):
    ...
    kernelgym.parsing.FormatError: no ```python code block found; put the whole answer in one ```python code block

    Raises:
        FormatError: Wrong format, text that is not valid Unicode, a syntax error, no ``class ModelNew`` or no
            ``@triton.jit`` kernel.
    """
    if not completion.strip():
        raise FormatError("the answer is empty: put the whole answer in one ```python code block")
    try:
        completion.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate (JSON can carry one): no parser or file takes it
        raise FormatError(f"the answer is not valid Unicode (character {exc.start} is a lone surrogate)") from None
    source = extract_block(completion, tag=tag, allow_plain_source=allow_plain_source)
    if not source.strip():
        raise FormatError("the code block is empty")
    try:
        tree = safe_ast.parse(source)
    except SyntaxError as exc:
        raise FormatError(f"syntax error on line {exc.lineno} of the code block: {exc.msg}") from None
    if not any(isinstance(node, ast.ClassDef) and node.name == "ModelNew" for node in ast.walk(tree)):
        raise FormatError("the code block defines no `class ModelNew(nn.Module)`")
    kernels = [node.name for node in ast.walk(tree)
               if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _is_triton_kernel(node)]
    if not kernels:
        raise FormatError("the code block defines no `@triton.jit` kernel")
    return ParsedAnswer(source=source, kernels=kernels)


def _strip_inner_fence(block: str) -> str:
    match = _FENCE.search(block.strip() + "\n")
    return match.group(2) if match else block


def _is_python(text: str) -> bool:
    try:
        safe_ast.parse(text)
    except SyntaxError:
        return False
    return True


def _is_triton_kernel(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A function decorated with ``triton.jit``/``jit`` (possibly under autotune or heuristics decorators)."""
    for decorator in func.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
        if name == "jit":
            return True
    return False
