"""Reference Triton solution: sum over dim 1 of a 3-D tensor. Each program owns one batch index and a block of output
columns, walks down the reduced dimension in [BLOCK_R, BLOCK_C] tiles, accumulates them element-wise in float32 and
reduces the tile over its rows once at the end. Strides are passed in, so any input layout is read in place."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def sum_dim_kernel(x_ptr, out_ptr, n_red, n_cols, stride_xb, stride_xr, stride_xc, stride_ob,
                   BLOCK_R: tl.constexpr, BLOCK_C: tl.constexpr):
    b = tl.program_id(axis=0)
    cols = tl.program_id(axis=1) * BLOCK_C + tl.arange(0, BLOCK_C)
    col_mask = cols < n_cols
    acc = tl.zeros((BLOCK_R, BLOCK_C), dtype=tl.float32)
    for start in range(0, n_red, BLOCK_R):
        rows = start + tl.arange(0, BLOCK_R)
        mask = (rows[:, None] < n_red) & col_mask[None, :]
        ptrs = x_ptr + b * stride_xb + rows[:, None] * stride_xr + cols[None, :] * stride_xc
        acc += tl.load(ptrs, mask=mask, other=0.0)
    total = tl.sum(acc, axis=0)
    tl.store(out_ptr + b * stride_ob + cols, total, mask=col_mask)


def sum_dim(x: torch.Tensor) -> torch.Tensor:
    assert x.dim() == 3
    n_batch, n_red, n_cols = x.shape
    out = torch.empty((n_batch, n_cols), device=x.device, dtype=x.dtype)
    BLOCK_C = min(triton.next_power_of_2(n_cols), 128)
    BLOCK_R = 32
    grid = (n_batch, triton.cdiv(n_cols, BLOCK_C))
    sum_dim_kernel[grid](x, out, n_red, n_cols, x.stride(0), x.stride(1), x.stride(2), out.stride(0),
                         BLOCK_R=BLOCK_R, BLOCK_C=BLOCK_C)
    return out


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return sum_dim(x)
