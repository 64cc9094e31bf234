"""Method: a base class holding the PyTorch computation, and ModelNew.forward that launches a dummy kernel and then
returns super().forward(x, y).
Scenario: the torch fallback hides behind inheritance. Statically: calls_super_forward (and a non-nn.Module base);
at run time the op trace names aten.add and the no-op ablation is still correct."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def dummy_kernel(x_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    tl.load(x_ptr + offs, mask=offs < n)


class Base(nn.Module):
    def forward(self, x, y):
        return torch.add(x, y)


class ModelNew(Base):
    def forward(self, x, y):
        dummy_kernel[(1,)](x, x.numel(), BLOCK=16)
        return super().forward(x, y)
