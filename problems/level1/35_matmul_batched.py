"""Batched matrix multiplication C = torch.bmm(A, B), float32: A has shape (BATCH, M, K), B has shape
(BATCH, K, N) and C has shape (BATCH, M, N), with C[b, i, j] = sum_k A[b, i, k] * B[b, k, j].
B may arrive as a non-contiguous view (each batch's matrix stored transposed).
"""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return torch.bmm(a, b)


BATCH = 128
M = 512
K = 1024
N = 512
TRANSPOSED = False  # when True, B is passed as torch.randn(BATCH, N, K).transpose(1, 2)


def get_inputs():
    b = torch.randn(BATCH, N, K).transpose(1, 2) if TRANSPOSED else torch.randn(BATCH, K, N)
    return [torch.randn(BATCH, M, K), b]


def get_init_inputs():
    return []


TAGS = ["matmul"]
ATOL = 1e-4
RTOL = 1e-4
# TF32 tl.dot in an answer (and TF32 cuDNN in the eager reference) drifts further at the timing shapes
TIMING_ATOL = 0.5
TEST_CASES = [{"BATCH": 3, "M": 40, "K": 20, "N": 33}, {"BATCH": 1, "M": 1, "K": 64, "N": 7},
              {"BATCH": 2, "M": 17, "K": 45, "N": 1}, {"BATCH": 4, "M": 32, "K": 50, "N": 30, "TRANSPOSED": True}]
TIMING_CASES = [{"BATCH": 128, "M": 512, "K": 1024, "N": 512}]
