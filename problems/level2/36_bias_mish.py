"""Bias add followed by Mish, written as its op chain: h = x + bias;  sp = softplus(h) = log(1 + exp(h));
out = h * tanh(sp).

x has shape (BATCH, DIM), float32; bias is a learned nn.Parameter of shape (DIM,) broadcast over the rows
(re-initialised with uniform(-1, 1)). F.softplus uses its default threshold (sp = h for h > 20), which agrees with the
exact softplus to float32 precision. The output has shape (BATCH, DIM), float32."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self, dim: int):
        super().__init__()
        self.bias = nn.Parameter(torch.empty(dim).uniform_(-1.0, 1.0))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = x + self.bias
        return h * torch.tanh(F.softplus(h))


BATCH = 8192
DIM = 8192
TRANSPOSED = False  # when True, x is a transposed (non-contiguous) view


def get_inputs():
    x = torch.randn(DIM, BATCH).t() if TRANSPOSED else torch.randn(BATCH, DIM)
    return [x * 4.0]


def get_init_inputs():
    return [DIM]


# --- KernelGym metadata -------------------------------------------------------------------------
TAGS = ["elementwise", "activation", "fused"]
ATOL = 1e-5
RTOL = 1e-5
TEST_CASES = [
    {"BATCH": 16, "DIM": 100},
    {"BATCH": 1, "DIM": 3000},
    {"BATCH": 33, "DIM": 65, "TRANSPOSED": True},
]
TIMING_CASES = [{"BATCH": 8192, "DIM": 8192}]
