"""Hyperbolic tangent, element-wise: out = tanh(x) = (exp(x) - exp(-x)) / (exp(x) + exp(-x)).

x is a 2-D float32 tensor of shape (BATCH, DIM) and may arrive as a non-contiguous (transposed) view; the output has
the same shape and dtype float32.
"""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.tanh(x)


BATCH = 4096
DIM = 16384
TRANSPOSED = False  # when True, x is passed as torch.randn(DIM, BATCH).t()


def get_inputs():
    if TRANSPOSED:
        return [(torch.randn(DIM, BATCH) * 2.0).t()]
    return [torch.randn(BATCH, DIM) * 2.0]


def get_init_inputs():
    return []


TAGS = ["elementwise", "activation"]
ATOL = 1e-6
RTOL = 1e-5
TEST_CASES = [{"BATCH": 16, "DIM": 100}, {"BATCH": 1, "DIM": 3000}, {"BATCH": 33, "DIM": 65, "TRANSPOSED": True}]
TIMING_CASES = [{"BATCH": 4096, "DIM": 16384}]
