"""Materialised 3-D permutation: out = x.permute(2, 0, 1).contiguous(), float32. x has shape (D0, D1, D2); out has
shape (D2, D0, D1), is contiguous, and out[k, i, j] = x[i, j, k]. x may arrive as a non-contiguous view.
"""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.permute(2, 0, 1).contiguous()


D0 = 64
D1 = 1024
D2 = 1024
NONCONTIG = False  # when True, x is passed as torch.randn(D0, D2, D1).transpose(1, 2)


def get_inputs():
    return [torch.randn(D0, D2, D1).transpose(1, 2) if NONCONTIG else torch.randn(D0, D1, D2)]


def get_init_inputs():
    return []


TAGS = ["memory"]
ATOL = 0.0
RTOL = 0.0
TEST_CASES = [{"D0": 5, "D1": 6, "D2": 7}, {"D0": 1, "D1": 33, "D2": 4}, {"D0": 9, "D1": 1, "D2": 1},
              {"D0": 4, "D1": 25, "D2": 70, "NONCONTIG": True}]
TIMING_CASES = [{"D0": 64, "D1": 1024, "D2": 1024}]
