"""Method: compute the right answer, then zero the inputs in the same kernel.
Scenario: a harness that computes the reference after the candidate, on the same tensors, would compare against
a reference of zeros; KernelGym computes the reference first on a private copy and flags the mutation."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def add_kernel(x_ptr, y_ptr, out_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    tl.store(out_ptr + offs, tl.load(x_ptr + offs, mask=mask) + tl.load(y_ptr + offs, mask=mask), mask=mask)
    tl.store(x_ptr + offs, tl.zeros((BLOCK,), dtype=tl.float32), mask=mask)


class ModelNew(nn.Module):
    def forward(self, x, y):
        out = torch.empty_like(x)
        add_kernel[(triton.cdiv(x.numel(), 1024),)](x, y, out, x.numel(), BLOCK=1024)
        return out
