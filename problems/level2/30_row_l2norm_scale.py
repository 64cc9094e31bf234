"""Scaled per-row Euclidean norm (sum of squares, square root, scale): out[i] = scale * sqrt(sum_j x[i, j]^2).

x has shape (BATCH, DIM), float32; scale is a Python float constructor argument. The output has shape (BATCH,),
float32."""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, scale: float):
        super().__init__()
        self.scale = scale

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.sqrt(torch.sum(x * x, dim=1)) * self.scale


BATCH = 8192
DIM = 8192
SCALE = 0.5
TRANSPOSED = False  # when True, x is a transposed (non-contiguous) view


def get_inputs():
    x = torch.randn(DIM, BATCH).t() if TRANSPOSED else torch.randn(BATCH, DIM)
    return [x * (torch.rand(BATCH, 1) * 4.0 + 0.1)]


def get_init_inputs():
    return [SCALE]


# --- KernelGym metadata -------------------------------------------------------------------------
TAGS = ["reduction", "norm", "fused"]
ATOL = 1e-5
RTOL = 1e-5
TEST_CASES = [
    {"BATCH": 8, "DIM": 64},
    {"BATCH": 1, "DIM": 3000, "SCALE": -1.25},
    {"BATCH": 37, "DIM": 1, "TRANSPOSED": True},
    {"BATCH": 6, "DIM": 1500, "TRANSPOSED": True},
]
TIMING_CASES = [{"BATCH": 8192, "DIM": 8192}]
