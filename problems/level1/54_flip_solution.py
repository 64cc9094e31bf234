"""Reference Triton solution: flip along the last dimension. Each program writes a BLOCK_R x BLOCK_C tile of the
output; output column j reads input column COLS - 1 - j, so both the loads and the stores stay contiguous along
a row (just in opposite directions). Input strides are passed, so transposed inputs need no copy."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def flip_kernel(x_ptr, out_ptr, R, C, stride_xr, stride_xc, stride_or,
                BLOCK_R: tl.constexpr, BLOCK_C: tl.constexpr):
    pid_r = tl.program_id(axis=0)
    pid_c = tl.program_id(axis=1)
    offs_r = pid_r * BLOCK_R + tl.arange(0, BLOCK_R)
    offs_c = pid_c * BLOCK_C + tl.arange(0, BLOCK_C)
    mask = (offs_r[:, None] < R) & (offs_c[None, :] < C)
    src_c = C - 1 - offs_c
    vals = tl.load(x_ptr + offs_r[:, None] * stride_xr + src_c[None, :] * stride_xc, mask=mask)
    tl.store(out_ptr + offs_r[:, None] * stride_or + offs_c[None, :], vals, mask=mask)


def flip_last(x: torch.Tensor) -> torch.Tensor:
    assert x.dim() == 2
    R, C = x.shape
    out = torch.empty((R, C), device=x.device, dtype=x.dtype)
    BLOCK_R = 16
    BLOCK_C = min(triton.next_power_of_2(C), 256)
    grid = (triton.cdiv(R, BLOCK_R), triton.cdiv(C, BLOCK_C))
    flip_kernel[grid](x, out, R, C, x.stride(0), x.stride(1), out.stride(0), BLOCK_R=BLOCK_R, BLOCK_C=BLOCK_C)
    return out


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return flip_last(x)
