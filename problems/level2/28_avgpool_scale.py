"""2-D average pooling (padding excluded from the count) followed by a constant scale:
out = avg_pool2d(x, kernel_size=3, stride=2, padding=1, count_include_pad=False) * scale.

Each output is the mean of the in-bounds inputs of its 3 x 3 window (border windows average fewer than 9 values),
times scale (a Python float constructor argument). x has shape (BATCH, CHANNELS, HEIGHT, WIDTH), float32. The output
has shape (BATCH, CHANNELS, (HEIGHT - 1) // 2 + 1, (WIDTH - 1) // 2 + 1), float32."""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, scale: float):
        super().__init__()
        self.pool = nn.AvgPool2d(kernel_size=3, stride=2, padding=1, count_include_pad=False)
        self.scale = scale

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pool(x) * self.scale


BATCH = 64
CHANNELS = 128
HEIGHT = 128
WIDTH = 128
SCALE = 1.75
CHANNELS_LAST = False  # when True, x is a non-contiguous (channels-last) view


def get_inputs():
    if CHANNELS_LAST:
        return [torch.randn(BATCH, HEIGHT, WIDTH, CHANNELS).permute(0, 3, 1, 2) + 0.5]
    return [torch.randn(BATCH, CHANNELS, HEIGHT, WIDTH) + 0.5]


def get_init_inputs():
    return [SCALE]


# --- KernelGym metadata -------------------------------------------------------------------------
TAGS = ["pooling", "elementwise", "fused"]
ATOL = 1e-6
RTOL = 1e-5
TEST_CASES = [
    {"BATCH": 2, "CHANNELS": 4, "HEIGHT": 16, "WIDTH": 16},
    {"BATCH": 1, "CHANNELS": 3, "HEIGHT": 1, "WIDTH": 37, "SCALE": -0.5},
    {"BATCH": 3, "CHANNELS": 5, "HEIGHT": 9, "WIDTH": 10, "CHANNELS_LAST": True},
]
TIMING_CASES = [{"BATCH": 64, "CHANNELS": 128, "HEIGHT": 128, "WIDTH": 128}]
