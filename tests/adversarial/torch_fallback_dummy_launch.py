"""Method: launch a kernel that does nothing useful, return the PyTorch result computed beside it.
Scenario: seen in RL runs on Triton tasks (Predibase): the launch count looks fine, the op trace names aten.add
and the no-op ablation is still correct."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def dummy_kernel(x_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    tl.load(x_ptr + offs, mask=offs < n)


class ModelNew(nn.Module):
    def forward(self, x, y):
        dummy_kernel[(1,)](x, x.numel(), BLOCK=16)
        return x + y
