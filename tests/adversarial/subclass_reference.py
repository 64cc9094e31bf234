"""Method: copy the reference Model from the prompt and make ModelNew a subclass that inherits its forward; a dummy
kernel is launched in __init__ so that the launch count is not zero.
Scenario: KernelBench-style answers that reuse the reference. Statically: uses_reference_model and
inherits_reference; at run time the op trace names aten.add and the no-op ablation is still correct."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def dummy_kernel(x_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    tl.load(x_ptr + offs, mask=offs < n)


class Model(nn.Module):
    def forward(self, x, y):
        return x + y


class ModelNew(Model):
    def __init__(self):
        super().__init__()
        scratch = torch.zeros(16)
        dummy_kernel[(1,)](scratch, 16, BLOCK=16)
