"""Matrix multiplication with a bias and a residual added: out = a @ b + bias + residual.

a has shape (M, K), b has shape (K, N), bias has shape (N,) (broadcast over the rows) and residual has shape (M, N);
all float32. The output has shape (M, N), float32."""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, a: torch.Tensor, b: torch.Tensor, bias: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
        return torch.matmul(a, b) + bias + residual


M = 4096
K = 4096
N = 4096
TRANSPOSED = False  # when True, b is a transposed (non-contiguous) view of an (N, K) tensor


def get_inputs():
    a = torch.randn(M, K)
    b = torch.randn(N, K).t() if TRANSPOSED else torch.randn(K, N)
    return [a, b, torch.randn(N), torch.randn(M, N)]


def get_init_inputs():
    return []


# --- KernelGym metadata -------------------------------------------------------------------------
TAGS = ["matmul", "elementwise", "fused"]
ATOL = 1e-4
RTOL = 1e-4
# TF32 tl.dot in an answer (and TF32 cuDNN in the eager reference) drifts further at the timing shapes
TIMING_ATOL = 1
TEST_CASES = [
    {"M": 64, "K": 32, "N": 48},
    {"M": 1, "K": 50, "N": 33},
    {"M": 37, "K": 17, "N": 1, "TRANSPOSED": True},
    {"M": 20, "K": 40, "N": 70, "TRANSPOSED": True},
]
TIMING_CASES = [{"M": 4096, "K": 4096, "N": 4096}]
