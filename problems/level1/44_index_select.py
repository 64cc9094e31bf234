"""Row gather: out = torch.index_select(x, 0, index), float32. x has shape (N, D); index is an int64 tensor of shape
(K,) with values in [0, N) (repeats allowed, any order); out has shape (K, D) and out[k, :] = x[index[k], :].
x may arrive as a non-contiguous view.
"""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
        return torch.index_select(x, 0, index)


N = 65536
D = 1024
K = 65536
TRANSPOSED = False  # when True, x is passed as torch.randn(D, N).t()


def get_inputs():
    x = torch.randn(D, N).t() if TRANSPOSED else torch.randn(N, D)
    return [x, torch.randint(0, N, (K,), dtype=torch.int64)]


def get_init_inputs():
    return []


TAGS = ["indexing", "memory"]
ATOL = 0.0
RTOL = 0.0
TEST_CASES = [{"N": 50, "D": 70, "K": 33}, {"N": 1, "D": 100, "K": 5}, {"N": 20, "D": 1, "K": 64},
              {"N": 40, "D": 37, "K": 20, "TRANSPOSED": True}]
TIMING_CASES = [{"N": 65536, "D": 1024, "K": 65536}]
