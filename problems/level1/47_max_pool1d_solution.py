"""Reference Triton solution: 1-D max pooling. The (N, C) planes are flattened into rows; each program computes a
BLOCK_R x BLOCK_L tile of outputs. The window loop is unrolled at compile time (KERNEL_SIZE is a constexpr): step k
loads x[row, o * stride + k] for the whole tile and folds it into a running maximum that starts at -inf."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def max_pool1d_kernel(x_ptr, out_ptr, R, C, L_out, stride, stride_xn, stride_xc, stride_xl,
                      KERNEL_SIZE: tl.constexpr, BLOCK_R: tl.constexpr, BLOCK_L: tl.constexpr):
    pid_r = tl.program_id(axis=0)
    pid_l = tl.program_id(axis=1)
    offs_r = pid_r * BLOCK_R + tl.arange(0, BLOCK_R)
    offs_o = pid_l * BLOCK_L + tl.arange(0, BLOCK_L)
    mask = (offs_r[:, None] < R) & (offs_o[None, :] < L_out)
    n = offs_r // C
    c = offs_r % C
    row_base = x_ptr + n[:, None] * stride_xn + c[:, None] * stride_xc
    acc = tl.full((BLOCK_R, BLOCK_L), -float("inf"), dtype=tl.float32)
    for k in tl.static_range(KERNEL_SIZE):
        pos = offs_o[None, :] * stride + k  # always < L for valid outputs (no padding)
        v = tl.load(row_base + pos * stride_xl, mask=mask, other=-float("inf"))
        acc = tl.maximum(acc, v)
    tl.store(out_ptr + offs_r[:, None] * L_out + offs_o[None, :], acc, mask=mask)


def max_pool1d(x: torch.Tensor, kernel_size: int, stride: int) -> torch.Tensor:
    assert x.dim() == 3 and x.shape[2] >= kernel_size
    N, C, L = x.shape
    L_out = (L - kernel_size) // stride + 1
    out = torch.empty((N, C, L_out), device=x.device, dtype=x.dtype)
    R = N * C
    BLOCK_R = 16
    BLOCK_L = min(triton.next_power_of_2(L_out), 256)
    grid = (triton.cdiv(R, BLOCK_R), triton.cdiv(L_out, BLOCK_L))
    max_pool1d_kernel[grid](x, out, R, C, L_out, stride, x.stride(0), x.stride(1), x.stride(2),
                            KERNEL_SIZE=kernel_size, BLOCK_R=BLOCK_R, BLOCK_L=BLOCK_L)
    return out


class ModelNew(nn.Module):
    def __init__(self, kernel_size: int, stride: int):
        super().__init__()
        # Same (parameter-free) module as the reference; only its settings are used.
        self.pool = nn.MaxPool1d(kernel_size=kernel_size, stride=stride)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return max_pool1d(x, self.pool.kernel_size, self.pool.stride)
