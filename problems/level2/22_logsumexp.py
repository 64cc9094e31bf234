"""Row-wise log-sum-exp: out[i] = log(sum_j exp(x[i, j])), computed stably as m_i + log(sum_j exp(x[i, j] - m_i))
with m_i = max_j x[i, j] (torch.logsumexp over dim 1).

x has shape (BATCH, DIM), float32, with values large enough (|x| up to ~100) that a naive exp would overflow.
The output has shape (BATCH,), float32."""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.logsumexp(x, dim=1)


BATCH = 8192
DIM = 8192
TRANSPOSED = False  # when True, x is a transposed (non-contiguous) view


def get_inputs():
    x = torch.randn(DIM, BATCH).t() if TRANSPOSED else torch.randn(BATCH, DIM)
    return [x * 5.0 + torch.randn(BATCH, 1) * 30.0]


def get_init_inputs():
    return []


# --- KernelGym metadata -------------------------------------------------------------------------
TAGS = ["reduction", "fused"]
ATOL = 1e-5
RTOL = 1e-5
TEST_CASES = [
    {"BATCH": 8, "DIM": 64},
    {"BATCH": 1, "DIM": 3000},
    {"BATCH": 37, "DIM": 1, "TRANSPOSED": True},
    {"BATCH": 6, "DIM": 1500, "TRANSPOSED": True},
]
TIMING_CASES = [{"BATCH": 8192, "DIM": 8192}]
