"""Element-wise addition of two vectors: out[i] = x[i] + y[i].

Both inputs are 1-D float32 tensors of the same length N; the output has the same shape and dtype.
"""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return x + y


N = 1 << 24  # GPU timing size (KernelBench-style module constant)


def get_inputs():
    return [torch.randn(N), torch.randn(N)]


def get_init_inputs():
    return []


# --- KernelGym metadata -------------------------------------------------------------------------
TAGS = ["elementwise"]
ATOL = 1e-6
RTOL = 1e-6
# Correctness cases for the CPU interpreter: each dict overrides module constants before get_inputs().
TEST_CASES = [{"N": 1000}, {"N": 1}, {"N": 4097}]
# Timing cases on a GPU (defaults to the module constants when absent).
TIMING_CASES = [{"N": 1 << 24}]
