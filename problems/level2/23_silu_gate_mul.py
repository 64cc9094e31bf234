"""SiLU-gated product: out = x * sigmoid(x) * y, element-wise (silu(x) * y, the gate of a SwiGLU MLP).

x has shape (BATCH, DIM), float32; y has shape (BATCH, DIM), float32, or, when BROADCAST_Y is set, shape (1, DIM)
broadcast over the rows. The output has shape (BATCH, DIM), float32."""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return x * torch.sigmoid(x) * y


BATCH = 8192
DIM = 8192
TRANSPOSED = False   # when True, x is a transposed (non-contiguous) view
BROADCAST_Y = False  # when True, y has shape (1, DIM)


def get_inputs():
    x = torch.randn(DIM, BATCH).t() * 3.0 if TRANSPOSED else torch.randn(BATCH, DIM) * 3.0
    y = torch.randn(1, DIM) if BROADCAST_Y else torch.randn(BATCH, DIM)
    return [x, y]


def get_init_inputs():
    return []


# --- KernelGym metadata -------------------------------------------------------------------------
TAGS = ["elementwise", "activation", "fused"]
ATOL = 1e-5
RTOL = 1e-5
TEST_CASES = [
    {"BATCH": 16, "DIM": 100},
    {"BATCH": 1, "DIM": 3000},
    {"BATCH": 33, "DIM": 65, "TRANSPOSED": True},
    {"BATCH": 7, "DIM": 130, "BROADCAST_Y": True},
]
TIMING_CASES = [{"BATCH": 8192, "DIM": 8192}]
