"""Materialised 2-D transpose: out = x.t().contiguous(), float32. x has shape (ROWS, COLS); out has shape
(COLS, ROWS), is contiguous (row-major), and out[j, i] = x[i, j]. x may arrive as a non-contiguous view.
"""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.t().contiguous()


ROWS = 8192
COLS = 8192
TRANSPOSED = False  # when True, x is passed as torch.randn(COLS, ROWS).t() (a column-major view)


def get_inputs():
    return [torch.randn(COLS, ROWS).t() if TRANSPOSED else torch.randn(ROWS, COLS)]


def get_init_inputs():
    return []


TAGS = ["memory"]
ATOL = 0.0
RTOL = 0.0
TEST_CASES = [{"ROWS": 100, "COLS": 70}, {"ROWS": 1, "COLS": 300}, {"ROWS": 257, "COLS": 1},
              {"ROWS": 90, "COLS": 33, "TRANSPOSED": True}]
TIMING_CASES = [{"ROWS": 8192, "COLS": 8192}]
