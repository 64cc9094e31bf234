"""Per-row cosine similarity between two inputs (F.cosine_similarity(x1, x2, dim=1, eps=1e-8)):
out[i] = sum_j x1[i, j] * x2[i, j] / (max(||x1[i, :]||, eps) * max(||x2[i, :]||, eps)).

x1 has shape (BATCH, DIM), float32; x2 has shape (BATCH, DIM), or (1, DIM) broadcast over the rows when BROADCAST is
set. The inputs are partially correlated, so the similarities spread over (-1, 1). The output has shape (BATCH,),
float32."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x1: torch.Tensor, x2: torch.Tensor) -> torch.Tensor:
        return F.cosine_similarity(x1, x2, dim=1, eps=1e-8)


BATCH = 8192
DIM = 8192
BROADCAST = False   # when True, x2 has shape (1, DIM)
TRANSPOSED = False  # when True, x1 is a transposed (non-contiguous) view


def get_inputs():
    if BROADCAST:
        x2 = torch.randn(1, DIM)
        x1 = x2 * torch.randn(BATCH, 1) + torch.randn(BATCH, DIM)
    else:
        x1 = torch.randn(DIM, BATCH).t() if TRANSPOSED else torch.randn(BATCH, DIM)
        x2 = x1 * torch.randn(BATCH, 1) * 2.0 + torch.randn(BATCH, DIM)
    return [x1, x2]


def get_init_inputs():
    return []


# --- KernelGym metadata -------------------------------------------------------------------------
TAGS = ["reduction", "norm", "fused"]
ATOL = 1e-5
RTOL = 1e-5
TEST_CASES = [
    {"BATCH": 8, "DIM": 64},
    {"BATCH": 1, "DIM": 3000},
    {"BATCH": 37, "DIM": 20, "TRANSPOSED": True},
    {"BATCH": 6, "DIM": 1500, "BROADCAST": True},
]
TIMING_CASES = [{"BATCH": 8192, "DIM": 8192}]
