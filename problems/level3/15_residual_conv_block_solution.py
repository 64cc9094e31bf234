"""Reference Triton solution: the residual block as two launches of one implicit-GEMM 3x3 conv kernel.
GEMM view: rows = output pixels (n, oh, ow), columns = output channels, reduction = C_IN * 9 taps; the input
patches are gathered straight from x with zero-padding masks (no im2col buffer). The epilogue fuses the bias,
the optional residual add and the ReLU: launch 1 computes relu(conv1(x)), launch 2 relu(x + conv2(h))."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def conv3x3_kernel(
    x_ptr, w_ptr, b_ptr, r_ptr, out_ptr, C, H, W, CO, P, K,
    stride_xn, stride_xc, stride_xh, stride_xw, stride_wo,
    stride_rn, stride_rc, stride_rh, stride_rw, stride_on, stride_oc, stride_oh, stride_ow,
    HAS_RESIDUAL: tl.constexpr, BLOCK_P: tl.constexpr, BLOCK_CO: tl.constexpr, BLOCK_K: tl.constexpr,
):
    pid_p = tl.program_id(axis=0)
    pid_c = tl.program_id(axis=1)
    offs_p = pid_p * BLOCK_P + tl.arange(0, BLOCK_P)
    offs_co = pid_c * BLOCK_CO + tl.arange(0, BLOCK_CO)
    offs_k = tl.arange(0, BLOCK_K)
    p_mask = offs_p < P
    co_mask = offs_co < CO
    n = offs_p // (H * W)
    oh = (offs_p // W) % H
    ow = offs_p % W
    acc = tl.zeros((BLOCK_P, BLOCK_CO), dtype=tl.float32)
    for k0 in range(0, K, BLOCK_K):
        k = k0 + offs_k
        k_mask = k < K
        ci = k // 9
        kh = (k % 9) // 3
        kw = k % 3
        ih = oh[:, None] + kh[None, :] - 1
        iw = ow[:, None] + kw[None, :] - 1
        a_mask = p_mask[:, None] & k_mask[None, :] & (ih >= 0) & (ih < H) & (iw >= 0) & (iw < W)
        a = tl.load(x_ptr + n[:, None] * stride_xn + ci[None, :] * stride_xc + ih * stride_xh + iw * stride_xw,
                    mask=a_mask, other=0.0)
        # Weight tile (BLOCK_K, BLOCK_CO): the (C_IN, 3, 3) filter of channel co is contiguous, index k.
        wt = tl.load(w_ptr + offs_co[None, :] * stride_wo + k[:, None],
                     mask=k_mask[:, None] & co_mask[None, :], other=0.0)
        acc += tl.dot(a, wt, input_precision="ieee")
    acc += tl.load(b_ptr + offs_co, mask=co_mask, other=0.0)[None, :]
    mask = p_mask[:, None] & co_mask[None, :]
    if HAS_RESIDUAL:
        acc += tl.load(r_ptr + n[:, None] * stride_rn + offs_co[None, :] * stride_rc
                       + oh[:, None] * stride_rh + ow[:, None] * stride_rw, mask=mask, other=0.0)
    acc = tl.maximum(acc, 0.0)
    tl.store(out_ptr + n[:, None] * stride_on + offs_co[None, :] * stride_oc
             + oh[:, None] * stride_oh + ow[:, None] * stride_ow, acc, mask=mask)


def conv3x3_relu(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor, residual=None) -> torch.Tensor:
    Nb, C, H, W = x.shape
    CO = weight.shape[0]
    assert weight.shape == (CO, C, 3, 3) and weight.is_contiguous()
    out = torch.empty((Nb, CO, H, W), device=x.device, dtype=torch.float32)
    has_residual = residual is not None
    r = residual if has_residual else out  # dummy pointer when unused (never read)
    assert r.shape == out.shape
    P = Nb * H * W
    K = C * 9
    BLOCK_P = min(128, max(16, triton.next_power_of_2(P)))
    BLOCK_CO = min(64, max(16, triton.next_power_of_2(CO)))
    BLOCK_K = 32
    grid = (triton.cdiv(P, BLOCK_P), triton.cdiv(CO, BLOCK_CO))
    conv3x3_kernel[grid](
        x, weight, bias, r, out, C, H, W, CO, P, K,
        x.stride(0), x.stride(1), x.stride(2), x.stride(3), weight.stride(0),
        r.stride(0), r.stride(1), r.stride(2), r.stride(3),
        out.stride(0), out.stride(1), out.stride(2), out.stride(3),
        HAS_RESIDUAL=has_residual, BLOCK_P=BLOCK_P, BLOCK_CO=BLOCK_CO, BLOCK_K=BLOCK_K,
    )
    return out


class ModelNew(nn.Module):
    def __init__(self, channels: int):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(channels, channels, kernel_size=3, padding=1)
        self.relu = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = conv3x3_relu(x, self.conv1.weight, self.conv1.bias)
        return conv3x3_relu(h, self.conv2.weight, self.conv2.bias, residual=x)
