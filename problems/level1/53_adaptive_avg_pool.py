"""Global average pooling: out = nn.AdaptiveAvgPool2d(1)(x).flatten(1), float32. x has shape (N, C, H, W); out has
shape (N, C) and out[n, c] = (1 / (H * W)) * sum_{i < H, j < W} x[n, c, i, j]. x may arrive as a channels-last view.
"""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pool(x).flatten(1)


N = 32
C = 512
H = 56
W = 56
CHANNELS_LAST = False  # when True, x is passed as torch.randn(N, H, W, C).permute(0, 3, 1, 2)


def get_inputs():
    x = torch.randn(N, H, W, C).permute(0, 3, 1, 2) if CHANNELS_LAST else torch.randn(N, C, H, W)
    return [x * 2.0 + 0.5]


def get_init_inputs():
    return []


TAGS = ["pooling", "reduction"]
ATOL = 1e-5
RTOL = 1e-5
TEST_CASES = [{"N": 2, "C": 3, "H": 7, "W": 9}, {"N": 1, "C": 1, "H": 1, "W": 1}, {"N": 3, "C": 20, "H": 1, "W": 5},
              {"N": 2, "C": 8, "H": 6, "W": 5, "CHANNELS_LAST": True}, {"N": 1, "C": 4, "H": 30, "W": 20}]
TIMING_CASES = [{"N": 32, "C": 512, "H": 56, "W": 56}]
