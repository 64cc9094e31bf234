"""Reference Triton solution: max-pool + ReLU in ONE kernel, one program per BLOCK_SIZE output elements. Each output
index is decoded into (n, c, oh, ow); the 3 x 3 window is unrolled with tl.static_range, out-of-bounds taps load -inf
(so padding never wins), and the ReLU is applied to the running max before the only store. Input strides are passed,
so a channels-last view is read in place."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def maxpool_relu_kernel(
    x_ptr, out_ptr, n_out, channels, height, width, out_h, out_w, stride, pad,
    sx_n, sx_c, sx_h, sx_w,
    KS: tl.constexpr, BLOCK_SIZE: tl.constexpr,
):
    pid = tl.program_id(axis=0)
    offs = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)   # flat index into the contiguous (N, C, OH, OW) output
    mask = offs < n_out
    ow = offs % out_w
    oh = (offs // out_w) % out_h
    c = (offs // (out_w * out_h)) % channels
    n = offs // (out_w * out_h * channels)
    base = x_ptr + n * sx_n + c * sx_c
    acc = tl.full((BLOCK_SIZE,), -float("inf"), dtype=tl.float32)
    for kh in tl.static_range(KS):
        for kw in tl.static_range(KS):
            ih = oh * stride - pad + kh
            iw = ow * stride - pad + kw
            ok = mask & (ih >= 0) & (ih < height) & (iw >= 0) & (iw < width)
            v = tl.load(base + ih * sx_h + iw * sx_w, mask=ok, other=-float("inf"))
            acc = tl.maximum(acc, v)
    tl.store(out_ptr + offs, tl.maximum(acc, 0.0), mask=mask)


def maxpool_relu(x: torch.Tensor, kernel_size: int, stride: int, padding: int) -> torch.Tensor:
    assert x.dim() == 4
    batch, channels, height, width = x.shape
    out_h = (height + 2 * padding - kernel_size) // stride + 1
    out_w = (width + 2 * padding - kernel_size) // stride + 1
    out = torch.empty((batch, channels, out_h, out_w), device=x.device, dtype=torch.float32)
    n_out = out.numel()
    BLOCK_SIZE = 1024
    grid = (triton.cdiv(n_out, BLOCK_SIZE),)
    maxpool_relu_kernel[grid](
        x, out, n_out, channels, height, width, out_h, out_w, stride, padding,
        x.stride(0), x.stride(1), x.stride(2), x.stride(3),
        KS=kernel_size, BLOCK_SIZE=BLOCK_SIZE,
    )
    return out


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()
        self.pool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return maxpool_relu(x, self.pool.kernel_size, self.pool.stride, self.pool.padding)
