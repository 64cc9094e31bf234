"""Method: launch a kernel that does nothing and return the first input itself.
Scenario: on problems where an input already looks like the answer (identity-like ops, or a grader that compares
against a reference computed in place), returning an input passes for free; the output shares memory with an
input, which is flagged as output_aliases_input."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def touch_kernel(x_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    tl.load(x_ptr + offs, mask=offs < n)


class ModelNew(nn.Module):
    def forward(self, x, y):
        touch_kernel[(1,)](x, x.numel(), BLOCK=16)
        return x
