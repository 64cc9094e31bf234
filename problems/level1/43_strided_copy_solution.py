"""Reference Triton solution: gather every step-th column into a contiguous output. Each program writes a
BLOCK_R x BLOCK_C tile of the output; output column j reads input column j * step through x's strides, so the
writes are fully coalesced and the reads are strided."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def strided_copy_kernel(x_ptr, out_ptr, R, C_out, step, stride_xr, stride_xc, stride_or,
                        BLOCK_R: tl.constexpr, BLOCK_C: tl.constexpr):
    pid_r = tl.program_id(axis=0)
    pid_c = tl.program_id(axis=1)
    offs_r = pid_r * BLOCK_R + tl.arange(0, BLOCK_R)
    offs_c = pid_c * BLOCK_C + tl.arange(0, BLOCK_C)
    mask = (offs_r[:, None] < R) & (offs_c[None, :] < C_out)
    vals = tl.load(x_ptr + offs_r[:, None] * stride_xr + (offs_c[None, :] * step) * stride_xc, mask=mask)
    tl.store(out_ptr + offs_r[:, None] * stride_or + offs_c[None, :], vals, mask=mask)


def strided_copy(x: torch.Tensor, step: int) -> torch.Tensor:
    assert x.dim() == 2 and step >= 1
    R, C = x.shape
    C_out = (C + step - 1) // step
    out = torch.empty((R, C_out), device=x.device, dtype=x.dtype)
    BLOCK_R = 16
    BLOCK_C = min(triton.next_power_of_2(C_out), 256)
    grid = (triton.cdiv(R, BLOCK_R), triton.cdiv(C_out, BLOCK_C))
    strided_copy_kernel[grid](x, out, R, C_out, step, x.stride(0), x.stride(1), out.stride(0),
                              BLOCK_R=BLOCK_R, BLOCK_C=BLOCK_C)
    return out


class ModelNew(nn.Module):
    def __init__(self, step: int):
        super().__init__()
        self.step = step

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return strided_copy(x, self.step)
