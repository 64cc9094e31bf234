"""Reference Triton solution: exact (erf) GELU over the flattened tensor, one program per block."""
import math

import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def gelu_kernel(x_ptr, out_ptr, n_elements, inv_sqrt2, BLOCK_SIZE: tl.constexpr):
    pid = tl.program_id(axis=0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    x = tl.load(x_ptr + offsets, mask=mask)
    # GELU(x) = x * Phi(x), with the standard normal CDF Phi(x) = 0.5 * (1 + erf(x / sqrt(2))).
    out = 0.5 * x * (1.0 + tl.erf(x * inv_sqrt2))
    tl.store(out_ptr + offsets, out, mask=mask)


def gelu(x: torch.Tensor) -> torch.Tensor:
    # Element-wise op: a contiguous copy lets us treat any input layout as one flat array.
    x = x.contiguous()
    out = torch.empty_like(x)
    n_elements = x.numel()
    grid = lambda meta: (triton.cdiv(n_elements, meta["BLOCK_SIZE"]),)
    gelu_kernel[grid](x, out, n_elements, 1.0 / math.sqrt(2.0), BLOCK_SIZE=1024)
    return out


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return gelu(x)
