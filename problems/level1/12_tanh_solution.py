"""Reference Triton solution: tanh over the flattened tensor, one block per program, as 2 * sigmoid(2x) - 1."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def tanh_kernel(x_ptr, out_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    pid = tl.program_id(axis=0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    x = tl.load(x_ptr + offsets, mask=mask)
    # Triton has no tl.tanh: tanh(x) = 2 * sigmoid(2x) - 1 saturates cleanly to +-1 and never overflows.
    out = 2.0 * tl.sigmoid(2.0 * x) - 1.0
    tl.store(out_ptr + offsets, out, mask=mask)


def tanh(x: torch.Tensor) -> torch.Tensor:
    # Element-wise op: a contiguous copy lets us treat any input layout as one flat array.
    x = x.contiguous()
    out = torch.empty_like(x)
    n_elements = x.numel()
    grid = lambda meta: (triton.cdiv(n_elements, meta["BLOCK_SIZE"]),)
    tanh_kernel[grid](x, out, n_elements, BLOCK_SIZE=1024)
    return out


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return tanh(x)
