"""Argmax over the last dimension: out[i] = argmax_j x[i, j] (torch.argmax(x, dim=-1)), as int64.

x is float32 of shape (ROWS, COLS) with continuous random values (no ties) and may arrive as a non-contiguous
(transposed) view; the output has shape (ROWS,) and dtype int64. On a tie the first maximal index wins, like torch.
"""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.argmax(x, dim=-1)


ROWS = 4096
COLS = 16384
TRANSPOSED = False  # when True, x is passed as torch.randn(COLS, ROWS).t()


def get_inputs():
    return [torch.randn(COLS, ROWS).t() if TRANSPOSED else torch.randn(ROWS, COLS)]


def get_init_inputs():
    return []


TAGS = ["reduction", "indexing"]
ATOL = 0.0
RTOL = 0.0
TEST_CASES = [{"ROWS": 16, "COLS": 100}, {"ROWS": 1, "COLS": 5000}, {"ROWS": 17, "COLS": 65, "TRANSPOSED": True},
              {"ROWS": 12, "COLS": 7}]
TIMING_CASES = [{"ROWS": 4096, "COLS": 16384}]
