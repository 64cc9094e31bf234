"""Reference Triton solution: softmax over dim 0. Each program owns BLOCK_C columns and sweeps down the rows twice in
[BLOCK_R, BLOCK_C] tiles. Sweep 1 is an online softmax: every tile lane keeps a running max m and a running sum s of
exp(x - m), rescaled by exp(m_old - m_new) when m grows; merging the lanes of a column gives its max and its sum.
Sweep 2 writes exp(x - max) / sum. Strides are passed in, so a transposed input is read in place."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def softmax_dim0_kernel(x_ptr, out_ptr, n_rows, n_cols, stride_xr, stride_xc, stride_or,
                        BLOCK_R: tl.constexpr, BLOCK_C: tl.constexpr):
    cols = tl.program_id(axis=0) * BLOCK_C + tl.arange(0, BLOCK_C)
    col_mask = cols < n_cols
    m = tl.full((BLOCK_R, BLOCK_C), -float("inf"), dtype=tl.float32)
    s = tl.zeros((BLOCK_R, BLOCK_C), dtype=tl.float32)
    for start in range(0, n_rows, BLOCK_R):
        rows = start + tl.arange(0, BLOCK_R)
        mask = (rows[:, None] < n_rows) & col_mask[None, :]
        x = tl.load(x_ptr + rows[:, None] * stride_xr + cols[None, :] * stride_xc, mask=mask, other=-float("inf"))
        m_new = tl.maximum(m, x)
        # Lanes that have only seen masked (-inf) values keep m_new = -inf: avoid exp(-inf - (-inf)) = nan.
        safe = tl.where(m_new == -float("inf"), 0.0, m_new)
        s = s * tl.exp(m - safe) + tl.exp(x - safe)
        m = m_new
    col_max = tl.max(m, axis=0)
    # Padding columns have col_max = -inf; give them a harmless finite max (they are never stored).
    col_max = tl.where(col_mask, col_max, 0.0)
    col_sum = tl.sum(s * tl.exp(m - col_max[None, :]), axis=0)
    inv_sum = 1.0 / tl.where(col_mask, col_sum, 1.0)
    for start in range(0, n_rows, BLOCK_R):
        rows = start + tl.arange(0, BLOCK_R)
        mask = (rows[:, None] < n_rows) & col_mask[None, :]
        x = tl.load(x_ptr + rows[:, None] * stride_xr + cols[None, :] * stride_xc, mask=mask, other=-float("inf"))
        out = tl.exp(x - col_max[None, :]) * inv_sum[None, :]
        tl.store(out_ptr + rows[:, None] * stride_or + cols[None, :], out, mask=mask)


def softmax_dim0(x: torch.Tensor) -> torch.Tensor:
    assert x.dim() == 2
    n_rows, n_cols = x.shape
    out = torch.empty((n_rows, n_cols), device=x.device, dtype=x.dtype)
    BLOCK_C = min(triton.next_power_of_2(n_cols), 64)
    BLOCK_R = 32
    grid = (triton.cdiv(n_cols, BLOCK_C),)
    softmax_dim0_kernel[grid](x, out, n_rows, n_cols, x.stride(0), x.stride(1), out.stride(0),
                              BLOCK_R=BLOCK_R, BLOCK_C=BLOCK_C)
    return out


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return softmax_dim0(x)
