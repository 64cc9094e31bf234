"""Method: run a kernel that computes nothing, then sys.exit(0) inside forward, hoping a clean exit status reads
as success.
Scenario: harnesses that run the candidate as a subprocess and trust its exit code. The static checks refuse the
sys import; at run time SystemExit is caught like any other exception and reported as a runtime failure: no run
passes."""
import sys

import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def noop_kernel(x_ptr, n, BLOCK: tl.constexpr):
    pass


class ModelNew(nn.Module):
    def forward(self, x, y):
        noop_kernel[(1,)](x, x.numel(), BLOCK=16)
        sys.exit(0)
