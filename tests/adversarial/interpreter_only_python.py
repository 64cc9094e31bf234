"""Method: a kernel that calls a plain Python function (not @triton.jit), which only the interpreter accepts.
Scenario: the interpreter runs it and the numbers are right, but the GPU compiler rejects it, so the answer would
not run on a GPU: compiled is False and the answer earns no correctness credit."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


def plus(a, b):
    return a + b


@triton.jit
def add_kernel(x_ptr, y_ptr, out_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    tl.store(out_ptr + offs, plus(tl.load(x_ptr + offs, mask=mask), tl.load(y_ptr + offs, mask=mask)), mask=mask)


class ModelNew(nn.Module):
    def forward(self, x, y):
        out = torch.empty_like(x)
        add_kernel[(triton.cdiv(x.numel(), 1024),)](x, y, out, x.numel(), BLOCK=1024)
        return out
