"""Reference Triton solution: repeat_interleave along dim 1, written from the output's point of view. Each program
writes a BLOCK_R x BLOCK_C tile of the (ROWS, COLS * repeats) output; output column j reads input column
j // repeats, so every input element is loaded by `repeats` neighbouring lanes (served from cache) and every output
element is stored exactly once, fully coalesced."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def repeat_interleave_kernel(x_ptr, out_ptr, R, C_out, repeats, stride_xr, stride_xc, stride_or,
                             BLOCK_R: tl.constexpr, BLOCK_C: tl.constexpr):
    pid_r = tl.program_id(axis=0)
    pid_c = tl.program_id(axis=1)
    offs_r = pid_r * BLOCK_R + tl.arange(0, BLOCK_R)
    offs_c = pid_c * BLOCK_C + tl.arange(0, BLOCK_C)
    mask = (offs_r[:, None] < R) & (offs_c[None, :] < C_out)
    src_c = offs_c // repeats
    vals = tl.load(x_ptr + offs_r[:, None] * stride_xr + src_c[None, :] * stride_xc, mask=mask)
    tl.store(out_ptr + offs_r[:, None] * stride_or + offs_c[None, :], vals, mask=mask)


def repeat_interleave(x: torch.Tensor, repeats: int) -> torch.Tensor:
    assert x.dim() == 2 and repeats >= 1
    R, C = x.shape
    C_out = C * repeats
    out = torch.empty((R, C_out), device=x.device, dtype=x.dtype)
    BLOCK_R = 16
    BLOCK_C = min(triton.next_power_of_2(C_out), 256)
    grid = (triton.cdiv(R, BLOCK_R), triton.cdiv(C_out, BLOCK_C))
    repeat_interleave_kernel[grid](x, out, R, C_out, repeats, x.stride(0), x.stride(1), out.stride(0),
                                   BLOCK_R=BLOCK_R, BLOCK_C=BLOCK_C)
    return out


class ModelNew(nn.Module):
    def __init__(self, repeats: int):
        super().__init__()
        self.repeats = repeats

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return repeat_interleave(x, self.repeats)
