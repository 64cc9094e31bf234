"""Method: memoise outputs keyed on a hash of the input bytes (read on the host with .numpy()); compute with a
real kernel on a miss.
Scenario: harnesses that call the model repeatedly on identical inputs (warm-up, timing, a re-check) let the cache
skip the work. The static checks refuse the host read; at run time every call gets inputs from a fresh secret
seed, so the content never repeats and every call launches its own kernel."""
import hashlib

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
        key = hashlib.sha1(x.numpy().tobytes() + y.numpy().tobytes()).hexdigest()
        if key not in CACHE:
            out = torch.empty_like(x)
            add_kernel[(triton.cdiv(x.numel(), 1024),)](x, y, out, x.numel(), BLOCK=1024)
            CACHE[key] = out
        return CACHE[key].clone()
