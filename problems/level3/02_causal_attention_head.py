"""One causal self-attention head: q = x @ Wq^T + bq, k = x @ Wk^T + bk, v = x @ Wv^T + bv (three nn.Linear
D_MODEL -> HEAD_DIM with bias), scores = q @ k^T / sqrt(HEAD_DIM) of shape (B, T, T), positions j > i masked out
(causal), attn = softmax(scores, dim=-1), out = attn @ v.

x has shape (B, T, D_MODEL), float32; the output has shape (B, T, HEAD_DIM), float32."""
import math
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, d_model: int, head_dim: int):
        super().__init__()
        self.q_proj = nn.Linear(d_model, head_dim)
        self.k_proj = nn.Linear(d_model, head_dim)
        self.v_proj = nn.Linear(d_model, head_dim)
        self.head_dim = head_dim

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        q, k, v = self.q_proj(x), self.k_proj(x), self.v_proj(x)
        scores = q @ k.transpose(-2, -1) / math.sqrt(self.head_dim)
        t = x.shape[1]
        causal = torch.ones(t, t, dtype=torch.bool, device=x.device).tril()
        scores = scores.masked_fill(~causal, float("-inf"))
        return torch.softmax(scores, dim=-1) @ v


B = 8
T = 1024
D_MODEL = 1024
HEAD_DIM = 128


def get_inputs():
    return [torch.randn(B, T, D_MODEL) * 2.0]


def get_init_inputs():
    return [D_MODEL, HEAD_DIM]


TAGS = ["block", "attention", "matmul", "softmax", "fused"]
ATOL = 1e-4
RTOL = 1e-4
# TF32 tl.dot in an answer (and TF32 cuDNN in the eager reference) drifts further at the timing shapes
TIMING_ATOL = 0.02
TEST_CASES = [
    {"B": 2, "T": 32, "D_MODEL": 32, "HEAD_DIM": 16},
    {"B": 1, "T": 1, "D_MODEL": 20, "HEAD_DIM": 8},
    {"B": 3, "T": 21, "D_MODEL": 48, "HEAD_DIM": 24},
]
TIMING_CASES = [{"B": 8, "T": 1024, "D_MODEL": 1024, "HEAD_DIM": 128}]
