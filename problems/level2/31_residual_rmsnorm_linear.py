"""Residual add, RMSNorm, then a linear layer (pre-norm projection of a decoder block):
h = x + residual;  n = h / sqrt(mean(h^2) + eps) * g  (mean over the last dim, eps = 1e-6);  out = n @ W^T + b.

x and residual have shape (BATCH, DIM), float32; g (DIM,) belongs to an nn.RMSNorm (re-initialised, non-trivial);
W (OUT_FEATURES, DIM) and b (OUT_FEATURES,) to an nn.Linear with default initialisation. The output has shape
(BATCH, OUT_FEATURES), float32."""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, dim: int, out_features: int):
        super().__init__()
        self.norm = nn.RMSNorm(dim, eps=1e-6)
        with torch.no_grad():
            self.norm.weight.uniform_(0.5, 1.5)
        self.fc = nn.Linear(dim, out_features)

    def forward(self, x: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
        return self.fc(self.norm(x + residual))


BATCH = 4096
DIM = 4096
OUT_FEATURES = 4096
TRANSPOSED = False  # when True, residual is a transposed (non-contiguous) view


def get_inputs():
    x = torch.randn(BATCH, DIM) * 2.0
    residual = torch.randn(DIM, BATCH).t() if TRANSPOSED else torch.randn(BATCH, DIM)
    return [x, residual]


def get_init_inputs():
    return [DIM, OUT_FEATURES]


# --- KernelGym metadata -------------------------------------------------------------------------
TAGS = ["norm", "matmul", "fused"]
ATOL = 1e-4
RTOL = 1e-4
# TF32 tl.dot in an answer (and TF32 cuDNN in the eager reference) drifts further at the timing shapes
TIMING_ATOL = 0.01
TEST_CASES = [
    {"BATCH": 16, "DIM": 32, "OUT_FEATURES": 48},
    {"BATCH": 1, "DIM": 50, "OUT_FEATURES": 33},
    {"BATCH": 37, "DIM": 20, "OUT_FEATURES": 1, "TRANSPOSED": True},
    {"BATCH": 20, "DIM": 100, "OUT_FEATURES": 70},
]
TIMING_CASES = [{"BATCH": 4096, "DIM": 4096, "OUT_FEATURES": 4096}]
