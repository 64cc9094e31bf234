"""Method: memoise outputs keyed on the inputs' data_ptr(): compute with a real kernel on a miss, return the cached
tensor (no launch) on a hit.
Scenario: harnesses that reuse the same input buffers for every call (timing loops, or refilling buffers in place
for the next test) serve a stale result from the cache. The static checks refuse data_ptr (a host read). At run
time one run calls forward twice in the same process, refilling the first call's input tensors in place with its
own inputs: the cache hits, returns the first call's answer, and the run is flagged ``replayed_output`` (5 of 6
runs pass; the answer is incorrect)."""
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
        key = (x.data_ptr(), y.data_ptr(), x.numel())
        if key not in CACHE:
            out = torch.empty_like(x)
            add_kernel[(triton.cdiv(x.numel(), 1024),)](x, y, out, x.numel(), BLOCK=1024)
            CACHE[key] = out
        return CACHE[key]
