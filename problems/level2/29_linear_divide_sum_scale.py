"""Linear layer, divide, sum over the features, scale (KernelBench "Gemm_Divide_Sum_Scaling" style):
out[i, 0] = scale * sum_n ((x @ W^T + b)[i, n] / divisor).

x has shape (BATCH, IN_FEATURES), float32; W (HIDDEN, IN_FEATURES) and b (HIDDEN,) belong to an nn.Linear with
default initialisation; divisor and scale are Python float constructor arguments. The output has shape (BATCH, 1)
(keepdim), float32."""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, in_features: int, hidden: int, divisor: float, scale: float):
        super().__init__()
        self.fc = nn.Linear(in_features, hidden)
        self.divisor = divisor
        self.scale = scale

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.fc(x) / self.divisor
        return torch.sum(y, dim=1, keepdim=True) * self.scale


BATCH = 8192
IN_FEATURES = 8192
HIDDEN = 8192
DIVISOR = 2.0
SCALE = 1.5
TRANSPOSED = False  # when True, x is a transposed (non-contiguous) view


def get_inputs():
    if TRANSPOSED:
        return [torch.randn(IN_FEATURES, BATCH).t()]
    return [torch.randn(BATCH, IN_FEATURES)]


def get_init_inputs():
    return [IN_FEATURES, HIDDEN, DIVISOR, SCALE]


# --- KernelGym metadata -------------------------------------------------------------------------
TAGS = ["matmul", "reduction", "fused"]
ATOL = 1e-4
RTOL = 1e-4
# fp32 sums taken in another order drift further at the timing shapes
# (an H200 measured more than 1e-4 for the reference solution)
TIMING_ATOL = 0.0005
TEST_CASES = [
    {"BATCH": 16, "IN_FEATURES": 32, "HIDDEN": 48},
    {"BATCH": 1, "IN_FEATURES": 50, "HIDDEN": 300, "DIVISOR": 0.5, "SCALE": -2.0},
    {"BATCH": 37, "IN_FEATURES": 20, "HIDDEN": 1, "TRANSPOSED": True},
    {"BATCH": 70, "IN_FEATURES": 130, "HIDDEN": 33, "TRANSPOSED": True},
]
TIMING_CASES = [{"BATCH": 8192, "IN_FEATURES": 8192, "HIDDEN": 8192}]
