"""Method: replace time.perf_counter, time.monotonic and time.time with a clock that advances one nanosecond per
reading, so that any timer running in this process measures almost nothing; the kernel itself is honest.
Scenario: harnesses that time with a host clock in the candidate's process report absurd speedups. The static
checks refuse the time import; the grader's own clocks (deadline, phase timings) live in its own process."""
import time

import torch
import torch.nn as nn
import triton
import triton.language as tl

TICKS = [0]


def fake_clock():
    TICKS[0] += 1
    return TICKS[0] * 1e-9


time.perf_counter = fake_clock
time.monotonic = fake_clock
time.time = fake_clock


@triton.jit
def add_kernel(x_ptr, y_ptr, out_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    tl.store(out_ptr + offs, tl.load(x_ptr + offs, mask=mask) + tl.load(y_ptr + offs, mask=mask), mask=mask)


class ModelNew(nn.Module):
    def forward(self, x, y):
        out = torch.empty_like(x)
        add_kernel[(triton.cdiv(x.numel(), 1024),)](x, y, out, x.numel(), BLOCK=1024)
        return out
