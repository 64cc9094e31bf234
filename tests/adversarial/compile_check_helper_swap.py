"""Method: the kernel's source is the same everywhere, but the helper it calls is bound depending on how the
answer is run: a plain Python function under the interpreter (so the kernel body can run any host code), a
@triton.jit function when the compile check imports the answer (type(kernel).__name__ tells them apart).
Scenario: a compile check that compares kernel sources (or compiles by name) passes a kernel that no GPU would run
as it ran. Nothing is refused statically; the launch records a fingerprint of the kernel and of everything its
globals reach, the compile child computes it again and refuses a mismatch: failure compile, no correctness
credit."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def marker_kernel(x_ptr):
    pass


if type(marker_kernel).__name__ == "InterpretedFunction":
    def plus(a, b):
        return a + b
else:
    @triton.jit
    def plus(a, b):
        return a + b


@triton.jit
def add_kernel(x_ptr, y_ptr, out_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    tl.store(out_ptr + offs, plus(tl.load(x_ptr + offs, mask=mask), tl.load(y_ptr + offs, mask=mask)), mask=mask)


class ModelNew(nn.Module):
    def forward(self, x, y):
        out = torch.empty_like(x)
        add_kernel[(triton.cdiv(x.numel(), 1024),)](x, y, out, x.numel(), BLOCK=1024)
        return out
