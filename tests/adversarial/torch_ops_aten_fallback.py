"""Method: call the aten operator directly, torch.ops.aten.add.Tensor(x, y), beside a dummy launch.
Scenario: a fallback spelled through torch.ops rather than torch.add or +, to dodge name-based checks (torch.ops is
a public namespace and passes the static checks). The op trace sees aten.add all the same, and the no-op ablation
is still correct."""
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
        return torch.ops.aten.add.Tensor(x, y)
