"""Mean over the last dimension: out[i] = (1 / COLS) * sum_j x[i, j] (torch.mean(x, dim=-1)).

x is float32 of shape (ROWS, COLS) and may arrive as a non-contiguous (transposed) view; the output has shape (ROWS,)
and dtype float32. Each row carries its own random offset, so the row means really differ.
"""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.mean(x, dim=-1)


ROWS = 4096
COLS = 16384
TRANSPOSED = False  # when True, x is passed as a (COLS, ROWS) tensor transposed with .t()


def get_inputs():
    if TRANSPOSED:
        return [(torch.randn(COLS, ROWS) * 2.0 + torch.randn(1, ROWS) * 3.0).t()]
    return [torch.randn(ROWS, COLS) * 2.0 + torch.randn(ROWS, 1) * 3.0]


def get_init_inputs():
    return []


TAGS = ["reduction"]
ATOL = 1e-5
RTOL = 1e-5
TEST_CASES = [{"ROWS": 16, "COLS": 100}, {"ROWS": 1, "COLS": 5000}, {"ROWS": 17, "COLS": 65, "TRANSPOSED": True},
              {"ROWS": 7, "COLS": 1}]
TIMING_CASES = [{"ROWS": 4096, "COLS": 16384}]
