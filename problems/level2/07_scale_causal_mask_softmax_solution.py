"""Reference Triton solution: scale + causal mask + softmax in ONE kernel. Each program handles BLOCK_R query rows
(of the flattened (batch, query) row space) as a 2-D [BLOCK_R, BLOCK_C] tile. The causal mask is not read from memory:
it is generated from indices (column j is kept iff j <= i), and masked columns enter the softmax as -inf, so they
come out as exact zeros. Column 0 is never masked, so every real row has a finite max."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def causal_softmax_kernel(
    x_ptr, out_ptr, n_rows, seq, scale,
    stride_xb, stride_xi, stride_xj, stride_ob, stride_oi,
    BLOCK_R: tl.constexpr, BLOCK_C: tl.constexpr,
):
    pid = tl.program_id(axis=0)
    rows = pid * BLOCK_R + tl.arange(0, BLOCK_R)
    b = rows // seq
    i = rows % seq
    cols = tl.arange(0, BLOCK_C)
    in_tile = (rows[:, None] < n_rows) & (cols[None, :] < seq)
    keep = in_tile & (cols[None, :] <= i[:, None])
    # Only the unmasked prefix j <= i of each row is read at all.
    x = tl.load(x_ptr + b[:, None] * stride_xb + i[:, None] * stride_xi + cols[None, :] * stride_xj,
                mask=keep, other=0.0)
    # Padding rows (rows >= n_rows) keep column 0 finite too, so no NaN appears anywhere (they are not stored).
    s = tl.where(keep | (cols[None, :] == 0), x * scale, -float("inf"))
    s = s - tl.max(s, axis=1)[:, None]
    num = tl.exp(s)
    den = tl.sum(num, axis=1)
    tl.store(out_ptr + b[:, None] * stride_ob + i[:, None] * stride_oi + cols[None, :], num / den[:, None],
             mask=in_tile)


def causal_softmax(x: torch.Tensor, scale: float) -> torch.Tensor:
    assert x.dim() == 3 and x.shape[1] == x.shape[2]
    batch, seq, _ = x.shape
    out = torch.empty((batch, seq, seq), device=x.device, dtype=torch.float32)
    n_rows = batch * seq
    BLOCK_C = triton.next_power_of_2(seq)
    BLOCK_R = max(1, min(triton.next_power_of_2(n_rows), 4096 // BLOCK_C))  # ~4K elements per program
    grid = (triton.cdiv(n_rows, BLOCK_R),)
    causal_softmax_kernel[grid](
        x, out, n_rows, seq, float(scale),
        x.stride(0), x.stride(1), x.stride(2), out.stride(0), out.stride(1),
        BLOCK_R=BLOCK_R, BLOCK_C=BLOCK_C,
    )
    return out


class ModelNew(nn.Module):
    def __init__(self, scale: float):
        super().__init__()
        self.scale = scale

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return causal_softmax(x, self.scale)
