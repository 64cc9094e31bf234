"""Strided column slice, materialised: out = x[:, ::step].contiguous(), float32. x has shape (ROWS, COLS); out has
shape (ROWS, ceil(COLS / step)), is contiguous, and out[i, j] = x[i, j * step]. step (>= 1) is a constructor
argument. x itself may arrive as a non-contiguous view.
"""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, step: int):
        super().__init__()
        self.step = step

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x[:, ::self.step].contiguous()


ROWS = 8192
COLS = 8192
STEP = 2
TRANSPOSED = False  # when True, x is passed as torch.randn(COLS, ROWS).t()


def get_inputs():
    return [torch.randn(COLS, ROWS).t() if TRANSPOSED else torch.randn(ROWS, COLS)]


def get_init_inputs():
    return [STEP]


TAGS = ["memory"]
ATOL = 0.0
RTOL = 0.0
TEST_CASES = [{"ROWS": 20, "COLS": 101, "STEP": 2}, {"ROWS": 1, "COLS": 300, "STEP": 3},
              {"ROWS": 65, "COLS": 1, "STEP": 2}, {"ROWS": 30, "COLS": 77, "STEP": 5, "TRANSPOSED": True}]
TIMING_CASES = [{"ROWS": 8192, "COLS": 8192, "STEP": 2}]
