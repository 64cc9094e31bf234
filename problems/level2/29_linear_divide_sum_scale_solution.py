"""Reference Triton solution: the GEMM disappears. Summing the linear layer's outputs over n gives
sum_n (x . W[n, :] + b[n]) = x . (sum_n W[n, :]) + sum_n b[n], so the chain collapses to a matrix-vector product:
kernel 1 reduces W over its rows into a column-sum vector w_sum (K,); kernel 2 computes, BLOCK_M rows per program,
out[i] = (x[i, :] . w_sum + sum(b)) * scale / divisor. Work drops from O(B * H * K) to O((B + H) * K)."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def weight_colsum_kernel(w_ptr, wsum_ptr, N, K, stride_wn, stride_wk, BLOCK_N: tl.constexpr, BLOCK_K: tl.constexpr):
    pid = tl.program_id(axis=0)
    offs_k = pid * BLOCK_K + tl.arange(0, BLOCK_K)
    acc = tl.zeros((BLOCK_K,), dtype=tl.float32)
    for n0 in range(0, N, BLOCK_N):
        offs_n = n0 + tl.arange(0, BLOCK_N)
        w = tl.load(w_ptr + offs_n[:, None] * stride_wn + offs_k[None, :] * stride_wk,
                    mask=(offs_n[:, None] < N) & (offs_k[None, :] < K), other=0.0)
        acc += tl.sum(w, axis=0)
    tl.store(wsum_ptr + offs_k, acc, mask=offs_k < K)


@triton.jit
def gemv_bias_scale_kernel(
    x_ptr, wsum_ptr, b_ptr, out_ptr, M, N, K, factor, stride_xm, stride_xk, stride_om,
    BLOCK_M: tl.constexpr, BLOCK_K: tl.constexpr, BLOCK_N: tl.constexpr,
):
    pid = tl.program_id(axis=0)
    offs_m = pid * BLOCK_M + tl.arange(0, BLOCK_M)
    acc = tl.zeros((BLOCK_M,), dtype=tl.float32)
    for k0 in range(0, K, BLOCK_K):
        offs_k = k0 + tl.arange(0, BLOCK_K)
        x = tl.load(x_ptr + offs_m[:, None] * stride_xm + offs_k[None, :] * stride_xk,
                    mask=(offs_m[:, None] < M) & (offs_k[None, :] < K), other=0.0)
        ws = tl.load(wsum_ptr + offs_k, mask=offs_k < K, other=0.0)
        acc += tl.sum(x * ws[None, :], axis=1)
    # sum(b): a short vector, re-summed by every program (cheaper than another launch).
    bsum = tl.zeros((BLOCK_N,), dtype=tl.float32)
    for n0 in range(0, N, BLOCK_N):
        offs_n = n0 + tl.arange(0, BLOCK_N)
        bsum += tl.load(b_ptr + offs_n, mask=offs_n < N, other=0.0)
    out = (acc + tl.sum(bsum, axis=0)) * factor
    tl.store(out_ptr + offs_m * stride_om, out, mask=offs_m < M)


def linear_divide_sum_scale(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor, divisor: float,
                            scale: float) -> torch.Tensor:
    assert x.dim() == 2 and weight.shape[1] == x.shape[1]
    M, K = x.shape
    N = weight.shape[0]
    wsum = torch.empty((K,), device=x.device, dtype=torch.float32)
    out = torch.empty((M, 1), device=x.device, dtype=torch.float32)
    BLOCK_K1, BLOCK_N1 = 128, 32
    weight_colsum_kernel[(triton.cdiv(K, BLOCK_K1),)](
        weight, wsum, N, K, weight.stride(0), weight.stride(1), BLOCK_N=BLOCK_N1, BLOCK_K=BLOCK_K1,
    )
    BLOCK_M, BLOCK_K, BLOCK_N = 32, 128, 1024
    gemv_bias_scale_kernel[(triton.cdiv(M, BLOCK_M),)](
        x, wsum, bias, out, M, N, K, scale / divisor, x.stride(0), x.stride(1), out.stride(0),
        BLOCK_M=BLOCK_M, BLOCK_K=BLOCK_K, BLOCK_N=BLOCK_N,
    )
    return out


class ModelNew(nn.Module):
    def __init__(self, in_features: int, hidden: int, divisor: float, scale: float):
        super().__init__()
        self.fc = nn.Linear(in_features, hidden)
        self.divisor = divisor
        self.scale = scale

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return linear_divide_sum_scale(x, self.fc.weight, self.fc.bias, self.divisor, self.scale)
