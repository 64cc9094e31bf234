"""Scale a tensor by the inverse of its Frobenius norm: out = x / ||x||_F, with ||x||_F = sqrt(sum_{i,j} x[i, j]^2)
taken over the WHOLE tensor (torch.linalg.norm(x) for a 2-D x, i.e. the "fro" norm).

x is float32 of shape (ROWS, COLS) and may arrive as a non-contiguous (transposed) view; the output has shape
(ROWS, COLS) and dtype float32.
"""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x / torch.linalg.norm(x)


ROWS = 4096
COLS = 16384
TRANSPOSED = False  # when True, x is passed as torch.randn(COLS, ROWS).t()


def get_inputs():
    return [torch.randn(COLS, ROWS).t() if TRANSPOSED else torch.randn(ROWS, COLS)]


def get_init_inputs():
    return []


TAGS = ["reduction", "norm"]
ATOL = 1e-7
RTOL = 1e-5
# fp32 sums taken in another order drift further at the timing shapes
TIMING_ATOL = 2e-05
TEST_CASES = [{"ROWS": 16, "COLS": 100}, {"ROWS": 1, "COLS": 3000}, {"ROWS": 33, "COLS": 65, "TRANSPOSED": True},
              {"ROWS": 7, "COLS": 1}]
TIMING_CASES = [{"ROWS": 4096, "COLS": 16384}]
