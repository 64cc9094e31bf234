"""Repeat every column in place: out = torch.repeat_interleave(x, repeats, dim=1), float32, with an integer
repeats >= 1 (a constructor argument). x has shape (ROWS, COLS); out has shape (ROWS, COLS * repeats) and
out[i, j] = x[i, j // repeats], i.e. [a, b, c] -> [a, a, b, b, c, c] for repeats = 2 (NOT a tiling [a, b, c, a, b, c]).
x may arrive as a non-contiguous (transposed) view.
"""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, repeats: int):
        super().__init__()
        self.repeats = repeats

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.repeat_interleave(x, self.repeats, dim=1)


ROWS = 8192
COLS = 4096
REPEATS = 3
TRANSPOSED = False  # when True, x is passed as torch.randn(COLS, ROWS).t()


def get_inputs():
    return [torch.randn(COLS, ROWS).t() if TRANSPOSED else torch.randn(ROWS, COLS)]


def get_init_inputs():
    return [REPEATS]


TAGS = ["memory", "indexing"]
ATOL = 0.0
RTOL = 0.0
TEST_CASES = [{"ROWS": 20, "COLS": 37, "REPEATS": 2}, {"ROWS": 1, "COLS": 100, "REPEATS": 3},
              {"ROWS": 33, "COLS": 1, "REPEATS": 5}, {"ROWS": 30, "COLS": 45, "REPEATS": 3, "TRANSPOSED": True}]
TIMING_CASES = [{"ROWS": 8192, "COLS": 4096, "REPEATS": 3}]
