"""GEGLU (gated GELU) projection: proj = x @ W^T + b with W of shape (2 * HIDDEN, DIM); split proj into
value = proj[:, :HIDDEN] and gate = proj[:, HIDDEN:]; out = value * gelu(gate), with the exact
gelu(z) = 0.5 * z * (1 + erf(z / sqrt(2))).

x has shape (BATCH, DIM), float32; W and b belong to one nn.Linear(DIM, 2 * HIDDEN) with default initialisation. The
output has shape (BATCH, HIDDEN), float32."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self, dim: int, hidden: int):
        super().__init__()
        self.proj = nn.Linear(dim, 2 * hidden)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        value, gate = self.proj(x).chunk(2, dim=-1)
        return value * F.gelu(gate)


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
TIMING_ATOL = 0.2
TEST_CASES = [
    {"BATCH": 16, "DIM": 32, "HIDDEN": 48},
    {"BATCH": 1, "DIM": 50, "HIDDEN": 33},
    {"BATCH": 37, "DIM": 20, "HIDDEN": 1, "TRANSPOSED": True},
]
TIMING_CASES = [{"BATCH": 4096, "DIM": 4096, "HIDDEN": 4096}]
