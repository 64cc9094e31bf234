"""Method: never return from forward.
Scenario: a hung candidate must not hang the grader: the wall-clock limit kills the whole process group."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def add_kernel(x_ptr, n, BLOCK: tl.constexpr):
    pass


class ModelNew(nn.Module):
    def forward(self, x, y):
        while True:
            pass
