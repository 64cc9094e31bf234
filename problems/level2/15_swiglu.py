"""SwiGLU gate of a gated MLP (LLaMA style): out = silu(x @ W1^T) * (x @ W2^T), silu(z) = z * sigmoid(z).

x has shape (BATCH, DIM), float32; W1 and W2 have shape (HIDDEN, DIM) and belong to two bias-free nn.Linear layers
(gate projection and up projection) with default initialisation. The output has shape (BATCH, HIDDEN), float32."""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, dim: int, hidden: int):
        super().__init__()
        self.w1 = nn.Linear(dim, hidden, bias=False)
        self.w2 = nn.Linear(dim, hidden, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        gate = self.w1(x)
        return gate * torch.sigmoid(gate) * self.w2(x)


BATCH = 4096
DIM = 4096
HIDDEN = 4096
TRANSPOSED = False  # when True, x is a transposed (non-contiguous) view


def get_inputs():
    if TRANSPOSED:
        return [torch.randn(DIM, BATCH).t() * 2.0]
    return [torch.randn(BATCH, DIM) * 2.0]


def get_init_inputs():
    return [DIM, HIDDEN]


# --- KernelGym metadata -------------------------------------------------------------------------
TAGS = ["matmul", "activation", "fused"]
ATOL = 1e-4
RTOL = 1e-4
# TF32 tl.dot in an answer (and TF32 cuDNN in the eager reference) drifts further at the timing shapes
TIMING_ATOL = 0.05
TEST_CASES = [
    {"BATCH": 16, "DIM": 32, "HIDDEN": 48},
    {"BATCH": 1, "DIM": 50, "HIDDEN": 33},
    {"BATCH": 37, "DIM": 20, "HIDDEN": 1, "TRANSPOSED": True},
]
TIMING_CASES = [{"BATCH": 4096, "DIM": 4096, "HIDDEN": 4096}]
