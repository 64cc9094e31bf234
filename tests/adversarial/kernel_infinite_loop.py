"""Method: a Triton kernel whose body never terminates (while True with a load inside).
Scenario: the hang is inside the kernel, i.e. inside Triton's interpreter (or on the GPU), not in forward's Python.
Nothing is refused statically; the wall-clock limit kills the child's process group and the grading is a timeout
(the compile check is skipped)."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def spin_kernel(x_ptr, out_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    acc = tl.zeros((BLOCK,), dtype=tl.float32)
    while True:
        acc += tl.load(x_ptr + offs, mask=offs < n, other=0.0)
    tl.store(out_ptr + offs, acc, mask=offs < n)


class ModelNew(nn.Module):
    def forward(self, x, y):
        out = torch.empty_like(x)
        spin_kernel[(triton.cdiv(x.numel(), 1024),)](x, out, x.numel(), BLOCK=1024)
        return out
