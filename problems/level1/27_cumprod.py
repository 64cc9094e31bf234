"""Inclusive prefix product along the last dimension (torch.cumprod(x, dim=-1)): out[i, j] = prod_{k <= j} x[i, k].

x is float32 of shape (ROWS, COLS) with values in [0.9, 1.1) (so that long products stay well-conditioned, neither
vanishing nor overflowing) and may arrive as a non-contiguous (transposed) view; the output has shape (ROWS, COLS)
and dtype float32.
"""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cumprod(x, dim=-1)


ROWS = 4096
COLS = 4096
TRANSPOSED = False  # when True, x is passed as a (COLS, ROWS) tensor transposed with .t()


def get_inputs():
    if TRANSPOSED:
        return [(torch.rand(COLS, ROWS) * 0.2 + 0.9).t()]
    return [torch.rand(ROWS, COLS) * 0.2 + 0.9]


def get_init_inputs():
    return []


TAGS = ["scan"]
ATOL = 1e-5
RTOL = 1e-4
TEST_CASES = [{"ROWS": 8, "COLS": 100}, {"ROWS": 1, "COLS": 5000}, {"ROWS": 11, "COLS": 65, "TRANSPOSED": True},
              {"ROWS": 5, "COLS": 1}]
TIMING_CASES = [{"ROWS": 4096, "COLS": 4096}]
