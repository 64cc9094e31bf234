"""Scaled, causally masked softmax over attention scores:
out[b, i, j] = softmax_j(s[b, i, :])[j] where s[b, i, j] = x[b, i, j] * scale if j <= i, and -inf if j > i.

x has shape (BATCH, SEQ, SEQ), float32 (rows are query positions i, columns key positions j); scale is a Python float
constructor argument. The softmax is over the last dimension; masked positions get exactly 0. Output (BATCH, SEQ, SEQ)."""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, scale: float):
        super().__init__()
        self.scale = scale

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        seq = x.shape[-1]
        causal = torch.triu(torch.ones(seq, seq, dtype=torch.bool, device=x.device), diagonal=1)
        s = (x * self.scale).masked_fill(causal, float("-inf"))
        return torch.softmax(s, dim=-1)


BATCH = 64
SEQ = 2048
SCALE = 0.5
TRANSPOSED = False  # when True, x is a non-contiguous view (last two dims swapped)


def get_inputs():
    if TRANSPOSED:
        return [torch.randn(BATCH, SEQ, SEQ).transpose(1, 2) * 4.0]
    return [torch.randn(BATCH, SEQ, SEQ) * 4.0]


def get_init_inputs():
    return [SCALE]


# --- KernelGym metadata -------------------------------------------------------------------------
TAGS = ["softmax", "attention", "fused"]
ATOL = 1e-6
RTOL = 1e-5
TEST_CASES = [
    {"BATCH": 2, "SEQ": 16},
    {"BATCH": 1, "SEQ": 37, "SCALE": 0.125},
    {"BATCH": 3, "SEQ": 5},
    {"BATCH": 2, "SEQ": 13, "TRANSPOSED": True},
]
TIMING_CASES = [{"BATCH": 64, "SEQ": 2048}]
