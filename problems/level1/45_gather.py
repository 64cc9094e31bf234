"""Gather along dim 1: out = torch.gather(x, 1, index), float32. x has shape (ROWS, COLS); index is an int64 tensor
of shape (ROWS, K) with values in [0, COLS); out has shape (ROWS, K) and out[i, k] = x[i, index[i, k]].
x may arrive as a non-contiguous view.
"""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
        return torch.gather(x, 1, index)


ROWS = 8192
COLS = 4096
K = 2048
TRANSPOSED = False  # when True, x is passed as torch.randn(COLS, ROWS).t()


def get_inputs():
    x = torch.randn(COLS, ROWS).t() if TRANSPOSED else torch.randn(ROWS, COLS)
    return [x, torch.randint(0, COLS, (ROWS, K), dtype=torch.int64)]


def get_init_inputs():
    return []


TAGS = ["indexing"]
ATOL = 0.0
RTOL = 0.0
TEST_CASES = [{"ROWS": 20, "COLS": 50, "K": 33}, {"ROWS": 1, "COLS": 7, "K": 100}, {"ROWS": 30, "COLS": 1, "K": 5},
              {"ROWS": 25, "COLS": 40, "K": 1}, {"ROWS": 19, "COLS": 64, "K": 70, "TRANSPOSED": True}]
TIMING_CASES = [{"ROWS": 8192, "COLS": 4096, "K": 2048}]
