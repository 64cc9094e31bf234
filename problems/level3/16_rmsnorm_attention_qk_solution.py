"""Reference Triton solution: RMSNorm(q), RMSNorm(k), scores and softmax fused in ONE kernel.
One program per (query block, batch * head). The q tile is normalised in registers right after its load (the
whole head dim is one block); every K^T tile is normalised per key column the same way. Because the output is
the full (T, T) probability matrix, the softmax uses two passes over the key blocks: pass 1 keeps a running
max m and running sum l (online softmax), pass 2 recomputes the scores and stores exp(s - m) / l."""
import math
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def rmsnorm_qk_softmax_kernel(
    q_ptr, k_ptr, qw_ptr, kw_ptr, out_ptr, H, T, D, eps, scale,
    stride_qb, stride_qh, stride_qt, stride_qd, stride_kb, stride_kh, stride_kt, stride_kd,
    stride_ob, stride_oh, stride_oi, stride_oj,
    BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr, BLOCK_D: tl.constexpr,
):
    pid_m = tl.program_id(axis=0)
    pid_bh = tl.program_id(axis=1)
    b = pid_bh // H
    h = pid_bh % H
    offs_m = pid_m * BLOCK_M + tl.arange(0, BLOCK_M)
    offs_n = tl.arange(0, BLOCK_N)
    offs_d = tl.arange(0, BLOCK_D)
    d_mask = offs_d < D
    m_mask = offs_m < T
    # RMSNorm of the q rows (the whole head dim is one block), done once per program.
    q = tl.load(q_ptr + b * stride_qb + h * stride_qh + offs_m[:, None] * stride_qt + offs_d[None, :] * stride_qd,
                mask=m_mask[:, None] & d_mask[None, :], other=0.0)
    q_rstd = 1.0 / tl.sqrt(tl.sum(q * q, axis=1) / D + eps)
    qw = tl.load(qw_ptr + offs_d, mask=d_mask, other=0.0)
    kw = tl.load(kw_ptr + offs_d, mask=d_mask, other=0.0)
    qn = q * q_rstd[:, None] * qw[None, :]
    k_base = k_ptr + b * stride_kb + h * stride_kh
    # Pass 1: row max and softmax denominator, online over the key blocks.
    m_i = tl.full((BLOCK_M,), -1e30, dtype=tl.float32)
    l_i = tl.zeros((BLOCK_M,), dtype=tl.float32)
    for start_n in range(0, T, BLOCK_N):
        cols = start_n + offs_n
        # RMSNorm(k)^T tile (BLOCK_D, BLOCK_N): each column is one key row, normalised over D.
        kt = tl.load(k_base + cols[None, :] * stride_kt + offs_d[:, None] * stride_kd,
                     mask=(cols[None, :] < T) & d_mask[:, None], other=0.0)
        kt = kt * (1.0 / tl.sqrt(tl.sum(kt * kt, axis=0) / D + eps))[None, :] * kw[:, None]
        s = tl.dot(qn, kt, input_precision="ieee") * scale
        s = tl.where(cols[None, :] < T, s, -1e30)
        m_new = tl.maximum(m_i, tl.max(s, axis=1))
        l_i = l_i * tl.exp(m_i - m_new) + tl.sum(tl.exp(s - m_new[:, None]), axis=1)
        m_i = m_new
    # Pass 2: recompute the scores and write the normalised probabilities.
    out_base = out_ptr + b * stride_ob + h * stride_oh
    for start_n in range(0, T, BLOCK_N):
        cols = start_n + offs_n
        # RMSNorm(k)^T tile (BLOCK_D, BLOCK_N): each column is one key row, normalised over D.
        kt = tl.load(k_base + cols[None, :] * stride_kt + offs_d[:, None] * stride_kd,
                     mask=(cols[None, :] < T) & d_mask[:, None], other=0.0)
        kt = kt * (1.0 / tl.sqrt(tl.sum(kt * kt, axis=0) / D + eps))[None, :] * kw[:, None]
        s = tl.dot(qn, kt, input_precision="ieee") * scale
        p = tl.exp(s - m_i[:, None]) / l_i[:, None]
        tl.store(out_base + offs_m[:, None] * stride_oi + cols[None, :] * stride_oj, p,
                 mask=m_mask[:, None] & (cols[None, :] < T))


def rmsnorm_qk_softmax(q, k, q_weight, k_weight, eps):
    assert q.shape == k.shape and q.dim() == 4
    Bsz, H, T, D = q.shape
    out = torch.empty((Bsz, H, T, T), device=q.device, dtype=torch.float32)
    # Short sequences: one 32-query block, keys still walked in 16-wide blocks; long ones: 64 x 64 tiles.
    BLOCK_M, BLOCK_N = (32, 16) if T <= 64 else (64, 64)
    BLOCK_D = max(16, triton.next_power_of_2(D))
    grid = (triton.cdiv(T, BLOCK_M), Bsz * H)
    rmsnorm_qk_softmax_kernel[grid](
        q, k, q_weight, k_weight, out, H, T, D, eps, 1.0 / math.sqrt(D),
        q.stride(0), q.stride(1), q.stride(2), q.stride(3), k.stride(0), k.stride(1), k.stride(2), k.stride(3),
        out.stride(0), out.stride(1), out.stride(2), out.stride(3),
        BLOCK_M=BLOCK_M, BLOCK_N=BLOCK_N, BLOCK_D=BLOCK_D,
    )
    return out


class ModelNew(nn.Module):
    def __init__(self, head_dim: int):
        super().__init__()
        self.q_norm = nn.RMSNorm(head_dim, eps=1e-6)
        self.k_norm = nn.RMSNorm(head_dim, eps=1e-6)
        with torch.no_grad():
            self.q_norm.weight.uniform_(0.5, 1.5)
            self.k_norm.weight.uniform_(0.5, 1.5)

    def forward(self, q: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
        return rmsnorm_qk_softmax(q, k, self.q_norm.weight, self.k_norm.weight, self.q_norm.eps)
