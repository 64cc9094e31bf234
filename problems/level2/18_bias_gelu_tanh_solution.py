"""Reference Triton solution: bias add + tanh-GELU in ONE elementwise kernel over the flattened contiguous tensor;
the bias element of flat index i is bias[i % DIM]. Since tanh(u) = 2 * sigmoid(2u) - 1, the GELU simplifies to
0.5 * h * (1 + tanh(u)) = h * sigmoid(2u) with u = sqrt(2 / pi) * (h + 0.044715 * h^3)."""
import math

import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def bias_gelu_kernel(x_ptr, bias_ptr, out_ptr, n_elements, dim, k0, BLOCK_SIZE: tl.constexpr):
    pid = tl.program_id(axis=0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    x = tl.load(x_ptr + offsets, mask=mask, other=0.0)
    b = tl.load(bias_ptr + offsets % dim, mask=mask, other=0.0)
    h = x + b
    u = k0 * (h + 0.044715 * h * h * h)
    tl.store(out_ptr + offsets, h * tl.sigmoid(2.0 * u), mask=mask)


def bias_gelu(x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    assert x.shape[-1] == bias.shape[0]
    x = x.contiguous()  # a copy only when x is a non-contiguous view
    out = torch.empty_like(x)
    n_elements = x.numel()
    BLOCK_SIZE = 1024
    grid = (triton.cdiv(n_elements, BLOCK_SIZE),)
    bias_gelu_kernel[grid](x, bias, out, n_elements, bias.shape[0], math.sqrt(2.0 / math.pi), BLOCK_SIZE=BLOCK_SIZE)
    return out


class ModelNew(nn.Module):
    def __init__(self, dim: int):
        super().__init__()
        self.bias = nn.Parameter(torch.empty(dim).uniform_(-1.0, 1.0))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return bias_gelu(x, self.bias)
