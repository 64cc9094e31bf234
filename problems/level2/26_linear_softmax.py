"""Linear layer followed by a softmax over the output features: out = softmax(x @ W^T + b, dim=1).

x has shape (BATCH, IN_FEATURES), float32; W (OUT_FEATURES, IN_FEATURES) and b (OUT_FEATURES,) belong to an nn.Linear
with default initialisation. The output has shape (BATCH, OUT_FEATURES), float32, each row summing to 1."""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, in_features: int, out_features: int):
        super().__init__()
        self.fc = nn.Linear(in_features, out_features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.softmax(self.fc(x), dim=1)


BATCH = 8192
IN_FEATURES = 4096
OUT_FEATURES = 1024
TRANSPOSED = False  # when True, x is a transposed (non-contiguous) view


def get_inputs():
    if TRANSPOSED:
        return [torch.randn(IN_FEATURES, BATCH).t() * 4.0]
    return [torch.randn(BATCH, IN_FEATURES) * 4.0]


def get_init_inputs():
    return [IN_FEATURES, OUT_FEATURES]


# --- KernelGym metadata -------------------------------------------------------------------------
TAGS = ["matmul", "softmax", "fused"]
ATOL = 1e-5
RTOL = 1e-4
# TF32 tl.dot in an answer (and TF32 cuDNN in the eager reference) drifts further at the timing shapes
TIMING_ATOL = 0.005
TEST_CASES = [
    {"BATCH": 16, "IN_FEATURES": 32, "OUT_FEATURES": 48},
    {"BATCH": 1, "IN_FEATURES": 50, "OUT_FEATURES": 100},
    {"BATCH": 37, "IN_FEATURES": 20, "OUT_FEATURES": 7, "TRANSPOSED": True},
]
TIMING_CASES = [{"BATCH": 8192, "IN_FEATURES": 4096, "OUT_FEATURES": 1024}]
