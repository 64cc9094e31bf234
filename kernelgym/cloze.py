"""Kernel cloze tasks, statically: find the pieces of a reference solution's Triton kernels that can be blanked out,
blank them, offer wrong candidates for a blank, and splice a model's fills back in.

Everything here works on source text with :mod:`ast` and runs nothing: the spliced source is graded by the
sandboxed grader like any other answer. A *piece* is one expression inside a ``@triton.jit`` function, of one of
these kinds:

- ``store``: the value a kernel stores (``tl.store(ptr, VALUE, ...)``); when ``VALUE`` is a plain name, the
  expression last assigned to it before the store (``out = x * tl.sigmoid(x)``);
- ``mask``: a load's or store's ``mask=`` (or the expression assigned to the name it passes);
- ``offset``: the pointer a load or store reads (``x_ptr + offsets``), or an expression built on ``tl.arange``;
- ``reduction``: a call of ``tl.sum``, ``tl.max``, ``tl.min``, ``tl.argmax``, ... ;
- ``constexpr``: a ``tl.constexpr`` parameter passed to a call (``tl.arange(0, BLOCK_SIZE)``).

A fill must be exactly one Python expression (:func:`parse_fill`); it is spliced in parentheses, from its own
parsed form, so that it can never reach outside its blank.
"""
from __future__ import annotations

import ast
import hashlib
import random
from dataclasses import dataclass

from . import safe_ast

KINDS = ("store", "mask", "offset", "reduction", "constexpr")
REDUCTIONS = {"sum", "max", "min", "argmax", "argmin", "cumsum", "cumprod", "reduce", "xor_sum", "associative_scan"}
MAX_FILL_CHARS = 2000


class FillError(ValueError):
    """A fill is not a single Python expression (a format failure of the answer, never a crash)."""


@dataclass(frozen=True)
class Piece:
    """One maskable expression of a solution's source.

    Attributes:
        kind: One of :data:`KINDS`.
        kernel: The ``@triton.jit`` function it lives in.
        start: ``(line, column)`` of its first character (lines from 1, columns from 0, as :mod:`ast` counts).
        end: ``(line, column)`` just past its last character.
        text: Its source text.
    """

    kind: str
    kernel: str
    start: tuple[int, int]
    end: tuple[int, int]
    text: str

    def overlaps(self, other: "Piece") -> bool:
        """True when the two pieces share a character."""
        return self.start < other.end and other.start < self.end


def find_pieces(source: str) -> list[Piece]:
    """Every maskable piece of the ``@triton.jit`` functions of ``source``, in source order, without duplicates
    (an expression of two kinds, such as a stored reduction, is kept as a ``store``).

    >>> src = ("import triton\\nimport triton.language as tl\\n@triton.jit\\n"
    ...        "def k(x_ptr, o_ptr, n, B: tl.constexpr):\\n"
    ...        "    offs = tl.program_id(0) * B + tl.arange(0, B)\\n"
    ...        "    x = tl.load(x_ptr + offs, mask=offs < n)\\n"
    ...        "    tl.store(o_ptr + offs, tl.maximum(x, 0.0), mask=offs < n)\\n")
    >>> [(p.kind, p.text) for p in find_pieces(src)][:4]
    [('offset', 'tl.program_id(0) * B + tl.arange(0, B)'), ('constexpr', 'B'), ('offset', 'x_ptr + offs'), ('mask', 'offs < n')]
    >>> [p.text for p in find_pieces(src) if p.kind == "store"]
    ['tl.maximum(x, 0.0)']
    """
    tree = safe_ast.parse(source)
    pieces: dict[tuple, Piece] = {}
    for func in tree.body:
        if isinstance(func, ast.FunctionDef) and _is_jit(func):
            for kind, node in _kernel_pieces(func):
                piece = Piece(kind, func.name, (node.lineno, node.col_offset), (node.end_lineno, node.end_col_offset),
                              ast.get_source_segment(source, node) or "")
                if kind == "store" or (piece.start, piece.end) not in pieces:  # a stored value is a store first
                    pieces[(piece.start, piece.end)] = piece
    return sorted(pieces.values(), key=lambda p: (p.start, p.end))


def _is_jit(func: ast.FunctionDef) -> bool:
    for decorator in func.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Attribute) and target.attr == "jit":
            return True
    return False


def _tl_call(node: ast.AST, names: set[str] | None = None) -> str | None:
    """The function name of a ``tl.NAME(...)`` call (or a method call ``x.NAME(...)``), when it is in ``names``."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if names is None or node.func.attr in names:
            return node.func.attr
    return None


def _kernel_pieces(func: ast.FunctionDef):
    """``(kind, node)`` pairs of one kernel, in the order they are met."""
    constexprs = {arg.arg for arg in func.args.args
                  if arg.annotation is not None and "constexpr" in ast.unparse(arg.annotation)}
    assigned: list[tuple[int, str, ast.expr]] = []  # (line, name, value) of every single-name (augmented) assignment
    for node in ast.walk(func):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            assigned.append((node.lineno, node.targets[0].id, node.value))
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            assigned.append((node.lineno, node.target.id, node.value))

    def definition(name: ast.expr, before: int) -> ast.expr:
        """The expression last written to a plain name before a line (the node itself when there is none): for an
        accumulator (``acc = tl.zeros(...)``, then ``acc += tl.dot(a, b)`` in a loop) the update, not the zeros."""
        if not isinstance(name, ast.Name):
            return name
        earlier = [value for line, target, value in assigned if target == name.id and line < before]
        return earlier[-1] if earlier else name

    found = []
    for node in ast.walk(func):
        if isinstance(node, ast.Assign) and any(_tl_call(n, {"arange"}) for n in ast.walk(node.value)):
            if _tl_call(node.value, {"arange"}) is None:
                found.append(("offset", node.value))
        call = _tl_call(node, {"load", "store"})
        if call:
            if node.args:
                found.append(("offset", definition(node.args[0], node.lineno)))
            for keyword in node.keywords:
                if keyword.arg == "mask":
                    found.append(("mask", definition(keyword.value, node.lineno)))
            if call == "store" and len(node.args) > 1:
                found.append(("store", definition(node.args[1], node.lineno)))
        if _tl_call(node, REDUCTIONS):
            found.append(("reduction", node))
        if isinstance(node, ast.Call):
            for arg in [*node.args, *(k.value for k in node.keywords)]:
                if isinstance(arg, ast.Name) and arg.id in constexprs:
                    found.append(("constexpr", arg))
    return sorted(found, key=lambda item: (item[1].lineno, item[1].col_offset))


def blank(index: int, count: int) -> str:
    """The marker of a blank in the prompt: ``<BLANK>`` alone, ``<BLANK_1>``, ``<BLANK_2>``, ... among several.

    >>> blank(0, 1), blank(1, 2)
    ('<BLANK>', '<BLANK_2>')
    """
    return "<BLANK>" if count == 1 else f"<BLANK_{index + 1}>"


def _replace(source: str, pieces: list[Piece], texts: list[str]) -> str:
    """``source`` with each piece's text replaced (pieces must not overlap)."""
    offsets = _line_offsets(source)
    spans = sorted(((offsets[p.start[0] - 1] + _char_col(source, offsets, p.start),
                     offsets[p.end[0] - 1] + _char_col(source, offsets, p.end), text)
                    for p, text in zip(pieces, texts)), reverse=True)
    for begin, end, text in spans:
        source = source[:begin] + text + source[end:]
    return source


def _line_offsets(source: str) -> list[int]:
    offsets, total = [], 0
    for line in source.splitlines(keepends=True):
        offsets.append(total)
        total += len(line)
    return offsets + [total]


def _char_col(source: str, offsets: list[int], position: tuple[int, int]) -> int:
    """:mod:`ast` columns count UTF-8 bytes; the character column of ``position`` within its line."""
    line_no, byte_col = position
    line = source[offsets[line_no - 1]:offsets[line_no]]
    return len(line.encode()[:byte_col].decode(errors="ignore"))


def mask(source: str, pieces: list[Piece]) -> str:
    """``source`` with each piece (in the given order) replaced by its blank marker."""
    return _replace(source, pieces, [blank(i, len(pieces)) for i in range(len(pieces))])


def masked_kernels(source: str, pieces: list[Piece]) -> str:
    r"""The ``@triton.jit`` functions of ``source`` (decorators included, and whatever lies between them), with each
    piece replaced by its blank marker: what a cloze prompt shows.

    >>> src = "import triton\n@triton.jit\ndef k(o_ptr, x):\n    tl.store(o_ptr, x + 1)\n\ndef host():\n    pass\n"
    >>> print(masked_kernels(src, [p for p in find_pieces(src) if p.kind == "store"]))
    @triton.jit
    def k(o_ptr, x):
        tl.store(o_ptr, <BLANK>)
    """
    tree = safe_ast.parse(source)
    kernels = [f for f in tree.body if isinstance(f, ast.FunctionDef) and _is_jit(f)]
    if not kernels:
        return ""
    first = min(d.lineno for d in kernels[0].decorator_list)
    last = kernels[-1].end_lineno
    removed = sum(p.end[0] - p.start[0] for p in pieces)  # lines a multi-line piece loses to its one-line marker
    return "\n".join(mask(source, pieces).splitlines()[first - 1:last - removed])


def parse_fill(text: str) -> str:
    """The normalised source of a fill: exactly one Python expression, unparsed from its own tree.

    Raises:
        FillError: Empty, too long, not an expression, or more than one.

    >>> parse_fill("  tl.maximum(x,0.0) ")
    'tl.maximum(x, 0.0)'
    >>> parse_fill("x)\\n    return (x")
    Traceback (most recent call last):
    ...
    kernelgym.cloze.FillError: the fill is not a single Python expression: unmatched ')' (line 1)
    """
    text = text.strip()
    if not text:
        raise FillError("the fill is empty")
    if len(text) > MAX_FILL_CHARS:
        raise FillError(f"the fill is longer than {MAX_FILL_CHARS} characters")
    try:
        tree = safe_ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise FillError(f"the fill is not a single Python expression: {exc.msg} (line {exc.lineno})") from None
    except (RecursionError, MemoryError, ValueError) as exc:
        raise FillError(f"the fill is not a single Python expression: {type(exc).__name__}") from None
    return ast.unparse(tree.body)


def splice(source: str, pieces: list[Piece], fills: list[str]) -> str:
    """The solution ``source`` with each piece replaced by its fill, in parentheses.

    Raises:
        FillError: A fill is not one expression, the counts differ, or the result does not parse.
    """
    if len(fills) != len(pieces):
        raise FillError(f"{len(pieces)} blank(s) but {len(fills)} fill(s); answer each blank once, in order")
    spliced = _replace(source, pieces, [f"({parse_fill(fill)})" for fill in fills])
    try:
        safe_ast.parse(spliced)
    except SyntaxError as exc:  # e.g. a starred or yield expression that only parses on its own
        raise FillError(f"the kernel with this fill does not parse: {exc.msg}") from None
    return spliced


def stable_rng(*parts: str) -> random.Random:
    """A random generator seeded by a hash of ``parts``: the same task always makes the same choices."""
    return random.Random(int(hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:16], 16))


def candidates(piece: Piece, rng: random.Random, count: int = 4) -> list[str]:
    """``count`` answer choices for a blank: the piece itself and ``count - 1`` plausible wrong variants of it
    (an operator, a constant, a function or two arguments changed; the sign flipped; a term or a call dropped), shuffled.

    Fewer come back when the piece has fewer variants.

    >>> choices = candidates(Piece("store", "k", (1, 0), (1, 18), "tl.maximum(x, 0.0)"), random.Random(0))
    >>> len(choices), "tl.maximum(x, 0.0)" in choices
    (4, True)
    """
    right = parse_fill(piece.text)
    wrong = [v for v in dict.fromkeys(_variants(right)) if v != right]
    chosen = rng.sample(wrong, min(count - 1, len(wrong))) + [right]
    rng.shuffle(chosen)
    return chosen


_TORCH_FUNCTIONS = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div"}


def torch_form(expression: str) -> str:
    """The expression as PyTorch code, the way a model that does not know Triton might fill the blank: every
    ``tl.NAME`` becomes ``torch.NAME``; an expression without ``tl`` gets a ``torch`` function at its top (``+ - *
    /`` become ``torch.add``, ``sub``, ``mul``, ``div``; anything else is wrapped in ``torch.as_tensor``).

    PyTorch cannot run inside a ``@triton.jit`` function, so this is a wrong fill; the grader decides, as for every
    candidate (the tests grade each task's torch form through the sandbox).

    >>> torch_form("tl.where(x > 0.0, x, tl.exp(x) - 1.0)")
    'torch.where(x > 0.0, x, torch.exp(x) - 1.0)'
    >>> torch_form("0.5 * x * (1.0 + t)"), torch_form("a[:, None]")
    ('torch.mul(0.5 * x, 1.0 + t)', 'torch.as_tensor(a[:, None])')
    """
    tree = safe_ast.parse(parse_fill(expression), mode="eval")
    renamed = False
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "tl":
            node.value.id, renamed = "torch", True
    body = tree.body
    if not renamed:
        name = _TORCH_FUNCTIONS.get(type(getattr(body, "op", None)), "as_tensor")
        args = [body.left, body.right] if name != "as_tensor" else [body]
        body = ast.Call(ast.Attribute(ast.Name("torch", ast.Load()), name, ast.Load()), args, [])
    return ast.unparse(body)


_SWAPS = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.Lt: ast.Gt, ast.Gt: ast.Lt,
          ast.LtE: ast.GtE, ast.GtE: ast.LtE, ast.BitAnd: ast.BitOr, ast.BitOr: ast.BitAnd}
_FUNCTION_SWAPS = {"maximum": "minimum", "minimum": "maximum", "exp": "log", "log": "exp", "sigmoid": "exp",
                   "sum": "max", "max": "min", "min": "max", "sqrt": "exp", "where": "where"}


def _variants(expression: str) -> list[str]:
    """Wrong-looking variants of an expression, one small change each (unparsed)."""
    out = [ast.unparse(ast.UnaryOp(ast.USub(), safe_ast.parse(expression, mode="eval").body))]
    tree = safe_ast.parse(expression, mode="eval")
    nodes = list(ast.walk(tree))
    for index, node in enumerate(nodes):
        for change in _changes(node):
            copy = safe_ast.parse(expression, mode="eval")
            target = list(ast.walk(copy))[index]
            replaced = change(target)
            if replaced is not None:  # the node replaced as a whole: rebuild the tree around it
                copy = _substitute(copy, target, replaced)
            out.append(ast.unparse(copy.body if isinstance(copy, ast.Expression) else copy))
    return out


def _changes(node: ast.AST):
    """Mutations applicable to one node: each mutates its argument in place (returning None) or returns a
    replacement node."""
    if isinstance(node, (ast.BinOp, ast.BoolOp)) and type(getattr(node, "op", None)) in _SWAPS:
        yield lambda n: setattr(n, "op", _SWAPS[type(n.op)]())
    if isinstance(node, ast.BinOp):
        yield lambda n: n.left
        yield lambda n: n.right
    if isinstance(node, ast.Call):
        for position in range(len(node.args)):
            if isinstance(node.args[position], (ast.Name, ast.BinOp, ast.Call)):
                yield lambda n, i=position: n.args[i]
    if isinstance(node, ast.Compare) and type(node.ops[0]) in _SWAPS:
        yield lambda n: setattr(n, "ops", [_SWAPS[type(n.ops[0])]()] + n.ops[1:])
    if isinstance(node, ast.Constant) and type(node.value) in (int, float) and not isinstance(node.value, bool):
        yield lambda n: setattr(n, "value", n.value + 1 if n.value == 0 else n.value * 2)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _FUNCTION_SWAPS:
        if node.func.attr == "where" and len(node.args) == 3:
            yield lambda n: setattr(n, "args", [n.args[0], n.args[2], n.args[1]])
        elif node.func.attr != "where":
            yield lambda n: setattr(n.func, "attr", _FUNCTION_SWAPS[n.func.attr])


def _substitute(tree: ast.AST, old: ast.AST, new: ast.AST) -> ast.AST:
    """``tree`` with the node ``old`` replaced by ``new`` (``new`` itself when ``old`` is the root's body)."""

    class Swap(ast.NodeTransformer):
        def visit(self, node):
            return new if node is old else self.generic_visit(node)

    return Swap().visit(tree)
