"""Row-wise L2 normalisation (torch.nn.functional.normalize(x, p=2, dim=1, eps=1e-12)):
out[i, j] = x[i, j] / max(sqrt(sum_k x[i, k]^2), eps), eps = 1e-12.

x is float32 of shape (BATCH, DIM) and may arrive as a non-contiguous (transposed) view; the output has shape
(BATCH, DIM) and dtype float32.
"""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.nn.functional.normalize(x, p=2.0, dim=1, eps=1e-12)


BATCH = 4096
DIM = 16384
TRANSPOSED = False  # when True, x is passed as torch.randn(DIM, BATCH).t()


def get_inputs():
    return [torch.randn(DIM, BATCH).t() if TRANSPOSED else torch.randn(BATCH, DIM)]


def get_init_inputs():
    return []


TAGS = ["norm", "reduction"]
ATOL = 1e-6
RTOL = 1e-5
TEST_CASES = [{"BATCH": 16, "DIM": 100}, {"BATCH": 1, "DIM": 3000}, {"BATCH": 17, "DIM": 65, "TRANSPOSED": True},
              {"BATCH": 7, "DIM": 1}]
TIMING_CASES = [{"BATCH": 4096, "DIM": 16384}]
