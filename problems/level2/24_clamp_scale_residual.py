"""Clamp, scale, and add a residual: out = clamp(x, min_val, max_val) * scale + residual, element-wise.

x and residual have shape (BATCH, DIM), float32; min_val, max_val and scale are Python float constructor arguments.
The output has shape (BATCH, DIM), float32."""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, min_val: float, max_val: float, scale: float):
        super().__init__()
        self.min_val = min_val
        self.max_val = max_val
        self.scale = scale

    def forward(self, x: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
        return torch.clamp(x, self.min_val, self.max_val) * self.scale + residual


BATCH = 8192
DIM = 8192
MIN_VAL = -1.5
MAX_VAL = 0.75
SCALE = 2.0
TRANSPOSED = False  # when True, residual is a transposed (non-contiguous) view


def get_inputs():
    x = torch.randn(BATCH, DIM) * 2.0
    residual = torch.randn(DIM, BATCH).t() if TRANSPOSED else torch.randn(BATCH, DIM)
    return [x, residual]


def get_init_inputs():
    return [MIN_VAL, MAX_VAL, SCALE]


# --- KernelGym metadata -------------------------------------------------------------------------
TAGS = ["elementwise", "fused"]
ATOL = 1e-6
RTOL = 1e-6
TEST_CASES = [
    {"BATCH": 16, "DIM": 100},
    {"BATCH": 1, "DIM": 3000, "MIN_VAL": -0.2, "MAX_VAL": 1.3, "SCALE": -0.5},
    {"BATCH": 33, "DIM": 65, "TRANSPOSED": True},
]
TIMING_CASES = [{"BATCH": 8192, "DIM": 8192}]
