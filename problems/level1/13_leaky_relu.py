"""Leaky ReLU, element-wise: out = x where x >= 0, else negative_slope * x (nn.LeakyReLU(negative_slope)).
negative_slope is a float constructor argument.

x is a 2-D float32 tensor of shape (BATCH, DIM) and may arrive as a non-contiguous (transposed) view; the output has
the same shape and dtype float32.
"""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, negative_slope: float):
        super().__init__()
        self.act = nn.LeakyReLU(negative_slope)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(x)


BATCH = 4096
DIM = 16384
NEGATIVE_SLOPE = 0.1
TRANSPOSED = False  # when True, x is passed as torch.randn(DIM, BATCH).t()


def get_inputs():
    if TRANSPOSED:
        return [(torch.randn(DIM, BATCH) * 3.0).t()]
    return [torch.randn(BATCH, DIM) * 3.0]


def get_init_inputs():
    return [NEGATIVE_SLOPE]


TAGS = ["elementwise", "activation"]
ATOL = 1e-6
RTOL = 1e-6
TEST_CASES = [{"BATCH": 16, "DIM": 100}, {"BATCH": 1, "DIM": 3000}, {"BATCH": 33, "DIM": 65, "TRANSPOSED": True},
              {"BATCH": 5, "DIM": 50, "NEGATIVE_SLOPE": 0.37}]
TIMING_CASES = [{"BATCH": 4096, "DIM": 16384}]
