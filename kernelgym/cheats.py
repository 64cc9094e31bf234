"""Generic cheating answers that ``kernelgym check`` throws at every problem; each must be refused.

- ``noop``: launches a kernel that does nothing and returns uninitialised buffers of the right shapes.
- ``zeros``: a real kernel that writes zeros.
- ``identity``: a real kernel that copies the first input into the output.
- ``torch_fallback``: the reference ``Model`` itself, renamed ``ModelNew``, beside a dummy launch.

The first three know the output shapes of each test case (read from the reference by the grader), as a
shape-hard-coding model would; none of them uses anything that the static checks refuse.
"""
from __future__ import annotations

import ast

from . import safe_ast

_HEADER = '''import torch
import torch.nn as nn
import triton
import triton.language as tl

DTYPES = {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16, "float64": torch.float64,
          "int64": torch.int64, "int32": torch.int32, "int16": torch.int16, "int8": torch.int8, "uint8": torch.uint8,
          "bool": torch.bool}
OUTPUTS = %r
'''

_KERNELS = {
    "noop": '''
@triton.jit
def noop_kernel(out_ptr, n, BLOCK: tl.constexpr):
    pass


def fill(out, first):
    noop_kernel[(1,)](out, out.numel(), BLOCK=16)
''',
    "zeros": '''
@triton.jit
def zeros_kernel(out_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    tl.store(out_ptr + offs, tl.zeros((BLOCK,), dtype=out_ptr.dtype.element_ty), mask=offs < n)


def fill(out, first):
    zeros_kernel[(triton.cdiv(max(out.numel(), 1), 1024),)](out, out.numel(), BLOCK=1024)
''',
    "identity": '''
@triton.jit
def copy_kernel(x_ptr, out_ptr, n_in, n_out, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    x = tl.load(x_ptr + offs, mask=offs < n_in, other=0)
    tl.store(out_ptr + offs, x.to(out_ptr.dtype.element_ty), mask=offs < n_out)


def fill(out, first):
    src = first.contiguous()
    copy_kernel[(triton.cdiv(max(out.numel(), 1), 1024),)](src, out, src.numel(), out.numel(), BLOCK=1024)
''',
}

_MODEL = '''

class ModelNew(nn.Module):
    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, *inputs):
        tensors = [x for x in inputs if isinstance(x, torch.Tensor)]
        key = tuple(tuple(x.shape) for x in tensors)
        outs = [torch.empty(shape, dtype=DTYPES[dtype]) for shape, dtype in OUTPUTS[key]]
        for out in outs:
            fill(out, tensors[0])
        return outs[0] if len(outs) == 1 else tuple(outs)
'''

SHAPE_CHEATS = ("noop", "zeros", "identity")


def shape_cheat(kind: str, outputs: dict) -> str:
    """Source of a ``noop``/``zeros``/``identity`` answer.

    Args:
        kind: One of :data:`SHAPE_CHEATS`.
        outputs: Maps the tuple of input shapes of a test case to ``[(output shape, dtype name), ...]``.
    """
    return _HEADER % (outputs,) + _KERNELS[kind] + _MODEL


def torch_fallback(problem_source: str) -> str:
    """The reference model renamed ``ModelNew``, with a dummy Triton launch at the top of ``forward``."""
    tree = safe_ast.parse(problem_source)
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == "Model":
            node.name = "ModelNew"
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == "forward":
                    item.body.insert(0, safe_ast.parse("dummy_kernel[(1,)](16, BLOCK=16)").body[0])
        elif isinstance(node, ast.Name) and node.id == "Model":
            node.id = "ModelNew"
    launch = safe_ast.parse("import triton\nimport triton.language as tl\n\n\n@triton.jit\n"
                       "def dummy_kernel(n, BLOCK: tl.constexpr):\n    pass\n").body
    head = 0
    while head < len(tree.body) and (_is_docstring(tree.body[head]) or _is_future(tree.body[head])):
        head += 1
    tree.body[head:head] = launch
    return ast.unparse(tree)


def _is_docstring(node: ast.stmt) -> bool:
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)


def _is_future(node: ast.stmt) -> bool:
    return isinstance(node, ast.ImportFrom) and node.module == "__future__"
