"""Add a broadcast positional embedding, then layer norm (BERT-style embedding block, no dropout):
out[b, s, :] = LayerNorm(x[b, s, :] + pos[s, :]).

LayerNorm is over the last dimension with a learned affine transform: with h = x + pos,
out = (h - mean(h)) / sqrt(var(h) + eps) * weight + bias, biased variance, eps = 1e-12 (as in BERT).
x has shape (BATCH, SEQ, DIM) and pos has shape (SEQ, DIM) (broadcast over the batch), float32; weight and bias have
shape (DIM,). The output has shape (BATCH, SEQ, DIM), float32."""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, dim: int):
        super().__init__()
        self.norm = nn.LayerNorm(dim, eps=1e-12)
        with torch.no_grad():
            self.norm.weight.uniform_(0.5, 1.5)
            self.norm.bias.uniform_(-0.5, 0.5)

    def forward(self, x: torch.Tensor, pos: torch.Tensor) -> torch.Tensor:
        return self.norm(x + pos)


BATCH = 64
SEQ = 512
DIM = 1024
TRANSPOSED = False  # when True, x is a non-contiguous view of a (BATCH, DIM, SEQ) tensor


def get_inputs():
    x = torch.randn(BATCH, DIM, SEQ).transpose(1, 2) if TRANSPOSED else torch.randn(BATCH, SEQ, DIM)
    return [x, torch.randn(SEQ, DIM) * 0.5 + 0.2]


def get_init_inputs():
    return [DIM]


# --- KernelGym metadata -------------------------------------------------------------------------
TAGS = ["norm", "elementwise", "fused"]
ATOL = 1e-5
RTOL = 1e-5
TEST_CASES = [
    {"BATCH": 2, "SEQ": 8, "DIM": 64},
    {"BATCH": 1, "SEQ": 1, "DIM": 1000},
    {"BATCH": 3, "SEQ": 5, "DIM": 3},
    {"BATCH": 2, "SEQ": 7, "DIM": 100, "TRANSPOSED": True},
]
TIMING_CASES = [{"BATCH": 64, "SEQ": 512, "DIM": 1024}]
