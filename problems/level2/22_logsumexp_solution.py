"""Reference Triton solution: row logsumexp (max, subtract, exp, sum, log, add) in ONE pass, BLOCK_R rows per program.
The row is streamed in BLOCK_C chunks with an online update: when a chunk raises the running max from m to m', the
running sum is rescaled by exp(m - m') before the chunk's exp(x - m') terms are added."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def logsumexp_kernel(
    x_ptr, out_ptr, n_rows, n_cols, stride_r, stride_c,
    BLOCK_R: tl.constexpr, BLOCK_C: tl.constexpr,
):
    pid = tl.program_id(axis=0)
    rows = pid * BLOCK_R + tl.arange(0, BLOCK_R)
    row_ok = rows < n_rows
    m = tl.full((BLOCK_R,), -float("inf"), dtype=tl.float32)
    s = tl.zeros((BLOCK_R,), dtype=tl.float32)
    for c0 in range(0, n_cols, BLOCK_C):
        cols = c0 + tl.arange(0, BLOCK_C)
        mask = row_ok[:, None] & (cols[None, :] < n_cols)
        x = tl.load(x_ptr + rows[:, None] * stride_r + cols[None, :] * stride_c, mask=mask, other=-float("inf"))
        # Padding rows are all -inf: pin their max to 0 so that no inf - inf = NaN appears (they are not stored).
        m_new = tl.where(row_ok, tl.maximum(m, tl.max(x, axis=1)), 0.0)
        s = s * tl.exp(m - m_new) + tl.sum(tl.exp(x - m_new[:, None]), axis=1)
        m = m_new
    tl.store(out_ptr + rows, m + tl.log(s), mask=row_ok)


def logsumexp(x: torch.Tensor) -> torch.Tensor:
    assert x.dim() == 2
    n_rows, n_cols = x.shape
    out = torch.empty((n_rows,), device=x.device, dtype=torch.float32)
    BLOCK_C = min(1024, triton.next_power_of_2(n_cols))
    BLOCK_R = max(1, min(triton.next_power_of_2(n_rows), 4096 // BLOCK_C))
    grid = (triton.cdiv(n_rows, BLOCK_R),)
    logsumexp_kernel[grid](x, out, n_rows, n_cols, x.stride(0), x.stride(1), BLOCK_R=BLOCK_R, BLOCK_C=BLOCK_C)
    return out


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return logsumexp(x)
