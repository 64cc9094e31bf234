"""RMS normalisation over the last dimension with a learned scale (nn.RMSNorm(dim, eps=1e-6)):
out[i, j] = x[i, j] / sqrt(mean_k x[i, k]^2 + eps) * weight[j], eps = 1e-6.

x is float32 of shape (BATCH, DIM) and may arrive as a non-contiguous (transposed) view; weight has shape (DIM,); the
output has shape (BATCH, DIM) and dtype float32.
"""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, dim: int):
        super().__init__()
        self.norm = nn.RMSNorm(dim, eps=1e-6)
        # A non-trivial scale, so that a solution must really apply it.
        with torch.no_grad():
            self.norm.weight.uniform_(0.5, 1.5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.norm(x)


BATCH = 8192
DIM = 4096
TRANSPOSED = False  # when True, x is passed as a (DIM, BATCH) tensor transposed with .t()


def get_inputs():
    if TRANSPOSED:
        return [(torch.randn(DIM, BATCH) * 2.0 + 0.5).t()]
    return [torch.randn(BATCH, DIM) * 2.0 + 0.5]


def get_init_inputs():
    return [DIM]


TAGS = ["norm"]
ATOL = 1e-5
RTOL = 1e-5
TEST_CASES = [{"BATCH": 16, "DIM": 64}, {"BATCH": 1, "DIM": 3000}, {"BATCH": 17, "DIM": 65, "TRANSPOSED": True},
              {"BATCH": 7, "DIM": 1}]
TIMING_CASES = [{"BATCH": 8192, "DIM": 4096}]
