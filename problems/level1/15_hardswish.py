"""Hardswish activation, element-wise: out = x * relu6(x + 3) / 6 = x * min(max(x + 3, 0), 6) / 6 (nn.Hardswish()).

x is a 2-D float32 tensor of shape (BATCH, DIM) and may arrive as a non-contiguous (transposed) view; the output has
the same shape and dtype float32.
"""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.act = nn.Hardswish()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(x)


BATCH = 4096
DIM = 16384
TRANSPOSED = False  # when True, x is passed as torch.randn(DIM, BATCH).t()


def get_inputs():
    if TRANSPOSED:
        return [(torch.randn(DIM, BATCH) * 4.0).t()]
    return [torch.randn(BATCH, DIM) * 4.0]


def get_init_inputs():
    return []


TAGS = ["elementwise", "activation"]
ATOL = 1e-6
RTOL = 1e-5
TEST_CASES = [{"BATCH": 16, "DIM": 100}, {"BATCH": 1, "DIM": 3000}, {"BATCH": 33, "DIM": 65, "TRANSPOSED": True}]
TIMING_CASES = [{"BATCH": 4096, "DIM": 16384}]
