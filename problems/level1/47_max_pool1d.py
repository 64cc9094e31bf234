"""1-D max pooling: out = nn.MaxPool1d(kernel_size, stride)(x), float32, no padding, no dilation, floor mode.
x has shape (N, C, L); out has shape (N, C, L_out) with L_out = (L - kernel_size) // stride + 1 and
out[n, c, o] = max_{k < kernel_size} x[n, c, o * stride + k]. x may arrive as a non-contiguous view.
"""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, kernel_size: int, stride: int):
        super().__init__()
        self.pool = nn.MaxPool1d(kernel_size=kernel_size, stride=stride)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pool(x)


N = 16
C = 64
L = 65536
KERNEL_SIZE = 3
STRIDE = 2
CHANNELS_LAST = False  # when True, x is passed as torch.randn(N, L, C).transpose(1, 2)


def get_inputs():
    return [torch.randn(N, L, C).transpose(1, 2) if CHANNELS_LAST else torch.randn(N, C, L)]


def get_init_inputs():
    return [KERNEL_SIZE, STRIDE]


TAGS = ["pooling"]
ATOL = 0.0
RTOL = 0.0
TEST_CASES = [{"N": 2, "C": 3, "L": 100}, {"N": 1, "C": 1, "L": 3},
              {"N": 3, "C": 5, "L": 64, "KERNEL_SIZE": 4, "STRIDE": 3, "CHANNELS_LAST": True},
              {"N": 4, "C": 1, "L": 33, "KERNEL_SIZE": 2, "STRIDE": 1}]
TIMING_CASES = [{"N": 16, "C": 64, "L": 65536}]
