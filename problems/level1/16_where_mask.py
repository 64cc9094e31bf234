"""Element-wise select: out = torch.where(cond, x, y), i.e. out[i, j] = x[i, j] if cond[i, j] else y[i, j].

cond is a torch.bool tensor and x, y are float32 tensors, all of shape (BATCH, DIM); x may arrive as a non-contiguous
(transposed) view. The output has shape (BATCH, DIM) and dtype float32.
"""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, cond: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return torch.where(cond, x, y)


BATCH = 4096
DIM = 16384
TRANSPOSED = False  # when True, x is passed as torch.randn(DIM, BATCH).t()


def get_inputs():
    cond = torch.rand(BATCH, DIM) < 0.5
    x = torch.randn(DIM, BATCH).t() if TRANSPOSED else torch.randn(BATCH, DIM)
    y = torch.randn(BATCH, DIM) * 2.0 + 3.0
    return [cond, x, y]


def get_init_inputs():
    return []


TAGS = ["elementwise", "indexing"]
ATOL = 0.0
RTOL = 0.0
TEST_CASES = [{"BATCH": 16, "DIM": 100}, {"BATCH": 1, "DIM": 3000}, {"BATCH": 33, "DIM": 65, "TRANSPOSED": True}]
TIMING_CASES = [{"BATCH": 4096, "DIM": 16384}]
