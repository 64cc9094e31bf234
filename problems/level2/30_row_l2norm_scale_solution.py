"""Reference Triton solution: square, sum, sqrt and scale in ONE kernel, BLOCK_R rows per program. Each row is
streamed in BLOCK_C chunks into a float32 sum of squares held in registers; sqrt and the scale are applied once per
row before the store, so x * x is never materialised."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def row_norm_scale_kernel(
    x_ptr, out_ptr, n_rows, n_cols, scale, stride_r, stride_c,
    BLOCK_R: tl.constexpr, BLOCK_C: tl.constexpr,
):
    pid = tl.program_id(axis=0)
    rows = pid * BLOCK_R + tl.arange(0, BLOCK_R)
    row_ok = rows < n_rows
    acc = tl.zeros((BLOCK_R, BLOCK_C), dtype=tl.float32)  # per-lane partial sums, reduced once at the end
    for c0 in range(0, n_cols, BLOCK_C):
        cols = c0 + tl.arange(0, BLOCK_C)
        mask = row_ok[:, None] & (cols[None, :] < n_cols)
        x = tl.load(x_ptr + rows[:, None] * stride_r + cols[None, :] * stride_c, mask=mask, other=0.0)
        acc += x * x
    tl.store(out_ptr + rows, tl.sqrt(tl.sum(acc, axis=1)) * scale, mask=row_ok)


def row_norm_scale(x: torch.Tensor, scale: float) -> torch.Tensor:
    assert x.dim() == 2
    n_rows, n_cols = x.shape
    out = torch.empty((n_rows,), device=x.device, dtype=torch.float32)
    BLOCK_C = min(1024, triton.next_power_of_2(n_cols))
    BLOCK_R = max(1, min(triton.next_power_of_2(n_rows), 4096 // BLOCK_C))
    grid = (triton.cdiv(n_rows, BLOCK_R),)
    row_norm_scale_kernel[grid](x, out, n_rows, n_cols, float(scale), x.stride(0), x.stride(1),
                                BLOCK_R=BLOCK_R, BLOCK_C=BLOCK_C)
    return out


class ModelNew(nn.Module):
    def __init__(self, scale: float):
        super().__init__()
        self.scale = scale

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return row_norm_scale(x, self.scale)
