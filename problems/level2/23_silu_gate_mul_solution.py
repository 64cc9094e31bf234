"""Reference Triton solution: silu(x) * y in ONE elementwise kernel over 2-D [BLOCK_R, BLOCK_C] tiles. Both inputs
are addressed through their own (row, column) strides, so a transposed x is read in place and a broadcast y is an
expand() view with row stride 0 (never materialised)."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def silu_mul_kernel(
    x_ptr, y_ptr, out_ptr, n_rows, n_cols,
    sx_r, sx_c, sy_r, sy_c, so_r,
    BLOCK_R: tl.constexpr, BLOCK_C: tl.constexpr,
):
    pid_r = tl.program_id(axis=0)
    pid_c = tl.program_id(axis=1)
    rows = pid_r * BLOCK_R + tl.arange(0, BLOCK_R)
    cols = pid_c * BLOCK_C + tl.arange(0, BLOCK_C)
    mask = (rows[:, None] < n_rows) & (cols[None, :] < n_cols)
    x = tl.load(x_ptr + rows[:, None] * sx_r + cols[None, :] * sx_c, mask=mask, other=0.0)
    y = tl.load(y_ptr + rows[:, None] * sy_r + cols[None, :] * sy_c, mask=mask, other=0.0)
    tl.store(out_ptr + rows[:, None] * so_r + cols[None, :], x * tl.sigmoid(x) * y, mask=mask)


def silu_mul(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    assert x.dim() == 2
    n_rows, n_cols = x.shape
    y = y.expand(n_rows, n_cols)  # a view; broadcast rows get stride 0
    out = torch.empty((n_rows, n_cols), device=x.device, dtype=torch.float32)
    BLOCK_C = min(1024, triton.next_power_of_2(n_cols))
    BLOCK_R = max(1, min(triton.next_power_of_2(n_rows), 4096 // BLOCK_C))
    grid = (triton.cdiv(n_rows, BLOCK_R), triton.cdiv(n_cols, BLOCK_C))
    silu_mul_kernel[grid](
        x, y, out, n_rows, n_cols, x.stride(0), x.stride(1), y.stride(0), y.stride(1), out.stride(0),
        BLOCK_R=BLOCK_R, BLOCK_C=BLOCK_C,
    )
    return out


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return silu_mul(x, y)
