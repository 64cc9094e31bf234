"""Masked fill: out = x.masked_fill(mask, value), i.e. out[i, j] = value if mask[i, j] else x[i, j].

x is a float32 tensor of shape (ROWS, COLS) and may arrive as a non-contiguous (transposed) view; mask is a torch.bool
tensor of shape (ROWS, COLS); value is a float constructor argument. The output has shape (ROWS, COLS), dtype float32.
"""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, value: float):
        super().__init__()
        self.value = value

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return x.masked_fill(mask, self.value)


ROWS = 4096
COLS = 16384
VALUE = -7.5
TRANSPOSED = False  # when True, x is passed as torch.randn(COLS, ROWS).t()


def get_inputs():
    x = torch.randn(COLS, ROWS).t() if TRANSPOSED else torch.randn(ROWS, COLS)
    mask = torch.rand(ROWS, COLS) < 0.3
    return [x, mask]


def get_init_inputs():
    return [VALUE]


TAGS = ["elementwise", "indexing"]
ATOL = 0.0
RTOL = 0.0
TEST_CASES = [{"ROWS": 16, "COLS": 100}, {"ROWS": 1, "COLS": 3000}, {"ROWS": 33, "COLS": 65, "TRANSPOSED": True},
              {"ROWS": 9, "COLS": 1, "VALUE": 100.0}]
TIMING_CASES = [{"ROWS": 4096, "COLS": 16384}]
