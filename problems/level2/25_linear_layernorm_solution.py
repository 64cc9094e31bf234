"""Reference Triton solution: linear + layer norm in ONE kernel. A layer norm needs whole rows, so each program owns
BLOCK_M complete output rows (BLOCK_N = next power of two >= OUT_FEATURES) and computes them with a tl.dot GEMM over
K; the epilogue adds the linear bias, computes each row's mean and biased variance from the registers (padding columns
masked out), normalises, applies the LayerNorm affine transform and stores once."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def linear_layer_norm_kernel(
    x_ptr, w_ptr, b_ptr, g_ptr, beta_ptr, out_ptr, M, N, K, eps,
    stride_xm, stride_xk, stride_wn, stride_wk, stride_om, stride_on,
    BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr, BLOCK_K: tl.constexpr,
):
    pid_m = tl.program_id(axis=0)
    offs_m = pid_m * BLOCK_M + tl.arange(0, BLOCK_M)
    offs_n = tl.arange(0, BLOCK_N)
    offs_k = tl.arange(0, BLOCK_K)
    n_ok = offs_n < N
    acc = tl.zeros((BLOCK_M, BLOCK_N), dtype=tl.float32)
    for k0 in range(0, K, BLOCK_K):
        k = k0 + offs_k
        a = tl.load(x_ptr + offs_m[:, None] * stride_xm + k[None, :] * stride_xk,
                    mask=(offs_m[:, None] < M) & (k[None, :] < K), other=0.0)
        w = tl.load(w_ptr + k[:, None] * stride_wk + offs_n[None, :] * stride_wn,
                    mask=(k[:, None] < K) & n_ok[None, :], other=0.0)
        acc += tl.dot(a, w, input_precision="ieee")
    h = acc + tl.load(b_ptr + offs_n, mask=n_ok, other=0.0)[None, :]
    # Row statistics over the N real columns.
    h = tl.where(n_ok[None, :], h, 0.0)
    mean = tl.sum(h, axis=1) / N
    centered = tl.where(n_ok[None, :], h - mean[:, None], 0.0)
    var = tl.sum(centered * centered, axis=1) / N
    rstd = 1.0 / tl.sqrt(var + eps)
    gamma = tl.load(g_ptr + offs_n, mask=n_ok, other=0.0)
    beta = tl.load(beta_ptr + offs_n, mask=n_ok, other=0.0)
    y = centered * rstd[:, None] * gamma[None, :] + beta[None, :]
    tl.store(out_ptr + offs_m[:, None] * stride_om + offs_n[None, :] * stride_on, y,
             mask=(offs_m[:, None] < M) & n_ok[None, :])


def linear_layer_norm(x, weight, bias, gamma, beta, eps: float) -> torch.Tensor:
    assert x.dim() == 2 and weight.shape[1] == x.shape[1]
    M, K = x.shape
    N = weight.shape[0]
    out = torch.empty((M, N), device=x.device, dtype=torch.float32)
    BLOCK_N = max(16, triton.next_power_of_2(N))   # whole rows per program
    BLOCK_M = 16
    BLOCK_K = 32
    grid = (triton.cdiv(M, BLOCK_M),)
    linear_layer_norm_kernel[grid](
        x, weight, bias, gamma, beta, out, M, N, K, eps,
        x.stride(0), x.stride(1), weight.stride(0), weight.stride(1), out.stride(0), out.stride(1),
        BLOCK_M=BLOCK_M, BLOCK_N=BLOCK_N, BLOCK_K=BLOCK_K,
    )
    return out


class ModelNew(nn.Module):
    def __init__(self, in_features: int, out_features: int):
        super().__init__()
        self.fc = nn.Linear(in_features, out_features)
        self.norm = nn.LayerNorm(out_features, eps=1e-5)
        with torch.no_grad():
            self.norm.weight.uniform_(0.5, 1.5)
            self.norm.bias.uniform_(-0.5, 0.5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return linear_layer_norm(x, self.fc.weight, self.fc.bias, self.norm.weight, self.norm.bias, self.norm.eps)
