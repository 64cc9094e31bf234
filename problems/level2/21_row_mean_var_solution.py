"""Reference Triton solution: per-row mean AND variance from one kernel launch (two outputs), BLOCK_R rows per
program. Pass 1 streams the row in BLOCK_C chunks to get the mean; pass 2 streams it again to accumulate the squared
deviations from that mean (numerically robust, unlike E[x^2] - E[x]^2 when |mean| >> std). The second pass mostly hits
cache, and both statistics are written by the same program."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def row_mean_var_kernel(
    x_ptr, mean_ptr, var_ptr, n_rows, n_cols, stride_r, stride_c,
    BLOCK_R: tl.constexpr, BLOCK_C: tl.constexpr,
):
    pid = tl.program_id(axis=0)
    rows = pid * BLOCK_R + tl.arange(0, BLOCK_R)
    row_ok = rows < n_rows
    acc = tl.zeros((BLOCK_R,), dtype=tl.float32)
    for c0 in range(0, n_cols, BLOCK_C):
        cols = c0 + tl.arange(0, BLOCK_C)
        mask = row_ok[:, None] & (cols[None, :] < n_cols)
        x = tl.load(x_ptr + rows[:, None] * stride_r + cols[None, :] * stride_c, mask=mask, other=0.0)
        acc += tl.sum(x, axis=1)
    mean = acc / n_cols
    sq = tl.zeros((BLOCK_R,), dtype=tl.float32)
    for c0 in range(0, n_cols, BLOCK_C):
        cols = c0 + tl.arange(0, BLOCK_C)
        mask = row_ok[:, None] & (cols[None, :] < n_cols)
        x = tl.load(x_ptr + rows[:, None] * stride_r + cols[None, :] * stride_c, mask=mask, other=0.0)
        d = tl.where(mask, x - mean[:, None], 0.0)
        sq += tl.sum(d * d, axis=1)
    tl.store(mean_ptr + rows, mean, mask=row_ok)
    tl.store(var_ptr + rows, sq / (n_cols - 1), mask=row_ok)


def row_mean_var(x: torch.Tensor):
    assert x.dim() == 2 and x.shape[1] >= 2
    n_rows, n_cols = x.shape
    mean = torch.empty((n_rows,), device=x.device, dtype=torch.float32)
    var = torch.empty((n_rows,), device=x.device, dtype=torch.float32)
    BLOCK_C = min(1024, triton.next_power_of_2(n_cols))
    BLOCK_R = max(1, min(triton.next_power_of_2(n_rows), 4096 // BLOCK_C))
    grid = (triton.cdiv(n_rows, BLOCK_R),)
    row_mean_var_kernel[grid](x, mean, var, n_rows, n_cols, x.stride(0), x.stride(1),
                              BLOCK_R=BLOCK_R, BLOCK_C=BLOCK_C)
    return mean, var


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor):
        return row_mean_var(x)
