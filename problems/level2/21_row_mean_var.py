"""Per-row mean and unbiased variance, returned as a tuple:
mean[i] = sum_j x[i, j] / DIM;  var[i] = sum_j (x[i, j] - mean[i])^2 / (DIM - 1)  (Bessel's correction, DIM >= 2).

x has shape (BATCH, DIM), float32 (with a large common offset, so a naive E[x^2] - E[x]^2 loses precision). Returns
(mean, var), both of shape (BATCH,), float32."""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor):
        var, mean = torch.var_mean(x, dim=1, correction=1)
        return mean, var


BATCH = 8192
DIM = 8192
TRANSPOSED = False  # when True, x is a transposed (non-contiguous) view


def get_inputs():
    if TRANSPOSED:
        x = torch.randn(DIM, BATCH).t()
    else:
        x = torch.randn(BATCH, DIM)
    return [x * (torch.rand(BATCH, 1) * 3.0 + 0.5) + 20.0 * torch.randn(BATCH, 1)]


def get_init_inputs():
    return []


# --- KernelGym metadata -------------------------------------------------------------------------
TAGS = ["reduction", "fused"]
ATOL = 1e-5
RTOL = 1e-5
TEST_CASES = [
    {"BATCH": 8, "DIM": 64},
    {"BATCH": 1, "DIM": 3000},
    {"BATCH": 37, "DIM": 2, "TRANSPOSED": True},
    {"BATCH": 6, "DIM": 1500, "TRANSPOSED": True},
]
TIMING_CASES = [{"BATCH": 8192, "DIM": 8192}]
