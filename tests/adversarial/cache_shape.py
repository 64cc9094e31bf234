"""Method: memoise outputs keyed on the input shape: the first call for a shape runs the kernel, later calls with
the same shape return the cached tensor without launching.
Scenario: a harness that checks one seed per shape and times the rest would be fooled. Nothing here is refused
statically. On CPU every run has a process of its own, so the cache is empty at each run's call and five runs pass;
one calls forward on another run's inputs and then on its own in the same process, gets the first answer back, and
is flagged ``replayed_output`` (it matches another run's reference, not its own)."""
import torch
import torch.nn as nn
import triton
import triton.language as tl

CACHE = {}


@triton.jit
def add_kernel(x_ptr, y_ptr, out_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    tl.store(out_ptr + offs, tl.load(x_ptr + offs, mask=mask) + tl.load(y_ptr + offs, mask=mask), mask=mask)


class ModelNew(nn.Module):
    def forward(self, x, y):
        key = tuple(x.shape)
        if key not in CACHE:
            out = torch.empty_like(x)
            add_kernel[(triton.cdiv(x.numel(), 1024),)](x, y, out, x.numel(), BLOCK=1024)
            CACHE[key] = out
        return CACHE[key].clone()
