"""Linear layer followed by hardtanh: out = clamp(x @ W^T + b, min_val, max_val) (nn.Hardtanh(min_val, max_val)).

x has shape (BATCH, IN_FEATURES), float32; W (OUT_FEATURES, IN_FEATURES) and b (OUT_FEATURES,) belong to an nn.Linear
with default initialisation; min_val < max_val are Python float constructor arguments. The output has shape
(BATCH, OUT_FEATURES), float32."""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, in_features: int, out_features: int, min_val: float, max_val: float):
        super().__init__()
        self.fc = nn.Linear(in_features, out_features)
        self.act = nn.Hardtanh(min_val, max_val)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(self.fc(x))


BATCH = 4096
IN_FEATURES = 4096
OUT_FEATURES = 4096
MIN_VAL = -0.5
MAX_VAL = 0.75
TRANSPOSED = False  # when True, x is a transposed (non-contiguous) view


def get_inputs():
    if TRANSPOSED:
        return [torch.randn(IN_FEATURES, BATCH).t() * 1.5]
    return [torch.randn(BATCH, IN_FEATURES) * 1.5]


def get_init_inputs():
    return [IN_FEATURES, OUT_FEATURES, MIN_VAL, MAX_VAL]


# --- KernelGym metadata -------------------------------------------------------------------------
TAGS = ["matmul", "activation", "fused"]
ATOL = 1e-4
RTOL = 1e-4
# TF32 tl.dot in an answer (and TF32 cuDNN in the eager reference) drifts further at the timing shapes
TIMING_ATOL = 0.01
TEST_CASES = [
    {"BATCH": 16, "IN_FEATURES": 32, "OUT_FEATURES": 48},
    {"BATCH": 1, "IN_FEATURES": 50, "OUT_FEATURES": 33, "MIN_VAL": -1.0, "MAX_VAL": 0.25},
    {"BATCH": 37, "IN_FEATURES": 20, "OUT_FEATURES": 1, "TRANSPOSED": True},
]
TIMING_CASES = [{"BATCH": 4096, "IN_FEATURES": 4096, "OUT_FEATURES": 4096}]
