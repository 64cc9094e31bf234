"""Reference Triton solution: constant padding, written from the output's point of view. The (B, H_out) output
rows are flattened; each program writes a BLOCK_R x BLOCK_C output tile. Every output element maps back to the
input position (i - top, j - left); where that lies inside x it is loaded, elsewhere the masked load's `other`
supplies the pad value, so a single masked load plus a store handles border and interior alike."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def constant_pad_kernel(x_ptr, out_ptr, R_out, H, W, H_out, W_out, left, top, value,
                        stride_xb, stride_xh, stride_xw, BLOCK_R: tl.constexpr, BLOCK_C: tl.constexpr):
    pid_r = tl.program_id(axis=0)
    pid_c = tl.program_id(axis=1)
    rows = pid_r * BLOCK_R + tl.arange(0, BLOCK_R)  # flattened (b, i) output row
    cols = pid_c * BLOCK_C + tl.arange(0, BLOCK_C)
    out_mask = (rows[:, None] < R_out) & (cols[None, :] < W_out)
    b = rows // H_out
    ih = rows % H_out - top
    iw = cols - left
    inside = out_mask & ((ih >= 0) & (ih < H))[:, None] & ((iw >= 0) & (iw < W))[None, :]
    src = x_ptr + (b * stride_xb + ih * stride_xh)[:, None] + (iw * stride_xw)[None, :]
    vals = tl.load(src, mask=inside, other=value)
    tl.store(out_ptr + rows[:, None] * W_out + cols[None, :], vals, mask=out_mask)


def constant_pad(x: torch.Tensor, left: int, right: int, top: int, bottom: int, value: float) -> torch.Tensor:
    assert x.dim() == 3 and min(left, right, top, bottom) >= 0
    B, H, W = x.shape
    H_out, W_out = H + top + bottom, W + left + right
    out = torch.empty((B, H_out, W_out), device=x.device, dtype=x.dtype)
    R_out = B * H_out
    BLOCK_R = 16
    BLOCK_C = min(triton.next_power_of_2(W_out), 256)
    grid = (triton.cdiv(R_out, BLOCK_R), triton.cdiv(W_out, BLOCK_C))
    constant_pad_kernel[grid](x, out, R_out, H, W, H_out, W_out, left, top, float(value),
                              x.stride(0), x.stride(1), x.stride(2), BLOCK_R=BLOCK_R, BLOCK_C=BLOCK_C)
    return out


class ModelNew(nn.Module):
    def __init__(self, left: int, right: int, top: int, bottom: int, value: float):
        super().__init__()
        self.pads = (left, right, top, bottom)
        self.value = value

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        left, right, top, bottom = self.pads
        return constant_pad(x, left, right, top, bottom, self.value)
