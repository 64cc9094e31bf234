"""Residual add followed by layer normalization (post-LN transformer block): out = LayerNorm(x + residual).

LayerNorm is over the last dimension with a learned affine transform: with h = x + residual,
out = (h - mean(h)) / sqrt(var(h) + eps) * weight + bias, biased variance, eps = 1e-5.
x and residual have shape (BATCH, DIM), float32; weight and bias have shape (DIM,). The output has shape (BATCH, DIM)."""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, dim: int):
        super().__init__()
        self.norm = nn.LayerNorm(dim, eps=1e-5)
        # Non-trivial affine parameters, so that a solution must really apply them.
        with torch.no_grad():
            self.norm.weight.uniform_(0.5, 1.5)
            self.norm.bias.uniform_(-0.5, 0.5)

    def forward(self, x: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
        return self.norm(x + residual)


BATCH = 8192
DIM = 4096
TRANSPOSED = False  # when True, residual is a transposed (non-contiguous) view


def get_inputs():
    x = torch.randn(BATCH, DIM) * 2.0 + 0.5
    residual = torch.randn(DIM, BATCH).t() if TRANSPOSED else torch.randn(BATCH, DIM)
    return [x, residual]


def get_init_inputs():
    return [DIM]


# --- KernelGym metadata -------------------------------------------------------------------------
TAGS = ["norm", "elementwise", "fused"]
ATOL = 1e-5
RTOL = 1e-5
TEST_CASES = [
    {"BATCH": 8, "DIM": 64},
    {"BATCH": 1, "DIM": 1000},
    {"BATCH": 7, "DIM": 3},
    {"BATCH": 5, "DIM": 100, "TRANSPOSED": True},
]
TIMING_CASES = [{"BATCH": 8192, "DIM": 4096}]
