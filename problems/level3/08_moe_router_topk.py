"""Mixture-of-experts router with top-k gating (k = TOP_K, 2 by default):
    logits = x @ Wg^T                    (nn.Linear(D_MODEL, N_EXPERTS, bias=False)), shape (TOKENS, N_EXPERTS)
    probs  = softmax(logits, dim=-1)
    (vals, idx) = top-k of probs along the expert dim
    gates[t, idx[t, r]] = vals[t, r] / sum_r vals[t, r]    and gates = 0 for every expert outside the top-k.
x has shape (TOKENS, D_MODEL), float32 (continuous random values, so there are no ties). The output is the dense
gate matrix of shape (TOKENS, N_EXPERTS), float32; each row has exactly TOP_K non-zeros summing to 1."""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, d_model: int, n_experts: int, top_k: int):
        super().__init__()
        self.gate = nn.Linear(d_model, n_experts, bias=False)
        self.top_k = top_k

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        probs = torch.softmax(self.gate(x), dim=-1)
        vals, idx = torch.topk(probs, self.top_k, dim=-1)
        vals = vals / vals.sum(dim=-1, keepdim=True)
        return torch.zeros_like(probs).scatter(-1, idx, vals)


TOKENS = 16384
D_MODEL = 4096
N_EXPERTS = 64
TOP_K = 2


def get_inputs():
    return [torch.randn(TOKENS, D_MODEL) * 2.0]


def get_init_inputs():
    return [D_MODEL, N_EXPERTS, TOP_K]


TAGS = ["moe", "matmul", "softmax", "indexing", "fused"]
ATOL = 1e-4
RTOL = 1e-4
TEST_CASES = [
    {"TOKENS": 32, "D_MODEL": 64, "N_EXPERTS": 8},
    {"TOKENS": 1, "D_MODEL": 48, "N_EXPERTS": 5},
    {"TOKENS": 50, "D_MODEL": 17, "N_EXPERTS": 16},
    {"TOKENS": 21, "D_MODEL": 40, "N_EXPERTS": 12, "TOP_K": 3},
]
TIMING_CASES = [{"TOKENS": 16384, "D_MODEL": 4096, "N_EXPERTS": 64}]
