"""Bias add followed by the tanh-approximated GELU (the fused "bias-GeLU" of transformer MLPs, no dropout):
h = x + bias;  out = 0.5 * h * (1 + tanh(sqrt(2 / pi) * (h + 0.044715 * h^3)))  (F.gelu with approximate='tanh').

x has shape (BATCH, SEQ, DIM), float32; bias is a learned nn.Parameter of shape (DIM,) broadcast over the leading
dimensions (re-initialised with uniform(-1, 1)). The output has shape (BATCH, SEQ, DIM), float32."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self, dim: int):
        super().__init__()
        self.bias = nn.Parameter(torch.empty(dim).uniform_(-1.0, 1.0))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.gelu(x + self.bias, approximate="tanh")


BATCH = 32
SEQ = 512
DIM = 4096
TRANSPOSED = False  # when True, x is a non-contiguous view of a (BATCH, DIM, SEQ) tensor


def get_inputs():
    if TRANSPOSED:
        return [torch.randn(BATCH, DIM, SEQ).transpose(1, 2) * 2.0]
    return [torch.randn(BATCH, SEQ, DIM) * 2.0]


def get_init_inputs():
    return [DIM]


# --- KernelGym metadata -------------------------------------------------------------------------
TAGS = ["elementwise", "activation", "fused"]
ATOL = 1e-5
RTOL = 1e-5
TEST_CASES = [
    {"BATCH": 2, "SEQ": 8, "DIM": 64},
    {"BATCH": 1, "SEQ": 1, "DIM": 1000},
    {"BATCH": 3, "SEQ": 7, "DIM": 33, "TRANSPOSED": True},
]
TIMING_CASES = [{"BATCH": 32, "SEQ": 512, "DIM": 4096}]
