"""Element-wise chain: out = relu((x * y + z) * w).

x, y and z have shape (BATCH, DIM), float32; w has shape (DIM,) (a per-column weight broadcast over the rows),
float32. The output has shape (BATCH, DIM), float32."""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor, y: torch.Tensor, z: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
        return torch.relu((x * y + z) * w)


BATCH = 8192
DIM = 8192
TRANSPOSED = False  # when True, y is a transposed (non-contiguous) view


def get_inputs():
    x = torch.randn(BATCH, DIM)
    y = torch.randn(DIM, BATCH).t() if TRANSPOSED else torch.randn(BATCH, DIM)
    return [x, y, torch.randn(BATCH, DIM), torch.randn(DIM)]


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
]
TIMING_CASES = [{"BATCH": 8192, "DIM": 8192}]
