"""Upper-triangular masking of a square matrix: out = torch.triu(x, diagonal), float32. x has shape (N, N); out has
the same shape and out[i, j] = x[i, j] if j - i >= diagonal else 0.0. diagonal is an integer constructor argument
(0 keeps the main diagonal, > 0 drops it and more, < 0 keeps some sub-diagonals). x may arrive transposed.
"""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, diagonal: int):
        super().__init__()
        self.diagonal = diagonal

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.triu(x, diagonal=self.diagonal)


N = 8192
DIAGONAL = 0
TRANSPOSED = False  # when True, x is passed as torch.randn(N, N).t()


def get_inputs():
    return [torch.randn(N, N).t() if TRANSPOSED else torch.randn(N, N)]


def get_init_inputs():
    return [DIAGONAL]


TAGS = ["elementwise", "memory"]
ATOL = 0.0
RTOL = 0.0
TEST_CASES = [{"N": 50, "DIAGONAL": 0}, {"N": 1, "DIAGONAL": 0}, {"N": 37, "DIAGONAL": -3, "TRANSPOSED": True},
              {"N": 20, "DIAGONAL": 5}]
TIMING_CASES = [{"N": 8192, "DIAGONAL": 0}]
