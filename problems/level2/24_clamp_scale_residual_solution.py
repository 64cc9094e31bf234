"""Reference Triton solution: clamp + scale + residual add in ONE elementwise kernel over 2-D [BLOCK_R, BLOCK_C]
tiles: one read of x and of residual, one write, instead of three passes over memory. Inputs are addressed through
their strides, so a transposed residual is read in place."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def clamp_scale_residual_kernel(
    x_ptr, r_ptr, out_ptr, n_rows, n_cols, min_val, max_val, scale,
    sx_r, sx_c, sr_r, sr_c, so_r,
    BLOCK_R: tl.constexpr, BLOCK_C: tl.constexpr,
):
    pid_r = tl.program_id(axis=0)
    pid_c = tl.program_id(axis=1)
    rows = pid_r * BLOCK_R + tl.arange(0, BLOCK_R)
    cols = pid_c * BLOCK_C + tl.arange(0, BLOCK_C)
    mask = (rows[:, None] < n_rows) & (cols[None, :] < n_cols)
    x = tl.load(x_ptr + rows[:, None] * sx_r + cols[None, :] * sx_c, mask=mask, other=0.0)
    r = tl.load(r_ptr + rows[:, None] * sr_r + cols[None, :] * sr_c, mask=mask, other=0.0)
    clamped = tl.minimum(tl.maximum(x, min_val), max_val)
    tl.store(out_ptr + rows[:, None] * so_r + cols[None, :], clamped * scale + r, mask=mask)


def clamp_scale_residual(x: torch.Tensor, residual: torch.Tensor, min_val: float, max_val: float,
                         scale: float) -> torch.Tensor:
    assert x.dim() == 2 and x.shape == residual.shape
    n_rows, n_cols = x.shape
    out = torch.empty((n_rows, n_cols), device=x.device, dtype=torch.float32)
    BLOCK_C = min(1024, triton.next_power_of_2(n_cols))
    BLOCK_R = max(1, min(triton.next_power_of_2(n_rows), 4096 // BLOCK_C))
    grid = (triton.cdiv(n_rows, BLOCK_R), triton.cdiv(n_cols, BLOCK_C))
    clamp_scale_residual_kernel[grid](
        x, residual, out, n_rows, n_cols, float(min_val), float(max_val), float(scale),
        x.stride(0), x.stride(1), residual.stride(0), residual.stride(1), out.stride(0),
        BLOCK_R=BLOCK_R, BLOCK_C=BLOCK_C,
    )
    return out


class ModelNew(nn.Module):
    def __init__(self, min_val: float, max_val: float, scale: float):
        super().__init__()
        self.min_val = min_val
        self.max_val = max_val
        self.scale = scale

    def forward(self, x: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
        return clamp_scale_residual(x, residual, self.min_val, self.max_val, self.scale)
