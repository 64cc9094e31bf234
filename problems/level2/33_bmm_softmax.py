"""Batched matrix multiplication followed by a softmax over the last dimension: out = softmax(bmm(a, b), dim=-1).

a has shape (BATCH, M, K) and b has shape (BATCH, K, N), float32. The output has shape (BATCH, M, N), float32, each
row summing to 1."""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return torch.softmax(torch.bmm(a, b), dim=-1)


BATCH = 64
M = 1024
K = 128
N = 512
TRANSPOSED = False  # when True, b is a non-contiguous view of a (BATCH, N, K) tensor


def get_inputs():
    a = torch.randn(BATCH, M, K) * 0.5
    b = torch.randn(BATCH, N, K).transpose(1, 2) if TRANSPOSED else torch.randn(BATCH, K, N)
    return [a, b]


def get_init_inputs():
    return []


# --- KernelGym metadata -------------------------------------------------------------------------
TAGS = ["matmul", "softmax", "fused"]
ATOL = 1e-5
RTOL = 1e-4
# TF32 tl.dot in an answer (and TF32 cuDNN in the eager reference) drifts further at the timing shapes
TIMING_ATOL = 0.02
TEST_CASES = [
    {"BATCH": 2, "M": 16, "K": 16, "N": 64},
    {"BATCH": 1, "M": 1, "K": 37, "N": 100},
    {"BATCH": 3, "M": 20, "K": 8, "N": 33, "TRANSPOSED": True},
]
TIMING_CASES = [{"BATCH": 64, "M": 1024, "K": 128, "N": 512}]
