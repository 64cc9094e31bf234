"""Row-wise softmax of a 2-D float32 tensor: out[i, j] = exp(x[i, j] - m_i) / sum_k exp(x[i, k] - m_i),
where m_i = max_k x[i, k] (the subtraction keeps exp from overflowing)."""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.softmax(x, dim=-1)


ROWS = 4096
COLS = 4093


def get_inputs():
    return [torch.randn(ROWS, COLS) * 4.0]


def get_init_inputs():
    return []


TAGS = ["reduction", "softmax"]
ATOL = 1e-6
RTOL = 1e-5
TEST_CASES = [{"ROWS": 8, "COLS": 100}, {"ROWS": 1, "COLS": 1000}, {"ROWS": 5, "COLS": 1}, {"ROWS": 3, "COLS": 257}]
TIMING_CASES = [{"ROWS": 4096, "COLS": 4093}]
