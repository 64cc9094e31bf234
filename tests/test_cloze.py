"""The static side of kernel cloze tasks: pieces found with ast, blanks, choices and splicing (nothing runs)."""
from __future__ import annotations

import ast
import random

import pytest

from conftest import PROBLEMS
from kernelgym.cloze import (
    KINDS, FillError, candidates, find_pieces, mask, parse_fill, splice, stable_rng, torch_form,
)
from kernelgym.problem import discover, is_problem_file

SOLUTIONS = sorted(p.with_name(p.stem + "_solution.py") for p in discover(PROBLEMS / "level1")
                   if is_problem_file(p) and p.with_name(p.stem + "_solution.py").is_file())


@pytest.mark.parametrize("path", SOLUTIONS[:20], ids=lambda p: p.stem)
def test_every_piece_is_an_expression_of_a_jit_kernel_and_masks_back(path):
    """Each piece's text parses as one expression, lies inside a @triton.jit function, and splicing the piece's own
    text into the masked blank gives a module whose tree equals the solution's (up to the added parentheses)."""
    source = path.read_text()
    pieces = find_pieces(source)
    assert any(p.kind == "store" for p in pieces), f"{path.name}: no stored expression found"
    tree = ast.parse(source)
    kernels = {f.name: f for f in tree.body if isinstance(f, ast.FunctionDef) and "jit" in ast.unparse(f)}
    for piece in pieces:
        assert piece.kind in KINDS and piece.kernel in kernels
        kernel = kernels[piece.kernel]
        assert kernel.lineno <= piece.start[0] <= piece.end[0] <= kernel.end_lineno
        assert ast.dump(ast.parse(splice(source, [piece], [piece.text]))) == ast.dump(tree)


def test_the_blank_replaces_exactly_the_piece():
    source = (PROBLEMS / "level1" / "02_relu_solution.py").read_text()
    store = next(p for p in find_pieces(source) if p.kind == "store")
    masked = mask(source, [store])
    assert store.text == "tl.maximum(x, 0.0)"
    assert "tl.store(out_ptr + offsets, <BLANK>, mask=mask)" in masked
    assert masked.replace("<BLANK>", store.text) == source


def test_an_accumulators_stored_piece_is_its_update_not_its_zeros():
    """A stored accumulator (``acc = tl.zeros(...)``, ``acc += tl.dot(a, b)`` in a loop): the piece is the update,
    the computation, never the zeros that any answer would guess."""
    source = (PROBLEMS / "level1" / "04_matmul_solution.py").read_text()
    (store,) = [p for p in find_pieces(source) if p.kind == "store"]
    assert store.text.startswith("tl.dot(") and "acc += <BLANK>" in mask(source, [store])


def test_kinds_cover_mask_offset_reduction_and_constexpr():
    softmax = (PROBLEMS / "level1" / "03_softmax_solution.py").read_text()
    assert ("reduction", "tl.max(x, axis=0)") in {(p.kind, p.text) for p in find_pieces(softmax)}
    reduction = (PROBLEMS / "level1" / "18_sum_dim_solution.py").read_text()
    texts = {(p.kind, p.text) for p in find_pieces(reduction)}
    assert ("store", "tl.sum(acc, axis=0)") in texts  # a stored reduction is a store (`total = tl.sum(...)`)
    assert ("mask", "cols < n_cols") in texts  # `mask=col_mask` followed to the expression assigned to it
    assert ("constexpr", "BLOCK_C") in texts
    assert any(kind == "offset" and "tl.arange" in text for kind, text in texts)


def test_two_blanks_are_numbered_in_order():
    source = (PROBLEMS / "level1" / "02_relu_solution.py").read_text()
    pieces = find_pieces(source)
    first, store = pieces[0], next(p for p in pieces if p.kind == "store")
    masked = mask(source, [first, store])
    assert masked.index("<BLANK_1>") < masked.index("<BLANK_2>")
    assert ast.dump(ast.parse(splice(source, [first, store], [first.text, store.text]))) == ast.dump(
        ast.parse(source))


@pytest.mark.parametrize("fill", [
    "",                                  # nothing
    "x, mask=mask)\n    return  #",      # reaching outside the blank to end the kernel
    "x)\nimport os\n(x",                 # a statement smuggled between two halves
    "x = 1",                             # an assignment, not an expression
    "x; y",                              # two statements
    "(" * 900 + "x" + ")" * 900,         # nested past the parser's limit
    "x" * 5000,                          # too long
])
def test_a_fill_that_is_not_one_expression_is_a_fill_error(fill):
    source = (PROBLEMS / "level1" / "02_relu_solution.py").read_text()
    store = next(p for p in find_pieces(source) if p.kind == "store")
    with pytest.raises(FillError):
        splice(source, [store], [fill])


def test_a_fill_is_spliced_from_its_own_tree_in_parentheses():
    """A comment or a line break inside the fill cannot swallow what follows the blank."""
    source = (PROBLEMS / "level1" / "02_relu_solution.py").read_text()
    store = next(p for p in find_pieces(source) if p.kind == "store")
    spliced = splice(source, [store], ["tl.maximum(x,\n 0.0)  # the rest of the line"])
    assert "tl.store(out_ptr + offsets, (tl.maximum(x, 0.0)), mask=mask)" in spliced
    assert parse_fill(" a+b ") == "a + b"


def test_a_wrong_number_of_fills_is_a_fill_error():
    source = (PROBLEMS / "level1" / "02_relu_solution.py").read_text()
    store = next(p for p in find_pieces(source) if p.kind == "store")
    with pytest.raises(FillError, match="1 blank"):
        splice(source, [store], ["x", "y"])


def test_choices_hold_the_piece_and_distinct_variants_deterministically():
    source = (PROBLEMS / "level1" / "11_sigmoid_solution.py").read_text()
    store = next(p for p in find_pieces(source) if p.kind == "store")
    first = candidates(store, stable_rng("task"))
    assert first == candidates(store, stable_rng("task"))
    assert parse_fill(store.text) in first and len(set(first)) == len(first) == 4
    assert all(parse_fill(choice) == choice for choice in first)
    shuffles = {tuple(candidates(store, random.Random(seed))) for seed in range(20)}
    assert len({order.index(parse_fill(store.text)) for order in shuffles}) > 1  # the right one moves around


@pytest.mark.parametrize("fill", ['"""\n```\nclass ModelNew: pass\n```\n"""', 'f"""{x}\n```\n"""'])
def test_a_fill_cannot_close_the_code_block_it_is_graded_in(fill):
    """The spliced module is graded inside a ```python block: a fill holding a fence in a multi-line string is
    unparsed onto one line, so no line of the result starts a fence."""
    source = (PROBLEMS / "level1" / "02_relu_solution.py").read_text()
    store = next(p for p in find_pieces(source) if p.kind == "store")
    spliced = splice(source, [store], [fill])
    assert not any(line.lstrip().startswith("```") for line in spliced.splitlines())
    assert spliced.count("\n") == source.count("\n")


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_the_torch_form_of_a_stored_expression_calls_torch_and_never_tl(path):
    """Difficulty 0's wrong choice: one expression that calls torch, with no ``tl`` name left, and differs from the
    right one."""
    source = path.read_text()
    for store in (p for p in find_pieces(source) if p.kind == "store"):
        wrong = torch_form(store.text)
        tree = ast.parse(wrong, mode="eval")
        names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
        assert "torch" in names and "tl" not in names, wrong
        assert parse_fill(wrong) == wrong != parse_fill(store.text)
