"""Method: the kernel that runs under the interpreter calls a plain Python function (which no GPU compiler
accepts); when the module is imported by the compile check, where kernels are JITFunction rather than
InterpretedFunction (type(kernel).__name__, which the static checks allow), a compilable kernel of the same name
replaces it.
Scenario: the compile check re-imports the answer in another process and would compile whatever the name resolves
to there, not the kernel that ran. Nothing is refused statically; every launch records a fingerprint of the
kernel's code and of what its globals reach, and the compile child refuses a kernel whose fingerprint differs:
failure compile, no correctness credit."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


def plus(a, b):
    return a + b


@triton.jit
def add_kernel(x_ptr, y_ptr, out_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    tl.store(out_ptr + offs, plus(tl.load(x_ptr + offs, mask=mask), tl.load(y_ptr + offs, mask=mask)), mask=mask)


if type(add_kernel).__name__ != "InterpretedFunction":
    @triton.jit
    def add_kernel(x_ptr, y_ptr, out_ptr, n, BLOCK: tl.constexpr):
        offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
        tl.store(out_ptr + offs, tl.load(x_ptr + offs, mask=offs < n), mask=offs < n)


class ModelNew(nn.Module):
    def forward(self, x, y):
        out = torch.empty_like(x)
        add_kernel[(triton.cdiv(x.numel(), 1024),)](x, y, out, x.numel(), BLOCK=1024)
        return out
