"""Clamp, element-wise: out = min(max(x, min_val), max_val) (torch.clamp(x, min_val, max_val)).
min_val < max_val are float constructor arguments.

x is a 2-D float32 tensor of shape (BATCH, DIM) and may arrive as a non-contiguous (transposed) view; the output has
the same shape and dtype float32.
"""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, min_val: float, max_val: float):
        super().__init__()
        self.min_val = min_val
        self.max_val = max_val

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.clamp(x, self.min_val, self.max_val)


BATCH = 4096
DIM = 16384
MIN_VAL = -1.5
MAX_VAL = 2.0
TRANSPOSED = False  # when True, x is passed as torch.randn(DIM, BATCH).t()


def get_inputs():
    if TRANSPOSED:
        return [(torch.randn(DIM, BATCH) * 3.0).t()]
    return [torch.randn(BATCH, DIM) * 3.0]


def get_init_inputs():
    return [MIN_VAL, MAX_VAL]


TAGS = ["elementwise", "activation"]
ATOL = 0.0
RTOL = 0.0
TEST_CASES = [{"BATCH": 16, "DIM": 100}, {"BATCH": 1, "DIM": 3000}, {"BATCH": 33, "DIM": 65, "TRANSPOSED": True},
              {"BATCH": 7, "DIM": 33, "MIN_VAL": -0.25, "MAX_VAL": 0.5}]
TIMING_CASES = [{"BATCH": 4096, "DIM": 16384}]
