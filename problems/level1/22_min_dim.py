"""Min reduction over dim 0 of a 2-D tensor: out[j] = min_i x[i, j] (torch.min(x, dim=0).values; only the values).

x is float32 of shape (ROWS, COLS) and may arrive as a non-contiguous (transposed) view; the output has shape (COLS,)
and dtype float32.
"""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.min(x, dim=0).values


ROWS = 8192
COLS = 8192
TRANSPOSED = False  # when True, x is passed as torch.randn(COLS, ROWS).t()


def get_inputs():
    return [torch.randn(COLS, ROWS).t() if TRANSPOSED else torch.randn(ROWS, COLS)]


def get_init_inputs():
    return []


TAGS = ["reduction"]
ATOL = 0.0
RTOL = 0.0
TEST_CASES = [{"ROWS": 100, "COLS": 50}, {"ROWS": 1, "COLS": 300}, {"ROWS": 65, "COLS": 33, "TRANSPOSED": True},
              {"ROWS": 37, "COLS": 1}]
TIMING_CASES = [{"ROWS": 8192, "COLS": 8192}]
