"""Log-softmax over the last dimension of a 2-D tensor (torch.log_softmax(x, dim=-1)):
out[i, j] = x[i, j] - m_i - log(sum_k exp(x[i, k] - m_i)), with m_i = max_k x[i, k].

x is float32 of shape (ROWS, COLS) and may arrive as a non-contiguous (transposed) view; the output has shape
(ROWS, COLS) and dtype float32.
"""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.log_softmax(x, dim=-1)


ROWS = 4096
COLS = 16384
TRANSPOSED = False  # when True, x is passed as torch.randn(COLS, ROWS).t()


def get_inputs():
    if TRANSPOSED:
        return [(torch.randn(COLS, ROWS) * 4.0).t()]
    return [torch.randn(ROWS, COLS) * 4.0]


def get_init_inputs():
    return []


TAGS = ["reduction", "softmax"]
ATOL = 1e-5
RTOL = 1e-5
# fp32 sums taken in another order drift further at the timing shapes
TIMING_ATOL = 5e-05
TEST_CASES = [{"ROWS": 16, "COLS": 100}, {"ROWS": 1, "COLS": 5000}, {"ROWS": 17, "COLS": 65, "TRANSPOSED": True},
              {"ROWS": 7, "COLS": 2}]
TIMING_CASES = [{"ROWS": 4096, "COLS": 16384}]
