"""Group normalisation with a per-channel affine transform (nn.GroupNorm(num_groups, num_channels, eps=1e-5)).

x has shape (N, C, L), float32, and may arrive as a non-contiguous view (a transposed (N, L, C) tensor). The C
channels are split into num_groups groups of C // num_groups consecutive channels; for each sample n and group g,
mean and biased variance are taken over all (C // num_groups) * L values of the group, and
out[n, c, l] = (x[n, c, l] - mean[n, g]) / sqrt(var[n, g] + eps) * weight[c] + bias[c], eps = 1e-5.
weight and bias have shape (C,); the output has shape (N, C, L) and dtype float32.
"""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, num_groups: int, num_channels: int):
        super().__init__()
        self.norm = nn.GroupNorm(num_groups, num_channels, eps=1e-5)
        # Non-trivial affine parameters, so that a solution must really apply them.
        with torch.no_grad():
            self.norm.weight.uniform_(0.5, 1.5)
            self.norm.bias.uniform_(-0.5, 0.5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.norm(x)


N = 32
C = 128
L = 16384
G = 32
TRANSPOSED = False  # when True, x is passed as a (N, L, C) tensor transposed with .transpose(1, 2)


def get_inputs():
    if TRANSPOSED:
        return [(torch.randn(N, L, C) * 2.0 + 0.5).transpose(1, 2)]
    return [torch.randn(N, C, L) * 2.0 + 0.5]


def get_init_inputs():
    return [G, C]


TAGS = ["norm"]
# A group of few values with nearly equal values has a tiny variance: 1 / sqrt(var + eps) (up to 316) magnifies
# the float32 rounding of x - mean, so two honest summation orders differ by about 1e-5 there.
ATOL = 1e-4
RTOL = 1e-5
TEST_CASES = [{"N": 2, "C": 6, "L": 100, "G": 3}, {"N": 1, "C": 4, "L": 1, "G": 2},
              {"N": 2, "C": 8, "L": 33, "G": 2, "TRANSPOSED": True}, {"N": 1, "C": 5, "L": 40, "G": 5},
              {"N": 2, "C": 6, "L": 17, "G": 1}]
TIMING_CASES = [{"N": 32, "C": 128, "L": 16384, "G": 32}]
