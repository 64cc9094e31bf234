"""Two-layer MLP with an exact GELU: out = fc2(gelu(fc1(x))), where fcN(z) = z @ W_N^T + b_N and
gelu(z) = 0.5 * z * (1 + erf(z / sqrt(2))) (nn.GELU() with approximate='none').

x has shape (BATCH, IN_FEATURES), float32; fc1 maps IN_FEATURES -> HIDDEN and fc2 maps HIDDEN -> OUT_FEATURES
(both nn.Linear with bias, default initialisation). The output has shape (BATCH, OUT_FEATURES), float32."""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, in_features: int, hidden: int, out_features: int):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden, out_features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(self.act(self.fc1(x)))


BATCH = 4096
IN_FEATURES = 1024
HIDDEN = 4096
OUT_FEATURES = 1024
TRANSPOSED = False  # when True, x is a transposed (non-contiguous) view


def get_inputs():
    if TRANSPOSED:
        return [torch.randn(IN_FEATURES, BATCH).t()]
    return [torch.randn(BATCH, IN_FEATURES)]


def get_init_inputs():
    return [IN_FEATURES, HIDDEN, OUT_FEATURES]


TAGS = ["block", "matmul", "activation", "fused"]
ATOL = 1e-4
RTOL = 1e-4
# TF32 tl.dot in an answer (and TF32 cuDNN in the eager reference) drifts further at the timing shapes
TIMING_ATOL = 0.005
TEST_CASES = [
    {"BATCH": 16, "IN_FEATURES": 32, "HIDDEN": 64, "OUT_FEATURES": 16},
    {"BATCH": 1, "IN_FEATURES": 50, "HIDDEN": 100, "OUT_FEATURES": 33},
    {"BATCH": 13, "IN_FEATURES": 24, "HIDDEN": 40, "OUT_FEATURES": 1, "TRANSPOSED": True},
]
TIMING_CASES = [{"BATCH": 4096, "IN_FEATURES": 1024, "HIDDEN": 4096, "OUT_FEATURES": 1024}]
