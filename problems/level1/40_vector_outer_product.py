"""Outer product of two vectors: out = torch.outer(a, b), float32, with a of shape (M,), b of shape (N,) and
out of shape (M, N), out[i, j] = a[i] * b[j]. The vectors may arrive as strided (non-contiguous) views.
"""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return torch.outer(a, b)


M = 8192
N = 8192
STRIDED = False  # when True, a and b are every-other-element views of longer vectors


def get_inputs():
    if STRIDED:
        return [torch.randn(2 * M)[::2], torch.randn(3 * N)[1::3]]
    return [torch.randn(M), torch.randn(N)]


def get_init_inputs():
    return []


TAGS = ["elementwise"]
ATOL = 1e-6
RTOL = 1e-6
TEST_CASES = [{"M": 100, "N": 70}, {"M": 1, "N": 300}, {"M": 129, "N": 1}, {"M": 45, "N": 200, "STRIDED": True}]
TIMING_CASES = [{"M": 8192, "N": 8192}]
