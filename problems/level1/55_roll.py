"""Circular shift along dim 1: out = torch.roll(x, shifts=shift, dims=1), float32. x has shape (ROWS, COLS); out has
the same shape and out[i, j] = x[i, (j - shift) mod COLS]. shift is a constructor argument and may be negative or
larger than COLS. x may arrive as a non-contiguous (transposed) view.
"""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, shift: int):
        super().__init__()
        self.shift = shift

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.roll(x, shifts=self.shift, dims=1)


ROWS = 8192
COLS = 8192
SHIFT = 1000
TRANSPOSED = False  # when True, x is passed as torch.randn(COLS, ROWS).t()


def get_inputs():
    return [torch.randn(COLS, ROWS).t() if TRANSPOSED else torch.randn(ROWS, COLS)]


def get_init_inputs():
    return [SHIFT]


TAGS = ["memory", "indexing"]
ATOL = 0.0
RTOL = 0.0
TEST_CASES = [{"ROWS": 20, "COLS": 101, "SHIFT": 3}, {"ROWS": 1, "COLS": 300, "SHIFT": -7},
              {"ROWS": 9, "COLS": 1, "SHIFT": 5}, {"ROWS": 30, "COLS": 77, "SHIFT": 250, "TRANSPOSED": True},
              {"ROWS": 6, "COLS": 40, "SHIFT": -123}]
TIMING_CASES = [{"ROWS": 8192, "COLS": 8192, "SHIFT": 1000}]
