"""2-D max pooling followed by ReLU: out = relu(max_pool2d(x, kernel_size=3, stride=2, padding=1)).

Padding positions never win the max (implicit -inf padding, as nn.MaxPool2d). x has shape
(BATCH, CHANNELS, HEIGHT, WIDTH), float32 (shifted so that many pooled values are negative). The output has shape
(BATCH, CHANNELS, (HEIGHT - 1) // 2 + 1, (WIDTH - 1) // 2 + 1), float32."""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.pool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(self.pool(x))


BATCH = 64
CHANNELS = 128
HEIGHT = 128
WIDTH = 128
CHANNELS_LAST = False  # when True, x is a non-contiguous (channels-last) view


def get_inputs():
    if CHANNELS_LAST:
        x = torch.randn(BATCH, HEIGHT, WIDTH, CHANNELS).permute(0, 3, 1, 2)
    else:
        x = torch.randn(BATCH, CHANNELS, HEIGHT, WIDTH)
    return [x * 2.0 - 3.0]


def get_init_inputs():
    return []


# --- KernelGym metadata -------------------------------------------------------------------------
TAGS = ["pooling", "activation", "fused"]
ATOL = 0.0
RTOL = 0.0
TEST_CASES = [
    {"BATCH": 2, "CHANNELS": 4, "HEIGHT": 16, "WIDTH": 16},
    {"BATCH": 1, "CHANNELS": 3, "HEIGHT": 1, "WIDTH": 37},
    {"BATCH": 3, "CHANNELS": 5, "HEIGHT": 9, "WIDTH": 10, "CHANNELS_LAST": True},
]
TIMING_CASES = [{"BATCH": 64, "CHANNELS": 128, "HEIGHT": 128, "WIDTH": 128}]
