"""Linear layer, sigmoid, then a constant scale: out = sigmoid(x @ W^T + b) * scale, sigmoid(z) = 1 / (1 + exp(-z)).

x has shape (BATCH, IN_FEATURES), float32; W (OUT_FEATURES, IN_FEATURES) and b (OUT_FEATURES,) belong to an
nn.Linear with default initialisation; scale is a Python float constructor argument. The output has shape
(BATCH, OUT_FEATURES), float32."""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, in_features: int, out_features: int, scale: float):
        super().__init__()
        self.fc = nn.Linear(in_features, out_features)
        self.scale = scale

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.fc(x)) * self.scale


BATCH = 4096
IN_FEATURES = 4096
OUT_FEATURES = 4096
SCALE = 2.5
TRANSPOSED = False  # when True, x is a transposed (non-contiguous) view


def get_inputs():
    if TRANSPOSED:
        return [torch.randn(IN_FEATURES, BATCH).t() * 3.0]
    return [torch.randn(BATCH, IN_FEATURES) * 3.0]


def get_init_inputs():
    return [IN_FEATURES, OUT_FEATURES, SCALE]


# --- KernelGym metadata -------------------------------------------------------------------------
TAGS = ["matmul", "activation", "fused"]
ATOL = 1e-4
RTOL = 1e-4
# TF32 tl.dot in an answer (and TF32 cuDNN in the eager reference) drifts further at the timing shapes
TIMING_ATOL = 0.01
TEST_CASES = [
    {"BATCH": 16, "IN_FEATURES": 32, "OUT_FEATURES": 48},
    {"BATCH": 1, "IN_FEATURES": 50, "OUT_FEATURES": 33, "SCALE": -0.75},
    {"BATCH": 37, "IN_FEATURES": 20, "OUT_FEATURES": 1, "TRANSPOSED": True},
]
TIMING_CASES = [{"BATCH": 4096, "IN_FEATURES": 4096, "OUT_FEATURES": 4096}]
