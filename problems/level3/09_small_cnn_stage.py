"""A small CNN stage: out = maxpool2x2(relu(conv3x3(x) + bias)).
conv3x3 is nn.Conv2d(C_IN, C_OUT, kernel_size=3, stride=1, padding=1) (zero padding, with bias); the pool is
nn.MaxPool2d(kernel_size=2, stride=2) (floor mode: an odd last row/column is dropped).
x has shape (N, C_IN, H, W), float32; the output has shape (N, C_OUT, H // 2, W // 2), float32."""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, in_channels: int, out_channels: int):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1)
        self.relu = nn.ReLU()
        self.pool = nn.MaxPool2d(kernel_size=2, stride=2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pool(self.relu(self.conv(x)))


N = 32
C_IN = 64
C_OUT = 128
H = 128
W = 128
CHANNELS_LAST = False  # when True, x is an (N, H, W, C) tensor permuted to (N, C, H, W) (non-contiguous)


def get_inputs():
    if CHANNELS_LAST:
        return [torch.randn(N, H, W, C_IN).permute(0, 3, 1, 2)]
    return [torch.randn(N, C_IN, H, W)]


def get_init_inputs():
    return [C_IN, C_OUT]


TAGS = ["conv", "pooling", "activation", "block", "fused"]
ATOL = 1e-4
RTOL = 1e-4
# TF32 tl.dot in an answer (and TF32 cuDNN in the eager reference) drifts further at the timing shapes
TIMING_ATOL = 0.01
TEST_CASES = [
    {"N": 2, "C_IN": 3, "C_OUT": 16, "H": 16, "W": 16},
    {"N": 1, "C_IN": 4, "C_OUT": 5, "H": 7, "W": 9},
    {"N": 3, "C_IN": 8, "C_OUT": 24, "H": 10, "W": 6, "CHANNELS_LAST": True},
]
TIMING_CASES = [{"N": 32, "C_IN": 64, "C_OUT": 128, "H": 128, "W": 128}]
