"""Layer normalization over the last dimension with a learned affine transform:
out = (x - mean(x)) / sqrt(var(x) + eps) * weight + bias, with the biased variance and eps = 1e-5.
x has shape (BATCH, DIM); weight and bias have shape (DIM,)."""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, dim: int):
        super().__init__()
        self.norm = nn.LayerNorm(dim, eps=1e-5)
        # Non-trivial affine parameters, so that a solution must really apply them.
        with torch.no_grad():
            self.norm.weight.uniform_(0.5, 1.5)
            self.norm.bias.uniform_(-0.5, 0.5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.norm(x)


BATCH = 8192
DIM = 4096


def get_inputs():
    return [torch.randn(BATCH, DIM) * 2.0 + 0.5]


def get_init_inputs():
    return [DIM]


TAGS = ["norm"]
ATOL = 1e-5
RTOL = 1e-5
TEST_CASES = [{"BATCH": 8, "DIM": 64}, {"BATCH": 1, "DIM": 1000}, {"BATCH": 7, "DIM": 3}]
TIMING_CASES = [{"BATCH": 8192, "DIM": 4096}]
