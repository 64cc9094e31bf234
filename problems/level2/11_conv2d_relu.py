"""2-D convolution followed by ReLU: out = relu(conv2d(x, W, b)), stride 1, zero padding 1, no dilation, groups 1.

x has shape (BATCH, IN_CHANNELS, HEIGHT, WIDTH), float32; W (OUT_CHANNELS, IN_CHANNELS, KERNEL_SIZE, KERNEL_SIZE) and
b (OUT_CHANNELS,) belong to an nn.Conv2d with default initialisation. relu(z) = max(z, 0). The output has shape
(BATCH, OUT_CHANNELS, HEIGHT + 2 - KERNEL_SIZE + 1, WIDTH + 2 - KERNEL_SIZE + 1), float32."""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, kernel_size: int):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size, stride=1, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(self.conv(x))


BATCH = 32
IN_CHANNELS = 64
OUT_CHANNELS = 128
HEIGHT = 64
WIDTH = 64
KERNEL_SIZE = 3
CHANNELS_LAST = False  # when True, x is a non-contiguous (channels-last) view


def get_inputs():
    if CHANNELS_LAST:
        return [torch.randn(BATCH, HEIGHT, WIDTH, IN_CHANNELS).permute(0, 3, 1, 2)]
    return [torch.randn(BATCH, IN_CHANNELS, HEIGHT, WIDTH)]


def get_init_inputs():
    return [IN_CHANNELS, OUT_CHANNELS, KERNEL_SIZE]


# --- KernelGym metadata -------------------------------------------------------------------------
TAGS = ["conv", "activation", "fused"]
ATOL = 1e-4
RTOL = 1e-4
# TF32 tl.dot in an answer (and TF32 cuDNN in the eager reference) drifts further at the timing shapes
TIMING_ATOL = 0.01
TEST_CASES = [
    {"BATCH": 2, "IN_CHANNELS": 3, "OUT_CHANNELS": 8, "HEIGHT": 10, "WIDTH": 10},
    {"BATCH": 1, "IN_CHANNELS": 5, "OUT_CHANNELS": 1, "HEIGHT": 7, "WIDTH": 13, "KERNEL_SIZE": 2},
    {"BATCH": 3, "IN_CHANNELS": 4, "OUT_CHANNELS": 20, "HEIGHT": 6, "WIDTH": 5, "CHANNELS_LAST": True},
]
TIMING_CASES = [{"BATCH": 32, "IN_CHANNELS": 64, "OUT_CHANNELS": 128, "HEIGHT": 64, "WIDTH": 64}]
