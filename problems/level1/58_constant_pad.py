"""Constant padding of the last two dims: out = F.pad(x, (left, right, top, bottom), mode="constant", value=value),
float32, all four pad widths >= 0. x has shape (B, H, W); out has shape (B, top + H + bottom, left + W + right) and
out[b, i, j] = x[b, i - top, j - left] when 0 <= i - top < H and 0 <= j - left < W, else value.
The pad widths (ints) and value (a float) are constructor arguments. x may arrive as a non-contiguous view.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self, left: int, right: int, top: int, bottom: int, value: float):
        super().__init__()
        self.pads = (left, right, top, bottom)
        self.value = value

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.pad(x, self.pads, mode="constant", value=self.value)


B = 64
H = 1024
W = 1024
LEFT, RIGHT, TOP, BOTTOM = 3, 5, 2, 7
VALUE = 0.5
TRANSPOSED = False  # when True, x is passed as torch.randn(B, W, H).transpose(1, 2)


def get_inputs():
    return [torch.randn(B, W, H).transpose(1, 2) if TRANSPOSED else torch.randn(B, H, W)]


def get_init_inputs():
    return [LEFT, RIGHT, TOP, BOTTOM, VALUE]


TAGS = ["memory"]
ATOL = 0.0
RTOL = 0.0
TEST_CASES = [{"B": 2, "H": 5, "W": 7, "LEFT": 1, "RIGHT": 2, "TOP": 3, "BOTTOM": 0, "VALUE": 0.5},
              {"B": 1, "H": 1, "W": 1, "LEFT": 0, "RIGHT": 1, "TOP": 2, "BOTTOM": 1, "VALUE": -2.0},
              {"B": 3, "H": 4, "W": 33, "LEFT": 2, "RIGHT": 0, "TOP": 0, "BOTTOM": 2, "VALUE": 1.25,
               "TRANSPOSED": True},
              {"B": 2, "H": 9, "W": 1, "LEFT": 0, "RIGHT": 0, "TOP": 1, "BOTTOM": 1, "VALUE": 0.0}]
TIMING_CASES = [{"B": 64, "H": 1024, "W": 1024}]
