"""Reference Triton solution: positional add + layer norm in ONE kernel. Each program normalises BLOCK_R rows of the
flattened (batch, seq) row space as a [BLOCK_R, BLOCK_D] tile. The positional table is read in place with the row's
sequence index (s = row % seq) instead of being broadcast/materialised, and the sum never leaves registers."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def add_pos_layer_norm_kernel(
    x_ptr, pos_ptr, w_ptr, b_ptr, out_ptr, n_rows, seq, dim, eps,
    sx_b, sx_s, sx_d, sp_s, sp_d, so_row,
    BLOCK_R: tl.constexpr, BLOCK_D: tl.constexpr,
):
    pid = tl.program_id(axis=0)
    rows = pid * BLOCK_R + tl.arange(0, BLOCK_R)
    bi = rows // seq
    si = rows % seq
    cols = tl.arange(0, BLOCK_D)
    col_ok = cols < dim
    mask = (rows[:, None] < n_rows) & col_ok[None, :]
    x = tl.load(x_ptr + (bi * sx_b + si * sx_s)[:, None] + cols[None, :] * sx_d, mask=mask, other=0.0)
    p = tl.load(pos_ptr + (si * sp_s)[:, None] + cols[None, :] * sp_d, mask=mask, other=0.0)
    h = x + p
    mean = tl.sum(h, axis=1) / dim
    centered = tl.where(mask, h - mean[:, None], 0.0)
    var = tl.sum(centered * centered, axis=1) / dim
    rstd = 1.0 / tl.sqrt(var + eps)
    w = tl.load(w_ptr + cols, mask=col_ok, other=0.0)
    b = tl.load(b_ptr + cols, mask=col_ok, other=0.0)
    y = centered * rstd[:, None] * w[None, :] + b[None, :]
    tl.store(out_ptr + rows[:, None] * so_row + cols[None, :], y, mask=mask)


def add_pos_layer_norm(x: torch.Tensor, pos: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor,
                       eps: float) -> torch.Tensor:
    assert x.dim() == 3 and pos.shape == x.shape[1:]
    batch, seq, dim = x.shape
    out = torch.empty((batch, seq, dim), device=x.device, dtype=torch.float32)
    n_rows = batch * seq
    BLOCK_D = triton.next_power_of_2(dim)
    BLOCK_R = max(1, min(triton.next_power_of_2(n_rows), 4096 // BLOCK_D))
    grid = (triton.cdiv(n_rows, BLOCK_R),)
    add_pos_layer_norm_kernel[grid](
        x, pos, weight, bias, out, n_rows, seq, dim, eps,
        x.stride(0), x.stride(1), x.stride(2), pos.stride(0), pos.stride(1), out.stride(1),
        BLOCK_R=BLOCK_R, BLOCK_D=BLOCK_D,
    )
    return out


class ModelNew(nn.Module):
    def __init__(self, dim: int):
        super().__init__()
        self.norm = nn.LayerNorm(dim, eps=1e-12)
        with torch.no_grad():
            self.norm.weight.uniform_(0.5, 1.5)
            self.norm.bias.uniform_(-0.5, 0.5)

    def forward(self, x: torch.Tensor, pos: torch.Tensor) -> torch.Tensor:
        return add_pos_layer_norm(x, pos, self.norm.weight, self.norm.bias, self.norm.eps)
