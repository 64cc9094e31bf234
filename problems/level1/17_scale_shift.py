"""Affine scale-and-shift with a per-column bias: out = x * scale + shift + bias[None, :].

x is a float32 tensor of shape (BATCH, DIM) and may arrive as a non-contiguous (transposed) view; bias is a float32
vector of shape (DIM,) broadcast over the rows; scale and shift are float constructor arguments. The output has shape
(BATCH, DIM) and dtype float32.
"""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, scale: float, shift: float):
        super().__init__()
        self.scale = scale
        self.shift = shift

    def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        return x * self.scale + self.shift + bias


BATCH = 4096
DIM = 16384
SCALE = 1.75
SHIFT = -0.5
TRANSPOSED = False  # when True, x is passed as torch.randn(DIM, BATCH).t()


def get_inputs():
    x = torch.randn(DIM, BATCH).t() if TRANSPOSED else torch.randn(BATCH, DIM)
    return [x, torch.randn(DIM)]


def get_init_inputs():
    return [SCALE, SHIFT]


TAGS = ["elementwise", "fused"]
ATOL = 1e-5
RTOL = 1e-5
TEST_CASES = [{"BATCH": 16, "DIM": 100}, {"BATCH": 1, "DIM": 3000}, {"BATCH": 33, "DIM": 65, "TRANSPOSED": True},
              {"BATCH": 20, "DIM": 1, "SCALE": -3.0, "SHIFT": 2.25}]
TIMING_CASES = [{"BATCH": 4096, "DIM": 16384}]
