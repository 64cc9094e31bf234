"""Reference Triton solution: conv2d + inference batch norm + ReLU as ONE implicit-GEMM kernel. The convolution is a
GEMM (M = output pixels, N = out_channels, K = in_channels * kh * kw) whose A tiles are gathered straight from x.
Inference BN is a per-channel affine map, so the epilogue folds it in: scale = gamma * rsqrt(var + eps) and
shift = beta - mean * scale are computed for the BLOCK_N channels of the tile, applied to the accumulator, then ReLU."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def conv2d_bn_relu_kernel(
    x_ptr, w_ptr, mean_ptr, var_ptr, gamma_ptr, beta_ptr, out_ptr,
    batch, c_in, height, width, c_out, out_h, out_w, pad, eps,
    sx_n, sx_c, sx_h, sx_w, sw_o, sw_c, sw_h, sw_w, so_n, so_c, so_h, so_w,
    KH: tl.constexpr, KW: tl.constexpr,
    BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr, BLOCK_K: tl.constexpr,
):
    pid_m = tl.program_id(axis=0)
    pid_n = tl.program_id(axis=1)
    M = batch * out_h * out_w
    K = c_in * KH * KW
    offs_m = pid_m * BLOCK_M + tl.arange(0, BLOCK_M)
    offs_n = pid_n * BLOCK_N + tl.arange(0, BLOCK_N)
    n_idx = offs_m // (out_h * out_w)
    oh = (offs_m // out_w) % out_h
    ow = offs_m % out_w
    offs_k = tl.arange(0, BLOCK_K)
    acc = tl.zeros((BLOCK_M, BLOCK_N), dtype=tl.float32)
    for k0 in range(0, K, BLOCK_K):
        k = k0 + offs_k
        ci = k // (KH * KW)
        kh = (k // KW) % KH
        kw = k % KW
        ih = oh[:, None] - pad + kh[None, :]
        iw = ow[:, None] - pad + kw[None, :]
        a_mask = (offs_m[:, None] < M) & (k[None, :] < K) & (ih >= 0) & (ih < height) & (iw >= 0) & (iw < width)
        a = tl.load(x_ptr + n_idx[:, None] * sx_n + ci[None, :] * sx_c + ih * sx_h + iw * sx_w,
                    mask=a_mask, other=0.0)
        w = tl.load(w_ptr + offs_n[None, :] * sw_o + (ci * sw_c + kh * sw_h + kw * sw_w)[:, None],
                    mask=(k[:, None] < K) & (offs_n[None, :] < c_out), other=0.0)
        acc += tl.dot(a, w, input_precision="ieee")
    # Epilogue: fold the inference batch norm into a per-channel scale and shift, then ReLU.
    n_ok = offs_n < c_out
    mean = tl.load(mean_ptr + offs_n, mask=n_ok, other=0.0)
    var = tl.load(var_ptr + offs_n, mask=n_ok, other=1.0)
    gamma = tl.load(gamma_ptr + offs_n, mask=n_ok, other=0.0)
    beta = tl.load(beta_ptr + offs_n, mask=n_ok, other=0.0)
    scale = gamma / tl.sqrt(var + eps)
    shift = beta - mean * scale
    y = tl.maximum(acc * scale[None, :] + shift[None, :], 0.0)
    out_off = (n_idx * so_n + oh * so_h + ow * so_w)[:, None] + offs_n[None, :] * so_c
    tl.store(out_ptr + out_off, y, mask=(offs_m[:, None] < M) & n_ok[None, :])


def conv2d_bn_relu(x, weight, running_mean, running_var, gamma, beta, eps: float, padding: int) -> torch.Tensor:
    assert x.dim() == 4 and weight.dim() == 4 and x.shape[1] == weight.shape[1]
    batch, c_in, height, width = x.shape
    c_out, _, kh, kw = weight.shape
    out_h = height + 2 * padding - kh + 1
    out_w = width + 2 * padding - kw + 1
    out = torch.empty((batch, c_out, out_h, out_w), device=x.device, dtype=torch.float32)
    M = batch * out_h * out_w
    BLOCK_M, BLOCK_K = 64, 32
    BLOCK_N = min(64, max(16, triton.next_power_of_2(c_out)))
    grid = (triton.cdiv(M, BLOCK_M), triton.cdiv(c_out, BLOCK_N))
    conv2d_bn_relu_kernel[grid](
        x, weight, running_mean, running_var, gamma, beta, out,
        batch, c_in, height, width, c_out, out_h, out_w, padding, eps,
        x.stride(0), x.stride(1), x.stride(2), x.stride(3),
        weight.stride(0), weight.stride(1), weight.stride(2), weight.stride(3),
        out.stride(0), out.stride(1), out.stride(2), out.stride(3),
        KH=kh, KW=kw, BLOCK_M=BLOCK_M, BLOCK_N=BLOCK_N, BLOCK_K=BLOCK_K,
    )
    return out


class ModelNew(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, kernel_size: int):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size, padding=kernel_size // 2, bias=False)
        self.bn = nn.BatchNorm2d(out_channels, eps=1e-5)
        with torch.no_grad():
            self.bn.weight.uniform_(0.5, 1.5)
            self.bn.bias.uniform_(-0.5, 0.5)
            self.bn.running_mean.uniform_(-0.3, 0.3)
            self.bn.running_var.uniform_(0.2, 1.0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return conv2d_bn_relu(x, self.conv.weight, self.bn.running_mean, self.bn.running_var,
                              self.bn.weight, self.bn.bias, self.bn.eps, self.conv.padding[0])
