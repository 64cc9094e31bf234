"""Method: a kernel writes zeros to the output, then forward zeroes both inputs with Tensor.zero_().
Scenario: a harness that computes the reference after the candidate, on the same tensors, would see 0 + 0 == 0 and
pass it. zero_ is an allowed aten op (it is how buffers are cleared), so only the input check catches it: the
reference was computed first on a private copy, and the inputs are compared byte for byte after the call."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def zeros_kernel(out_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    tl.store(out_ptr + offs, tl.zeros((BLOCK,), dtype=tl.float32), mask=offs < n)


class ModelNew(nn.Module):
    def forward(self, x, y):
        out = torch.empty_like(x)
        zeros_kernel[(triton.cdiv(x.numel(), 1024),)](out, x.numel(), BLOCK=1024)
        x.zero_()
        y.zero_()
        return out
