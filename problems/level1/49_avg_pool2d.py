"""2-D average pooling, 3x3 window, stride 1, zero padding 1, count_include_pad=True:
out = nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=True)(x), float32. x has shape (N, C, H, W); out has the
same shape, and out[n, c, i, j] = (1/9) * sum_{di, dj in {-1, 0, 1}} x[n, c, i+di, j+dj], where out-of-range
positions count as zeros: the divisor is ALWAYS 9, also at the borders. x may arrive as a channels-last view.
"""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.pool = nn.AvgPool2d(kernel_size=3, stride=1, padding=1, count_include_pad=True)

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
ATOL = 1e-6
RTOL = 1e-5
TEST_CASES = [{"N": 2, "C": 3, "H": 10, "W": 14}, {"N": 1, "C": 1, "H": 1, "W": 1}, {"N": 2, "C": 2, "H": 7, "W": 1},
              {"N": 2, "C": 4, "H": 8, "W": 6, "CHANNELS_LAST": True}]
TIMING_CASES = [{"N": 16, "C": 64, "H": 256, "W": 256}]
