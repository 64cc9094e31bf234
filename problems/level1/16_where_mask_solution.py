"""Reference Triton solution: torch.where over flattened tensors, one program per block; the bool condition is loaded
directly (Triton reads a torch.bool tensor as int1)."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def where_kernel(cond_ptr, x_ptr, y_ptr, out_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    pid = tl.program_id(axis=0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    cond = tl.load(cond_ptr + offsets, mask=mask, other=0)
    x = tl.load(x_ptr + offsets, mask=mask)
    y = tl.load(y_ptr + offsets, mask=mask)
    # A per-lane select: no branches, both operands are loaded and tl.where picks one.
    tl.store(out_ptr + offsets, tl.where(cond, x, y), mask=mask)


def where(cond: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    assert cond.shape == x.shape == y.shape and cond.dtype == torch.bool
    # Contiguous copies give all three tensors the same flat indexing.
    cond, x, y = cond.contiguous(), x.contiguous(), y.contiguous()
    out = torch.empty_like(x)
    n_elements = out.numel()
    grid = lambda meta: (triton.cdiv(n_elements, meta["BLOCK_SIZE"]),)
    where_kernel[grid](cond, x, y, out, n_elements, BLOCK_SIZE=1024)
    return out


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, cond: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return where(cond, x, y)
