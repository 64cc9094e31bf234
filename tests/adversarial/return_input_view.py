"""Method: a real kernel accumulates y into x in place (x += y), and forward returns a view of x.
Scenario: the numbers are right and no output buffer is allocated ("in-place is faster"), but the output is a view
of an input and the input was overwritten: both output_aliases_input and input_mutated are flagged."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def add_inplace_kernel(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    tl.store(x_ptr + offs, tl.load(x_ptr + offs, mask=mask) + tl.load(y_ptr + offs, mask=mask), mask=mask)


class ModelNew(nn.Module):
    def forward(self, x, y):
        add_inplace_kernel[(triton.cdiv(x.numel(), 1024),)](x, y, x.numel(), BLOCK=1024)
        return x.view(-1)[: x.numel()]
