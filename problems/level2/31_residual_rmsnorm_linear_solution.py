"""Reference Triton solution: residual add + RMSNorm + linear in ONE GEMM kernel. The RMS factor is a per-row scalar,
so (h * rstd * g) @ W^T = rstd * ((h * g) @ W^T). While walking K, each program forms the A tile h = x + residual on the
fly, adds its squares into a per-row sum (the norm statistics come for free from the tiles it loads anyway), and feeds
h * g into tl.dot. The epilogue multiplies the accumulator by rstd = rsqrt(sum / DIM + eps) and adds the bias: the
normalised activations are never written to memory."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def add_rmsnorm_linear_kernel(
    x_ptr, r_ptr, g_ptr, w_ptr, b_ptr, out_ptr, M, N, K, eps,
    stride_xm, stride_xk, stride_rm, stride_rk, stride_wn, stride_wk, stride_om, stride_on,
    BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr, BLOCK_K: tl.constexpr,
):
    pid_m = tl.program_id(axis=0)
    pid_n = tl.program_id(axis=1)
    offs_m = pid_m * BLOCK_M + tl.arange(0, BLOCK_M)
    offs_n = pid_n * BLOCK_N + tl.arange(0, BLOCK_N)
    offs_k = tl.arange(0, BLOCK_K)
    acc = tl.zeros((BLOCK_M, BLOCK_N), dtype=tl.float32)
    sum_sq = tl.zeros((BLOCK_M,), dtype=tl.float32)
    for k0 in range(0, K, BLOCK_K):
        k = k0 + offs_k
        a_mask = (offs_m[:, None] < M) & (k[None, :] < K)
        x = tl.load(x_ptr + offs_m[:, None] * stride_xm + k[None, :] * stride_xk, mask=a_mask, other=0.0)
        r = tl.load(r_ptr + offs_m[:, None] * stride_rm + k[None, :] * stride_rk, mask=a_mask, other=0.0)
        h = x + r
        sum_sq += tl.sum(h * h, axis=1)
        g = tl.load(g_ptr + k, mask=k < K, other=0.0)
        w = tl.load(w_ptr + k[:, None] * stride_wk + offs_n[None, :] * stride_wn,
                    mask=(k[:, None] < K) & (offs_n[None, :] < N), other=0.0)
        acc += tl.dot(h * g[None, :], w, input_precision="ieee")
    rstd = tl.rsqrt(sum_sq / K + eps)
    bias = tl.load(b_ptr + offs_n, mask=offs_n < N, other=0.0)
    out = acc * rstd[:, None] + bias[None, :]
    tl.store(out_ptr + offs_m[:, None] * stride_om + offs_n[None, :] * stride_on, out,
             mask=(offs_m[:, None] < M) & (offs_n[None, :] < N))


def add_rmsnorm_linear(x, residual, norm_weight, eps: float, weight, bias) -> torch.Tensor:
    assert x.dim() == 2 and x.shape == residual.shape and weight.shape[1] == x.shape[1]
    M, K = x.shape
    N = weight.shape[0]
    out = torch.empty((M, N), device=x.device, dtype=torch.float32)
    BLOCK_M, BLOCK_N, BLOCK_K = 64, 64, 32
    grid = (triton.cdiv(M, BLOCK_M), triton.cdiv(N, BLOCK_N))
    add_rmsnorm_linear_kernel[grid](
        x, residual, norm_weight, weight, bias, out, M, N, K, eps,
        x.stride(0), x.stride(1), residual.stride(0), residual.stride(1), weight.stride(0), weight.stride(1),
        out.stride(0), out.stride(1),
        BLOCK_M=BLOCK_M, BLOCK_N=BLOCK_N, BLOCK_K=BLOCK_K,
    )
    return out


class ModelNew(nn.Module):
    def __init__(self, dim: int, out_features: int):
        super().__init__()
        self.norm = nn.RMSNorm(dim, eps=1e-6)
        with torch.no_grad():
            self.norm.weight.uniform_(0.5, 1.5)
        self.fc = nn.Linear(dim, out_features)

    def forward(self, x: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
        return add_rmsnorm_linear(x, residual, self.norm.weight, self.norm.eps, self.fc.weight, self.fc.bias)
