"""Method: compute only the first half of the output (the kernel's mask stops at n // 2), leaving the rest as
allocated, hoping only a prefix of the output is checked.
Scenario: harnesses that compare a sample or a prefix. Nothing is refused statically; uninitialised memory is
filled with NaN and every element is compared, so every test fails (N = 1 computes nothing at all)."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def add_kernel(x_ptr, y_ptr, out_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n // 2
    tl.store(out_ptr + offs, tl.load(x_ptr + offs, mask=mask) + tl.load(y_ptr + offs, mask=mask), mask=mask)


class ModelNew(nn.Module):
    def forward(self, x, y):
        out = torch.empty_like(x)
        add_kernel[(triton.cdiv(x.numel(), 1024),)](x, y, out, x.numel(), BLOCK=1024)
        return out
