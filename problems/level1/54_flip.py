"""Reverse the last dimension: out = torch.flip(x, dims=[-1]), float32. x has shape (ROWS, COLS); out has the same
shape, is contiguous, and out[i, j] = x[i, COLS - 1 - j]. x may arrive as a non-contiguous (transposed) view.
"""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.flip(x, dims=[-1])


ROWS = 8192
COLS = 8192
TRANSPOSED = False  # when True, x is passed as torch.randn(COLS, ROWS).t()


def get_inputs():
    return [torch.randn(COLS, ROWS).t() if TRANSPOSED else torch.randn(ROWS, COLS)]


def get_init_inputs():
    return []


TAGS = ["memory", "indexing"]
ATOL = 0.0
RTOL = 0.0
TEST_CASES = [{"ROWS": 20, "COLS": 101}, {"ROWS": 1, "COLS": 300}, {"ROWS": 65, "COLS": 2},
              {"ROWS": 30, "COLS": 77, "TRANSPOSED": True}]
TIMING_CASES = [{"ROWS": 8192, "COLS": 8192}]
