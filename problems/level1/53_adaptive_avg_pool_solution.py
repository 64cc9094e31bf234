"""Reference Triton solution: global average pooling as a row reduction. The (n, c) planes are the rows and the
H * W pixels of a plane are the reduction axis. Each program owns BLOCK_P planes, walks their pixels in BLOCK_HW
chunks (addressed through x's strides, so channels-last inputs work), accumulates a 2-D float32 tile, reduces it
along the pixel axis at the end and divides by H * W."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def global_avg_pool_kernel(x_ptr, out_ptr, P, C, W, HW, stride_xn, stride_xc, stride_xh, stride_xw,
                           BLOCK_P: tl.constexpr, BLOCK_HW: tl.constexpr):
    pid = tl.program_id(axis=0)
    planes = pid * BLOCK_P + tl.arange(0, BLOCK_P)  # plane = n * C + c
    mask_p = planes < P
    n = planes // C
    c = planes % C
    base = x_ptr + n * stride_xn + c * stride_xc
    offs = tl.arange(0, BLOCK_HW)
    acc = tl.zeros((BLOCK_P, BLOCK_HW), dtype=tl.float32)
    for start in range(0, HW, BLOCK_HW):
        pix = start + offs
        i = pix // W
        j = pix % W
        mask = mask_p[:, None] & (pix < HW)[None, :]
        acc += tl.load(base[:, None] + (i * stride_xh + j * stride_xw)[None, :], mask=mask, other=0.0)
    total = tl.sum(acc, axis=1)
    tl.store(out_ptr + planes, total / HW, mask=mask_p)


def global_avg_pool(x: torch.Tensor) -> torch.Tensor:
    assert x.dim() == 4
    N, C, H, W = x.shape
    out = torch.empty((N, C), device=x.device, dtype=torch.float32)
    P, HW = N * C, H * W
    BLOCK_P = 16
    BLOCK_HW = min(triton.next_power_of_2(HW), 256)
    grid = (triton.cdiv(P, BLOCK_P),)
    global_avg_pool_kernel[grid](x, out, P, C, W, HW, x.stride(0), x.stride(1), x.stride(2), x.stride(3),
                                 BLOCK_P=BLOCK_P, BLOCK_HW=BLOCK_HW)
    return out


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(1)  # same parameter-free module as the reference

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return global_avg_pool(x)
