"""Matrix multiplication with a transposed left operand: C = A.T @ B, float32.

A is given with shape (K, M) and B with shape (K, N); C has shape (M, N) with C[i, j] = sum_k A[k, i] * B[k, j].
B may arrive as a non-contiguous (transposed) view.
"""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return torch.matmul(a.T, b)


M = 2048
K = 4096
N = 2048
TRANSPOSED = False  # when True, B is passed as torch.randn(N, K).t()


def get_inputs():
    b = torch.randn(N, K).t() if TRANSPOSED else torch.randn(K, N)
    return [torch.randn(K, M), b]


def get_init_inputs():
    return []


TAGS = ["matmul"]
ATOL = 1e-4
RTOL = 1e-4
# TF32 tl.dot in an answer (and TF32 cuDNN in the eager reference) drifts further at the timing shapes
# (an H200 measured 0.000961 for the reference solution)
TIMING_ATOL = 1
TEST_CASES = [{"M": 64, "K": 40, "N": 48}, {"M": 1, "K": 50, "N": 33}, {"M": 37, "K": 1, "N": 20},
              {"M": 45, "K": 70, "N": 1, "TRANSPOSED": True}]
TIMING_CASES = [{"M": 2048, "K": 4096, "N": 2048}]
