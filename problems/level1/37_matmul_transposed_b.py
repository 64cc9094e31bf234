"""Matrix multiplication with a transposed right operand: C = A @ B.T, float32.

A has shape (M, K) and B has shape (N, K) (e.g. a weight matrix stored row-per-output); C has shape (M, N) with
C[i, j] = sum_k A[i, k] * B[j, k]. A may arrive as a non-contiguous (transposed) view.
"""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return torch.matmul(a, b.T)


M = 2048
K = 4096
N = 2048
TRANSPOSED = False  # when True, A is passed as torch.randn(K, M).t()


def get_inputs():
    a = torch.randn(K, M).t() if TRANSPOSED else torch.randn(M, K)
    return [a, torch.randn(N, K)]


def get_init_inputs():
    return []


TAGS = ["matmul"]
ATOL = 1e-4
RTOL = 1e-4
# TF32 tl.dot in an answer (and TF32 cuDNN in the eager reference) drifts further at the timing shapes
TIMING_ATOL = 1
TEST_CASES = [{"M": 64, "K": 40, "N": 48}, {"M": 1, "K": 50, "N": 33}, {"M": 37, "K": 1, "N": 20},
              {"M": 45, "K": 70, "N": 1, "TRANSPOSED": True}]
TIMING_CASES = [{"M": 2048, "K": 4096, "N": 2048}]
