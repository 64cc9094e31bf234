"""Reference Triton solution: scale + additive mask + softmax in ONE kernel. Each program handles BLOCK_R rows of
scores as a 2-D [BLOCK_R, BLOCK_C] tile. The mask is expanded to x's shape as a VIEW (stride 0 along broadcast
dimensions), so it is read in place without being materialised; each row index is decomposed into
(batch, head, query) to address both tensors through their strides."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def masked_softmax_kernel(
    x_ptr, m_ptr, out_ptr, n_rows, heads, seq_q, seq_k, scale,
    sx_b, sx_h, sx_q, sx_k, sm_b, sm_h, sm_q, sm_k, so_row,
    BLOCK_R: tl.constexpr, BLOCK_C: tl.constexpr,
):
    pid = tl.program_id(axis=0)
    rows = pid * BLOCK_R + tl.arange(0, BLOCK_R)
    q = rows % seq_q
    h = (rows // seq_q) % heads
    b = rows // (seq_q * heads)
    cols = tl.arange(0, BLOCK_C)
    col_ok = cols[None, :] < seq_k
    mask = (rows[:, None] < n_rows) & col_ok
    x_off = (b * sx_b + h * sx_h + q * sx_q)[:, None] + cols[None, :] * sx_k
    m_off = (b * sm_b + h * sm_h + q * sm_q)[:, None] + cols[None, :] * sm_k
    x = tl.load(x_ptr + x_off, mask=mask, other=0.0)
    m = tl.load(m_ptr + m_off, mask=mask, other=0.0)
    # Padding columns get -inf (weight 0); padding rows stay finite (loaded as 0) and are never stored.
    s = tl.where(col_ok, x * scale + m, -float("inf"))
    s = s - tl.max(s, axis=1)[:, None]
    num = tl.exp(s)
    den = tl.sum(num, axis=1)
    tl.store(out_ptr + rows[:, None] * so_row + cols[None, :], num / den[:, None], mask=mask)


def masked_softmax(x: torch.Tensor, mask: torch.Tensor, scale: float) -> torch.Tensor:
    assert x.dim() == 4
    batch, heads, seq_q, seq_k = x.shape
    m = mask.expand(batch, heads, seq_q, seq_k)  # a view: broadcast dims get stride 0
    out = torch.empty((batch, heads, seq_q, seq_k), device=x.device, dtype=torch.float32)
    n_rows = batch * heads * seq_q
    BLOCK_C = triton.next_power_of_2(seq_k)
    BLOCK_R = max(1, min(triton.next_power_of_2(n_rows), 4096 // BLOCK_C))  # ~4K elements per program
    grid = (triton.cdiv(n_rows, BLOCK_R),)
    masked_softmax_kernel[grid](
        x, m, out, n_rows, heads, seq_q, seq_k, float(scale),
        x.stride(0), x.stride(1), x.stride(2), x.stride(3),
        m.stride(0), m.stride(1), m.stride(2), m.stride(3), out.stride(2),
        BLOCK_R=BLOCK_R, BLOCK_C=BLOCK_C,
    )
    return out


class ModelNew(nn.Module):
    def __init__(self, scale: float):
        super().__init__()
        self.scale = scale

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return masked_softmax(x, mask, self.scale)
