"""1-D convolution (with bias) followed by tanh: out = tanh(conv1d(x, W, b)), zero padding KERNEL_SIZE // 2,
stride STRIDE, no dilation, groups 1.

x has shape (BATCH, IN_CHANNELS, LENGTH), float32; W (OUT_CHANNELS, IN_CHANNELS, KERNEL_SIZE) and b (OUT_CHANNELS,)
belong to an nn.Conv1d with default initialisation. The output has shape (BATCH, OUT_CHANNELS, OUT_LENGTH) with
OUT_LENGTH = (LENGTH + 2 * (KERNEL_SIZE // 2) - KERNEL_SIZE) // STRIDE + 1, float32."""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, stride: int):
        super().__init__()
        self.conv = nn.Conv1d(in_channels, out_channels, kernel_size, stride=stride, padding=kernel_size // 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.tanh(self.conv(x))


BATCH = 64
IN_CHANNELS = 256
OUT_CHANNELS = 256
LENGTH = 4096
KERNEL_SIZE = 5
STRIDE = 1
CHANNELS_LAST = False  # when True, x is a non-contiguous view of a (BATCH, LENGTH, IN_CHANNELS) tensor


def get_inputs():
    if CHANNELS_LAST:
        return [torch.randn(BATCH, LENGTH, IN_CHANNELS).permute(0, 2, 1) * 2.0]
    return [torch.randn(BATCH, IN_CHANNELS, LENGTH) * 2.0]


def get_init_inputs():
    return [IN_CHANNELS, OUT_CHANNELS, KERNEL_SIZE, STRIDE]


# --- KernelGym metadata -------------------------------------------------------------------------
TAGS = ["conv", "activation", "fused"]
ATOL = 1e-4
RTOL = 1e-4
# TF32 tl.dot in an answer (and TF32 cuDNN in the eager reference) drifts further at the timing shapes
TIMING_ATOL = 0.02
TEST_CASES = [
    {"BATCH": 2, "IN_CHANNELS": 4, "OUT_CHANNELS": 16, "LENGTH": 40},
    {"BATCH": 1, "IN_CHANNELS": 3, "OUT_CHANNELS": 1, "LENGTH": 37, "KERNEL_SIZE": 4, "STRIDE": 2},
    {"BATCH": 3, "IN_CHANNELS": 6, "OUT_CHANNELS": 20, "LENGTH": 19, "KERNEL_SIZE": 3, "STRIDE": 3,
     "CHANNELS_LAST": True},
]
TIMING_CASES = [{"BATCH": 64, "IN_CHANNELS": 256, "OUT_CHANNELS": 256, "LENGTH": 4096}]
