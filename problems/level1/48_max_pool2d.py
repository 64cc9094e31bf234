"""2-D max pooling with a 2x2 window and stride 2 (no padding, floor mode): out = nn.MaxPool2d(2, 2)(x), float32.
x has shape (N, C, H, W); out has shape (N, C, H // 2, W // 2) and
out[n, c, i, j] = max(x[n, c, 2i, 2j], x[n, c, 2i, 2j+1], x[n, c, 2i+1, 2j], x[n, c, 2i+1, 2j+1]).
An odd last row/column is dropped. x may arrive as a non-contiguous (channels-last) view.
"""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.pool = nn.MaxPool2d(kernel_size=2, stride=2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pool(x)


N = 16
C = 64
H = 256
W = 256
CHANNELS_LAST = False  # when True, x is passed as torch.randn(N, H, W, C).permute(0, 3, 1, 2)


def get_inputs():
    return [torch.randn(N, H, W, C).permute(0, 3, 1, 2) if CHANNELS_LAST else torch.randn(N, C, H, W)]


def get_init_inputs():
    return []


TAGS = ["pooling"]
ATOL = 0.0
RTOL = 0.0
TEST_CASES = [{"N": 2, "C": 3, "H": 10, "W": 14}, {"N": 1, "C": 1, "H": 2, "W": 2}, {"N": 2, "C": 3, "H": 7, "W": 9},
              {"N": 3, "C": 1, "H": 2, "W": 5}, {"N": 2, "C": 4, "H": 8, "W": 6, "CHANNELS_LAST": True}]
TIMING_CASES = [{"N": 16, "C": 64, "H": 256, "W": 256}]
