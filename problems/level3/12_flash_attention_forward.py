"""Causal scaled-dot-product attention forward (what FlashAttention computes):
    S = q @ k^T / sqrt(D),  S[..., i, j] = -inf for j > i,  P = softmax(S, dim=-1),  out = P @ v
q, k, v have shape (B, H, T, D), float32; the output has shape (B, H, T, D), float32. The (T, T) matrix P need not
be materialised: walk the keys in blocks with an online softmax."""
import math
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
        t, d = q.shape[-2], q.shape[-1]
        scores = q @ k.transpose(-2, -1) / math.sqrt(d)
        causal = torch.ones(t, t, dtype=torch.bool, device=q.device).tril()
        scores = scores.masked_fill(~causal, float("-inf"))
        return torch.softmax(scores, dim=-1) @ v


B = 8
H = 16
T = 2048
D = 128
TRANSPOSED = False  # when True, q/k/v are (B, T, H, D) tensors viewed as (B, H, T, D) (non-contiguous)


def get_inputs():
    if TRANSPOSED:
        return [torch.randn(B, T, H, D).transpose(1, 2) for _ in range(3)]
    return [torch.randn(B, H, T, D) for _ in range(3)]


def get_init_inputs():
    return []


TAGS = ["attention", "softmax", "matmul", "fused"]
ATOL = 1e-4
RTOL = 1e-4
# TF32 tl.dot in an answer (and TF32 cuDNN in the eager reference) drifts further at the timing shapes
TIMING_ATOL = 0.01
TEST_CASES = [
    {"B": 1, "H": 1, "T": 64, "D": 32},
    {"B": 2, "H": 1, "T": 1, "D": 16},
    {"B": 1, "H": 3, "T": 24, "D": 48, "TRANSPOSED": True},
]
TIMING_CASES = [{"B": 8, "H": 16, "T": 2048, "D": 128}]
