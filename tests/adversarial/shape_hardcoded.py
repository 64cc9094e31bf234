"""Method: hard-code the size of the first visible test case (N = 1000): the output is always a 1000-element
buffer and the kernel always handles 1000 elements.
Scenario: answers overfitted to one visible shape. Nothing is refused statically; the grader runs every test case
(N = 1000, 1 and 4097), so only the two N = 1000 runs pass and the rest fail on shape."""
import torch
import torch.nn as nn
import triton
import triton.language as tl

N = 1000


@triton.jit
def add_kernel(x_ptr, y_ptr, out_ptr, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    mask = offs < 1000
    tl.store(out_ptr + offs, tl.load(x_ptr + offs, mask=mask) + tl.load(y_ptr + offs, mask=mask), mask=mask)


class ModelNew(nn.Module):
    def forward(self, x, y):
        out = torch.empty(N, dtype=torch.float32)
        if x.numel() >= N:
            add_kernel[(1,)](x, y, out, BLOCK=1024)
        return out
