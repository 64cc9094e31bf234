"""Linear layer followed by layer norm over its output features: out = LayerNorm(x @ W^T + b).

x has shape (BATCH, IN_FEATURES), float32; W (OUT_FEATURES, IN_FEATURES) and b (OUT_FEATURES,) belong to an nn.Linear
with default initialisation. LayerNorm(OUT_FEATURES) normalises each output row with its mean and biased variance,
eps = 1e-5, then applies weight and bias (OUT_FEATURES,) (re-initialised, non-trivial). Output (BATCH, OUT_FEATURES)."""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, in_features: int, out_features: int):
        super().__init__()
        self.fc = nn.Linear(in_features, out_features)
        self.norm = nn.LayerNorm(out_features, eps=1e-5)
        with torch.no_grad():
            self.norm.weight.uniform_(0.5, 1.5)
            self.norm.bias.uniform_(-0.5, 0.5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.norm(self.fc(x))


BATCH = 8192
IN_FEATURES = 4096
OUT_FEATURES = 1024
TRANSPOSED = False  # when True, x is a transposed (non-contiguous) view


def get_inputs():
    if TRANSPOSED:
        return [torch.randn(IN_FEATURES, BATCH).t()]
    return [torch.randn(BATCH, IN_FEATURES)]


def get_init_inputs():
    return [IN_FEATURES, OUT_FEATURES]


# --- KernelGym metadata -------------------------------------------------------------------------
TAGS = ["matmul", "norm", "fused"]
ATOL = 1e-4
RTOL = 1e-4
# TF32 tl.dot in an answer (and TF32 cuDNN in the eager reference) drifts further at the timing shapes
TIMING_ATOL = 0.1
TEST_CASES = [
    {"BATCH": 16, "IN_FEATURES": 32, "OUT_FEATURES": 48},
    {"BATCH": 1, "IN_FEATURES": 50, "OUT_FEATURES": 100},
    {"BATCH": 37, "IN_FEATURES": 20, "OUT_FEATURES": 7, "TRANSPOSED": True},
]
TIMING_CASES = [{"BATCH": 8192, "IN_FEATURES": 4096, "OUT_FEATURES": 1024}]
