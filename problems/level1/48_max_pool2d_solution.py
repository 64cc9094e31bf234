"""Reference Triton solution: 2x2 / stride-2 max pooling. The output is flattened; each program computes BLOCK
outputs, splits each flat index into (n, c, i, j), and takes the maximum of the four input elements of its window,
addressed through x's strides (so channels-last inputs need no copy)."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def max_pool2d_kernel(x_ptr, out_ptr, total, C, H_out, W_out, stride_xn, stride_xc, stride_xh, stride_xw,
                      BLOCK_SIZE: tl.constexpr):
    pid = tl.program_id(axis=0)
    offs = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offs < total
    j = offs % W_out
    i = (offs // W_out) % H_out
    c = (offs // (W_out * H_out)) % C
    n = offs // (W_out * H_out * C)
    base = x_ptr + n * stride_xn + c * stride_xc + (2 * i) * stride_xh + (2 * j) * stride_xw
    v00 = tl.load(base, mask=mask)
    v01 = tl.load(base + stride_xw, mask=mask)
    v10 = tl.load(base + stride_xh, mask=mask)
    v11 = tl.load(base + stride_xh + stride_xw, mask=mask)
    out = tl.maximum(tl.maximum(v00, v01), tl.maximum(v10, v11))
    tl.store(out_ptr + offs, out, mask=mask)


def max_pool2d(x: torch.Tensor) -> torch.Tensor:
    assert x.dim() == 4 and x.shape[2] >= 2 and x.shape[3] >= 2
    N, C, H, W = x.shape
    H_out, W_out = H // 2, W // 2
    out = torch.empty((N, C, H_out, W_out), device=x.device, dtype=x.dtype)
    total = out.numel()
    BLOCK_SIZE = 1024
    grid = (triton.cdiv(total, BLOCK_SIZE),)
    max_pool2d_kernel[grid](x, out, total, C, H_out, W_out, x.stride(0), x.stride(1), x.stride(2), x.stride(3),
                            BLOCK_SIZE=BLOCK_SIZE)
    return out


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()
        self.pool = nn.MaxPool2d(kernel_size=2, stride=2)  # same parameter-free module as the reference

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return max_pool2d(x)
