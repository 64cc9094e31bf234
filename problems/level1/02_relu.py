"""ReLU activation: out = max(x, 0), element-wise, on a 2-D float32 tensor of shape (BATCH, DIM)."""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(x)


BATCH = 4096
DIM = 16384


def get_inputs():
    return [torch.randn(BATCH, DIM)]


def get_init_inputs():
    return []


TAGS = ["elementwise", "activation"]
ATOL = 0.0
RTOL = 0.0
TEST_CASES = [{"BATCH": 16, "DIM": 100}, {"BATCH": 1, "DIM": 3000}, {"BATCH": 33, "DIM": 65}]
TIMING_CASES = [{"BATCH": 4096, "DIM": 16384}]
