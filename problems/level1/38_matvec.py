"""Matrix-vector product y = A @ x, float32: A has shape (M, K), x has shape (K,), y has shape (M,),
with y[i] = sum_k A[i, k] * x[k]. A may arrive as a non-contiguous (transposed) view.
"""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, a: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        return torch.mv(a, x)


M = 8192
K = 8192
TRANSPOSED = False  # when True, A is passed as torch.randn(K, M).t()


def get_inputs():
    a = torch.randn(K, M).t() if TRANSPOSED else torch.randn(M, K)
    return [a, torch.randn(K)]


def get_init_inputs():
    return []


TAGS = ["matmul", "reduction"]
ATOL = 1e-4
RTOL = 1e-4
# TF32 tl.dot in an answer (and TF32 cuDNN in the eager reference) drifts further at the timing shapes
TIMING_ATOL = 1
TEST_CASES = [{"M": 100, "K": 300}, {"M": 1, "K": 1000}, {"M": 37, "K": 1}, {"M": 70, "K": 129, "TRANSPOSED": True}]
TIMING_CASES = [{"M": 8192, "K": 8192}]
