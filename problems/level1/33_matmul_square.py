"""Square matrix multiplication C = A @ B, with A and B both of shape (N, N), float32.

C[i, j] = sum_k A[i, k] * B[k, j]; the output has shape (N, N). A may arrive as a non-contiguous (transposed) view.
"""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return torch.matmul(a, b)


N = 4096
TRANSPOSED = False  # when True, A is passed as a transposed (column-major) view


def get_inputs():
    a = torch.randn(N, N).t() if TRANSPOSED else torch.randn(N, N)
    return [a, torch.randn(N, N)]


def get_init_inputs():
    return []


TAGS = ["matmul"]
ATOL = 1e-4
RTOL = 1e-4
# TF32 tl.dot in an answer (and TF32 cuDNN in the eager reference) drifts further at the timing shapes
TIMING_ATOL = 1
TEST_CASES = [{"N": 64}, {"N": 1}, {"N": 100, "TRANSPOSED": True}, {"N": 33}]
TIMING_CASES = [{"N": 4096}]
