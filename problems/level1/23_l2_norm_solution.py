"""Reference Triton solution: row-wise L2 normalisation, one program per row and two sweeps over it: the first
accumulates the sum of squares in float32, the second writes x / max(norm, eps). Strides are passed in, so a
transposed input is read in place."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def l2_norm_kernel(x_ptr, out_ptr, n_cols, stride_xr, stride_xc, stride_or, eps, BLOCK_SIZE: tl.constexpr):
    row = tl.program_id(axis=0)
    x_row = x_ptr + row * stride_xr
    sq = tl.zeros((BLOCK_SIZE,), dtype=tl.float32)
    for start in range(0, n_cols, BLOCK_SIZE):
        cols = start + tl.arange(0, BLOCK_SIZE)
        x = tl.load(x_row + cols * stride_xc, mask=cols < n_cols, other=0.0)
        sq += x * x
    norm = tl.sqrt(tl.sum(sq, axis=0))
    inv = 1.0 / tl.maximum(norm, eps)
    for start in range(0, n_cols, BLOCK_SIZE):
        cols = start + tl.arange(0, BLOCK_SIZE)
        mask = cols < n_cols
        x = tl.load(x_row + cols * stride_xc, mask=mask, other=0.0)
        tl.store(out_ptr + row * stride_or + cols, x * inv, mask=mask)


def l2_norm(x: torch.Tensor, eps: float = 1e-12) -> torch.Tensor:
    assert x.dim() == 2
    n_rows, n_cols = x.shape
    out = torch.empty((n_rows, n_cols), device=x.device, dtype=x.dtype)
    BLOCK_SIZE = min(triton.next_power_of_2(n_cols), 2048)
    l2_norm_kernel[(n_rows,)](x, out, n_cols, x.stride(0), x.stride(1), out.stride(0), eps, BLOCK_SIZE=BLOCK_SIZE)
    return out


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return l2_norm(x, 1e-12)
