"""2-D convolution (cross-correlation), 3x3 kernel, stride 1, zero padding 1, with bias:
out = nn.Conv2d(C_IN, C_OUT, kernel_size=3, padding=1, bias=True)(x), float32, groups 1, no dilation.
x has shape (N, C_IN, H, W); weight (C_OUT, C_IN, 3, 3); bias (C_OUT,); out has shape (N, C_OUT, H, W) and
out[n, o, i, j] = bias[o] + sum_{c, di, dj} weight[o, c, di, dj] * x[n, c, i + di - 1, j + dj - 1],
where x is 0 outside the image. Parameters use PyTorch's default Conv2d initialisation. x may arrive as a
channels-last (non-contiguous) view.
"""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, in_channels: int, out_channels: int):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1, bias=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(x)


N = 16
C_IN = 64
C_OUT = 128
H = 128
W = 128
CHANNELS_LAST = False  # when True, x is passed as torch.randn(N, H, W, C_IN).permute(0, 3, 1, 2)


def get_inputs():
    return [torch.randn(N, H, W, C_IN).permute(0, 3, 1, 2) if CHANNELS_LAST else torch.randn(N, C_IN, H, W)]


def get_init_inputs():
    return [C_IN, C_OUT]


TAGS = ["conv"]
ATOL = 1e-5
RTOL = 1e-5
# TF32 tl.dot in an answer (and TF32 cuDNN in the eager reference) drifts further at the timing shapes
TIMING_ATOL = 0.01
TEST_CASES = [{"N": 2, "C_IN": 3, "C_OUT": 4, "H": 8, "W": 10}, {"N": 1, "C_IN": 1, "C_OUT": 1, "H": 1, "W": 1},
              {"N": 1, "C_IN": 2, "C_OUT": 5, "H": 13, "W": 1},
              {"N": 2, "C_IN": 4, "C_OUT": 3, "H": 9, "W": 7, "CHANNELS_LAST": True}]
TIMING_CASES = [{"N": 16, "C_IN": 64, "C_OUT": 128, "H": 128, "W": 128}]
