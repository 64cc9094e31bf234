"""Pre-LN causal transformer block (GPT-style):
    h   = x + Attn(LN1(x))
    out = h + MLP(LN2(h)),   MLP(z) = fc2(gelu(fc1(z))), gelu exact (erf form)
LN1/LN2 are nn.LayerNorm(D_MODEL, eps=1e-5) with non-trivial affine parameters. Attn is multi-head causal
self-attention with H = N_HEADS heads of size Dh = D_MODEL / H: q, k, v = nn.Linear(D_MODEL, D_MODEL) each (with
bias), per head softmax(q @ k^T / sqrt(Dh) with keys j > query i masked out) @ v, heads concatenated, then
out_proj = nn.Linear(D_MODEL, D_MODEL). fc1: D_MODEL -> D_FF, fc2: D_FF -> D_MODEL (with bias).

x has shape (B, T, D_MODEL), float32; the output has the same shape, float32."""
import math
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, d_model: int, n_heads: int, d_ff: int):
        super().__init__()
        assert d_model % n_heads == 0
        self.n_heads = n_heads
        self.ln1 = nn.LayerNorm(d_model, eps=1e-5)
        self.q_proj = nn.Linear(d_model, d_model)
        self.k_proj = nn.Linear(d_model, d_model)
        self.v_proj = nn.Linear(d_model, d_model)
        self.out_proj = nn.Linear(d_model, d_model)
        self.ln2 = nn.LayerNorm(d_model, eps=1e-5)
        self.fc1 = nn.Linear(d_model, d_ff)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(d_ff, d_model)
        with torch.no_grad():
            for ln in (self.ln1, self.ln2):
                ln.weight.uniform_(0.5, 1.5)
                ln.bias.uniform_(-0.5, 0.5)

    def attn(self, z: torch.Tensor) -> torch.Tensor:
        b, t, d = z.shape
        h, dh = self.n_heads, d // self.n_heads
        q = self.q_proj(z).view(b, t, h, dh).transpose(1, 2)
        k = self.k_proj(z).view(b, t, h, dh).transpose(1, 2)
        v = self.v_proj(z).view(b, t, h, dh).transpose(1, 2)
        scores = q @ k.transpose(-2, -1) / math.sqrt(dh)
        causal = torch.ones(t, t, dtype=torch.bool, device=z.device).tril()
        scores = scores.masked_fill(~causal, float("-inf"))
        o = (torch.softmax(scores, dim=-1) @ v).transpose(1, 2).reshape(b, t, d)
        return self.out_proj(o)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = x + self.attn(self.ln1(x))
        return h + self.fc2(self.act(self.fc1(self.ln2(h))))


B = 8
T = 1024
D_MODEL = 1024
N_HEADS = 16
D_FF = 4096


def get_inputs():
    return [torch.randn(B, T, D_MODEL)]


def get_init_inputs():
    return [D_MODEL, N_HEADS, D_FF]


TAGS = ["block", "attention", "norm", "matmul", "softmax", "activation", "fused"]
ATOL = 1e-4
RTOL = 1e-4
# TF32 tl.dot in an answer (and TF32 cuDNN in the eager reference) drifts further at the timing shapes
TIMING_ATOL = 0.02
TEST_CASES = [
    {"B": 2, "T": 16, "D_MODEL": 32, "N_HEADS": 2, "D_FF": 64},
    {"B": 1, "T": 1, "D_MODEL": 16, "N_HEADS": 1, "D_FF": 32},
    {"B": 1, "T": 19, "D_MODEL": 24, "N_HEADS": 3, "D_FF": 40},
]
TIMING_CASES = [{"B": 8, "T": 1024, "D_MODEL": 1024, "N_HEADS": 16, "D_FF": 4096}]
