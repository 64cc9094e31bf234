"""Tall-and-skinny matrix multiplication C = A @ B, float32: A has shape (M, K) with M large, B has shape (K, N)
with N small, and C has shape (M, N). C[i, j] = sum_k A[i, k] * B[k, j]. A may arrive as a transposed view.
"""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return torch.matmul(a, b)


M = 65536
K = 1024
N = 16
TRANSPOSED = False  # when True, A is passed as a transposed view of a (K, M) tensor


def get_inputs():
    a = torch.randn(K, M).t() if TRANSPOSED else torch.randn(M, K)
    return [a, torch.randn(K, N)]


def get_init_inputs():
    return []


TAGS = ["matmul"]
ATOL = 1e-4
RTOL = 1e-4
# TF32 tl.dot in an answer (and TF32 cuDNN in the eager reference) drifts further at the timing shapes
TIMING_ATOL = 0.5
TEST_CASES = [{"M": 200, "K": 33, "N": 5}, {"M": 1, "K": 16, "N": 16}, {"M": 129, "K": 64, "N": 1, "TRANSPOSED": True},
              {"M": 70, "K": 1, "N": 20}]
TIMING_CASES = [{"M": 65536, "K": 1024, "N": 16}]
