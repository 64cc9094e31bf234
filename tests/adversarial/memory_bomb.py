"""Method: allocate far more memory than the machine has, a chunk at a time.
Scenario: a memory bomb must fail its own grading (address-space limit), never the machine or the grader."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def add_kernel(x_ptr, n, BLOCK: tl.constexpr):
    pass


class ModelNew(nn.Module):
    def forward(self, x, y):
        hoard = []
        while True:
            hoard.append(torch.ones(64 * 2**20, dtype=torch.float32))
