"""1-D convolution (cross-correlation) with bias: out = nn.Conv1d(C_IN, C_OUT, KERNEL_SIZE, bias=True)(x), float32,
stride 1, no padding, no dilation, groups 1. x has shape (N, C_IN, L); weight (C_OUT, C_IN, KERNEL_SIZE); bias (C_OUT,);
out has shape (N, C_OUT, L - KERNEL_SIZE + 1) and
out[n, o, t] = bias[o] + sum_{c < C_IN} sum_{k < KERNEL_SIZE} weight[o, c, k] * x[n, c, t + k].
Parameters use PyTorch's default Conv1d initialisation. x may arrive as a non-contiguous (channels-last) view.
"""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, kernel_size: int):
        super().__init__()
        self.conv = nn.Conv1d(in_channels, out_channels, kernel_size, bias=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(x)


N = 16
C_IN = 64
C_OUT = 128
L = 16384
KERNEL_SIZE = 3
CHANNELS_LAST = False  # when True, x is passed as torch.randn(N, L, C_IN).transpose(1, 2)


def get_inputs():
    return [torch.randn(N, L, C_IN).transpose(1, 2) if CHANNELS_LAST else torch.randn(N, C_IN, L)]


def get_init_inputs():
    return [C_IN, C_OUT, KERNEL_SIZE]


TAGS = ["conv"]
ATOL = 1e-5
RTOL = 1e-5
# TF32 tl.dot in an answer (and TF32 cuDNN in the eager reference) drifts further at the timing shapes
TIMING_ATOL = 0.01
TEST_CASES = [{"N": 2, "C_IN": 3, "C_OUT": 5, "L": 20}, {"N": 1, "C_IN": 1, "C_OUT": 1, "L": 3},
              {"N": 3, "C_IN": 4, "C_OUT": 6, "L": 37, "KERNEL_SIZE": 5, "CHANNELS_LAST": True},
              {"N": 1, "C_IN": 8, "C_OUT": 20, "L": 70, "KERNEL_SIZE": 1}]
TIMING_CASES = [{"N": 16, "C_IN": 64, "C_OUT": 128, "L": 16384, "KERNEL_SIZE": 3}]
