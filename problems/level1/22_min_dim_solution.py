"""Reference Triton solution: min over dim 0 (down the columns). Each program owns a block of BLOCK_C columns and walks
down the rows in [BLOCK_R, BLOCK_C] tiles, keeping an element-wise running minimum (masked lanes read +inf, the
identity of min); one tl.min over the tile's rows finishes. Strides are passed in, so any layout is read in place."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def min_dim_kernel(x_ptr, out_ptr, n_rows, n_cols, stride_xr, stride_xc, BLOCK_R: tl.constexpr,
                   BLOCK_C: tl.constexpr):
    cols = tl.program_id(axis=0) * BLOCK_C + tl.arange(0, BLOCK_C)
    col_mask = cols < n_cols
    acc = tl.full((BLOCK_R, BLOCK_C), float("inf"), dtype=tl.float32)
    for start in range(0, n_rows, BLOCK_R):
        rows = start + tl.arange(0, BLOCK_R)
        mask = (rows[:, None] < n_rows) & col_mask[None, :]
        x = tl.load(x_ptr + rows[:, None] * stride_xr + cols[None, :] * stride_xc, mask=mask, other=float("inf"))
        acc = tl.minimum(acc, x)
    tl.store(out_ptr + cols, tl.min(acc, axis=0), mask=col_mask)


def min_dim(x: torch.Tensor) -> torch.Tensor:
    assert x.dim() == 2 and x.shape[0] > 0
    n_rows, n_cols = x.shape
    out = torch.empty((n_cols,), device=x.device, dtype=x.dtype)
    BLOCK_C = min(triton.next_power_of_2(n_cols), 64)
    BLOCK_R = 64
    grid = (triton.cdiv(n_cols, BLOCK_C),)
    min_dim_kernel[grid](x, out, n_rows, n_cols, x.stride(0), x.stride(1), BLOCK_R=BLOCK_R, BLOCK_C=BLOCK_C)
    return out


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return min_dim(x)
