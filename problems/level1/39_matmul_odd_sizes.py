"""Matrix multiplication with irregular (odd, prime) sizes: C = A @ B, float32, A of shape (M, K), B of shape (K, N),
C of shape (M, N), C[i, j] = sum_k A[i, k] * B[k, j]. No dimension is a multiple of any tile size, so every tile edge
needs masking. B may arrive as a non-contiguous (transposed) view.
"""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return torch.matmul(a, b)


M = 4093  # all three are prime
K = 3079
N = 5077
TRANSPOSED = False  # when True, B is passed as torch.randn(N, K).t()


def get_inputs():
    b = torch.randn(N, K).t() if TRANSPOSED else torch.randn(K, N)
    return [torch.randn(M, K), b]


def get_init_inputs():
    return []


TAGS = ["matmul"]
ATOL = 1e-4
RTOL = 1e-4
# TF32 tl.dot in an answer (and TF32 cuDNN in the eager reference) drifts further at the timing shapes
TIMING_ATOL = 1
TEST_CASES = [{"M": 37, "K": 53, "N": 29}, {"M": 1, "K": 7, "N": 3}, {"M": 61, "K": 1, "N": 47},
              {"M": 31, "K": 67, "N": 1, "TRANSPOSED": True}, {"M": 67, "K": 41, "N": 71, "TRANSPOSED": True}]
TIMING_CASES = [{"M": 4093, "K": 3079, "N": 5077}]
