"""Reference Triton solution: LayerNorm -> MLP -> residual in two launches.
Kernel 1 fuses the LayerNorm into the PROLOGUE of fc1: each program first computes the mean and rstd of its
BLOCK_M rows (two passes over the row in BLOCK_K chunks), then normalises every x chunk on the fly as it feeds the
tl.dot, so the normalised activations never go to memory; the epilogue adds the bias and applies the exact GELU.
Kernel 2 is fc2 with the bias and the residual add (x) fused into its epilogue."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def ln_linear_gelu_kernel(
    x_ptr, ln_w_ptr, ln_b_ptr, w_ptr, b_ptr, out_ptr, M, N, K, eps,
    stride_xm, stride_wn, stride_wk, stride_om,
    BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr, BLOCK_K: tl.constexpr,
):
    pid_m = tl.program_id(axis=0)
    pid_n = tl.program_id(axis=1)
    offs_m = pid_m * BLOCK_M + tl.arange(0, BLOCK_M)
    offs_n = pid_n * BLOCK_N + tl.arange(0, BLOCK_N)
    offs_k = tl.arange(0, BLOCK_K)
    m_mask = offs_m < M
    # Row statistics: mean, then the biased variance around it.
    row_sum = tl.zeros((BLOCK_M,), dtype=tl.float32)
    for k0 in range(0, K, BLOCK_K):
        k = k0 + offs_k
        x = tl.load(x_ptr + offs_m[:, None] * stride_xm + k[None, :],
                    mask=m_mask[:, None] & (k[None, :] < K), other=0.0)
        row_sum += tl.sum(x, axis=1)
    mean = row_sum / K
    row_sq = tl.zeros((BLOCK_M,), dtype=tl.float32)
    for k0 in range(0, K, BLOCK_K):
        k = k0 + offs_k
        mask = m_mask[:, None] & (k[None, :] < K)
        x = tl.load(x_ptr + offs_m[:, None] * stride_xm + k[None, :], mask=mask, other=0.0)
        xc = tl.where(mask, x - mean[:, None], 0.0)
        row_sq += tl.sum(xc * xc, axis=1)
    rstd = 1.0 / tl.sqrt(row_sq / K + eps)
    # Main loop: normalise each chunk in registers and feed it to the matmul.
    acc = tl.zeros((BLOCK_M, BLOCK_N), dtype=tl.float32)
    for k0 in range(0, K, BLOCK_K):
        k = k0 + offs_k
        k_mask = k < K
        x = tl.load(x_ptr + offs_m[:, None] * stride_xm + k[None, :],
                    mask=m_mask[:, None] & k_mask[None, :], other=0.0)
        g = tl.load(ln_w_ptr + k, mask=k_mask, other=0.0)
        beta = tl.load(ln_b_ptr + k, mask=k_mask, other=0.0)
        z = (x - mean[:, None]) * rstd[:, None] * g[None, :] + beta[None, :]
        z = tl.where(k_mask[None, :], z, 0.0)
        w = tl.load(w_ptr + k[:, None] * stride_wk + offs_n[None, :] * stride_wn,
                    mask=k_mask[:, None] & (offs_n[None, :] < N), other=0.0)
        acc += tl.dot(z, w, input_precision="ieee")
    acc += tl.load(b_ptr + offs_n, mask=offs_n < N, other=0.0)[None, :]
    acc = 0.5 * acc * (1.0 + tl.erf(acc * 0.7071067811865476))
    tl.store(out_ptr + offs_m[:, None] * stride_om + offs_n[None, :], acc,
             mask=m_mask[:, None] & (offs_n[None, :] < N))


@triton.jit
def linear_residual_kernel(
    x_ptr, w_ptr, b_ptr, r_ptr, out_ptr, M, N, K,
    stride_xm, stride_wn, stride_wk, stride_rm, stride_om,
    BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr, BLOCK_K: tl.constexpr,
):
    pid_m = tl.program_id(axis=0)
    pid_n = tl.program_id(axis=1)
    offs_m = pid_m * BLOCK_M + tl.arange(0, BLOCK_M)
    offs_n = pid_n * BLOCK_N + tl.arange(0, BLOCK_N)
    offs_k = tl.arange(0, BLOCK_K)
    acc = tl.zeros((BLOCK_M, BLOCK_N), dtype=tl.float32)
    for k0 in range(0, K, BLOCK_K):
        k = k0 + offs_k
        x = tl.load(x_ptr + offs_m[:, None] * stride_xm + k[None, :],
                    mask=(offs_m[:, None] < M) & (k[None, :] < K), other=0.0)
        w = tl.load(w_ptr + k[:, None] * stride_wk + offs_n[None, :] * stride_wn,
                    mask=(k[:, None] < K) & (offs_n[None, :] < N), other=0.0)
        acc += tl.dot(x, w, input_precision="ieee")
    mask = (offs_m[:, None] < M) & (offs_n[None, :] < N)
    acc += tl.load(b_ptr + offs_n, mask=offs_n < N, other=0.0)[None, :]
    acc += tl.load(r_ptr + offs_m[:, None] * stride_rm + offs_n[None, :], mask=mask, other=0.0)
    tl.store(out_ptr + offs_m[:, None] * stride_om + offs_n[None, :], acc, mask=mask)


def _blocks(M, N, K):
    return (min(64, max(16, triton.next_power_of_2(M))), min(64, max(16, triton.next_power_of_2(N))),
            min(32, max(16, triton.next_power_of_2(K))))


def layernorm_mlp_residual(x2, norm, fc1, fc2):
    # x2: (M, D) with unit column stride.
    M, D = x2.shape
    d_ff = fc1.weight.shape[0]
    h = torch.empty((M, d_ff), device=x2.device, dtype=torch.float32)
    BLOCK_M, BLOCK_N, BLOCK_K = _blocks(M, d_ff, D)
    grid = (triton.cdiv(M, BLOCK_M), triton.cdiv(d_ff, BLOCK_N))
    ln_linear_gelu_kernel[grid](
        x2, norm.weight, norm.bias, fc1.weight, fc1.bias, h, M, d_ff, D, norm.eps,
        x2.stride(0), fc1.weight.stride(0), fc1.weight.stride(1), h.stride(0),
        BLOCK_M=BLOCK_M, BLOCK_N=BLOCK_N, BLOCK_K=BLOCK_K,
    )
    out = torch.empty((M, D), device=x2.device, dtype=torch.float32)
    BLOCK_M, BLOCK_N, BLOCK_K = _blocks(M, D, d_ff)
    grid = (triton.cdiv(M, BLOCK_M), triton.cdiv(D, BLOCK_N))
    linear_residual_kernel[grid](
        h, fc2.weight, fc2.bias, x2, out, M, D, d_ff,
        h.stride(0), fc2.weight.stride(0), fc2.weight.stride(1), x2.stride(0), out.stride(0),
        BLOCK_M=BLOCK_M, BLOCK_N=BLOCK_N, BLOCK_K=BLOCK_K,
    )
    return out


class ModelNew(nn.Module):
    def __init__(self, d_model: int, d_ff: int):
        super().__init__()
        self.norm = nn.LayerNorm(d_model, eps=1e-5)
        self.fc1 = nn.Linear(d_model, d_ff)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(d_ff, d_model)
        with torch.no_grad():
            self.norm.weight.uniform_(0.5, 1.5)
            self.norm.bias.uniform_(-0.5, 0.5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, t, d = x.shape
        x2 = x.contiguous().view(b * t, d)
        return layernorm_mlp_residual(x2, self.norm, self.fc1, self.fc2).view(b, t, d)
