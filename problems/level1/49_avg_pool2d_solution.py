"""Reference Triton solution: 3x3 / stride-1 / pad-1 average pooling with count_include_pad=True. The output is
flattened; each program computes BLOCK outputs, splits each flat index into (n, c, i, j), and sums the nine
neighbours with an unrolled 3x3 loop. Neighbours outside the image are masked to 0.0 (zero padding) and the sum is
always divided by 9, which is exactly count_include_pad semantics."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def avg_pool2d_kernel(x_ptr, out_ptr, total, C, H, W, stride_xn, stride_xc, stride_xh, stride_xw,
                      BLOCK_SIZE: tl.constexpr):
    pid = tl.program_id(axis=0)
    offs = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offs < total
    j = offs % W
    i = (offs // W) % H
    c = (offs // (W * H)) % C
    n = offs // (W * H * C)
    plane = x_ptr + n * stride_xn + c * stride_xc
    acc = tl.zeros((BLOCK_SIZE,), dtype=tl.float32)
    for di in tl.static_range(3):
        for dj in tl.static_range(3):
            ii = i + (di - 1)
            jj = j + (dj - 1)
            inside = mask & (ii >= 0) & (ii < H) & (jj >= 0) & (jj < W)
            acc += tl.load(plane + ii * stride_xh + jj * stride_xw, mask=inside, other=0.0)
    tl.store(out_ptr + offs, acc / 9.0, mask=mask)


def avg_pool2d(x: torch.Tensor) -> torch.Tensor:
    assert x.dim() == 4
    N, C, H, W = x.shape
    out = torch.empty((N, C, H, W), device=x.device, dtype=x.dtype)
    total = out.numel()
    BLOCK_SIZE = 1024
    grid = (triton.cdiv(total, BLOCK_SIZE),)
    avg_pool2d_kernel[grid](x, out, total, C, H, W, x.stride(0), x.stride(1), x.stride(2), x.stride(3),
                            BLOCK_SIZE=BLOCK_SIZE)
    return out


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()
        self.pool = nn.AvgPool2d(kernel_size=3, stride=1, padding=1, count_include_pad=True)  # parameter-free

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return avg_pool2d(x)
