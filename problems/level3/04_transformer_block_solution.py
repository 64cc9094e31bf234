"""Reference Triton solution: a pre-LN causal transformer block from three reusable kernels.
  layer_norm_kernel : BLOCK_ROWS rows per program, mean / biased variance in float32, affine fused.
  linear_kernel     : tiled z @ W^T with a fused epilogue: + bias, optional exact GELU, optional + residual.
  attention_kernel  : causal multi-head attention with an online softmax over key blocks (flash style); heads are
                      addressed through strides of the (B, T, H, Dh) views, so no transposes are materialised.
Both residual adds are fused into the epilogues of out_proj and fc2, so the block runs in 9 launches."""
import math
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def layer_norm_kernel(x_ptr, w_ptr, b_ptr, out_ptr, n_rows, n_cols, stride_x, stride_out, eps,
                      BLOCK_ROWS: tl.constexpr, BLOCK_COLS: tl.constexpr):
    rows = tl.program_id(axis=0) * BLOCK_ROWS + tl.arange(0, BLOCK_ROWS)
    cols = tl.arange(0, BLOCK_COLS)
    mask = (rows[:, None] < n_rows) & (cols[None, :] < n_cols)
    x = tl.load(x_ptr + rows[:, None] * stride_x + cols[None, :], mask=mask, other=0.0)
    mean = tl.sum(x, axis=1) / n_cols
    centered = tl.where(mask, x - mean[:, None], 0.0)
    var = tl.sum(centered * centered, axis=1) / n_cols
    rstd = 1.0 / tl.sqrt(var + eps)
    w = tl.load(w_ptr + cols, mask=cols < n_cols, other=0.0)
    b = tl.load(b_ptr + cols, mask=cols < n_cols, other=0.0)
    y = centered * rstd[:, None] * w[None, :] + b[None, :]
    tl.store(out_ptr + rows[:, None] * stride_out + cols[None, :], y, mask=mask)


def layer_norm(x: torch.Tensor, norm: nn.LayerNorm) -> torch.Tensor:
    assert x.dim() == 2 and x.stride(1) == 1
    n_rows, n_cols = x.shape
    out = torch.empty((n_rows, n_cols), device=x.device, dtype=torch.float32)
    BLOCK_COLS = triton.next_power_of_2(n_cols)
    BLOCK_ROWS = max(1, min(16, 4096 // BLOCK_COLS))
    grid = (triton.cdiv(n_rows, BLOCK_ROWS),)
    layer_norm_kernel[grid](x, norm.weight, norm.bias, out, n_rows, n_cols, x.stride(0), out.stride(0), norm.eps,
                            BLOCK_ROWS=BLOCK_ROWS, BLOCK_COLS=BLOCK_COLS)
    return out


@triton.jit
def linear_kernel(
    x_ptr, w_ptr, b_ptr, r_ptr, out_ptr, M, N, K,
    stride_xm, stride_xk, stride_wn, stride_wk, stride_rm, stride_om,
    ACTIVATION: tl.constexpr, HAS_RESIDUAL: tl.constexpr,
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
        x = tl.load(x_ptr + offs_m[:, None] * stride_xm + k[None, :] * stride_xk,
                    mask=(offs_m[:, None] < M) & (k[None, :] < K), other=0.0)
        w = tl.load(w_ptr + k[:, None] * stride_wk + offs_n[None, :] * stride_wn,
                    mask=(k[:, None] < K) & (offs_n[None, :] < N), other=0.0)
        acc += tl.dot(x, w, input_precision="ieee")
    out_mask = (offs_m[:, None] < M) & (offs_n[None, :] < N)
    acc += tl.load(b_ptr + offs_n, mask=offs_n < N, other=0.0)[None, :]
    if ACTIVATION == "gelu":
        acc = 0.5 * acc * (1.0 + tl.erf(acc * 0.7071067811865476))
    if HAS_RESIDUAL:
        acc += tl.load(r_ptr + offs_m[:, None] * stride_rm + offs_n[None, :], mask=out_mask, other=0.0)
    tl.store(out_ptr + offs_m[:, None] * stride_om + offs_n[None, :], acc, mask=out_mask)


def linear(x: torch.Tensor, layer: nn.Linear, activation: str = "", residual=None) -> torch.Tensor:
    assert x.dim() == 2 and x.shape[1] == layer.weight.shape[1]
    M, K = x.shape
    N = layer.weight.shape[0]
    out = torch.empty((M, N), device=x.device, dtype=torch.float32)
    has_residual = residual is not None
    r = residual if has_residual else out  # dummy pointer when unused (never read)
    assert r.stride(1) == 1
    BLOCK_M = min(64, max(16, triton.next_power_of_2(M)))
    BLOCK_N = min(64, max(16, triton.next_power_of_2(N)))
    BLOCK_K = min(32, max(16, triton.next_power_of_2(K)))
    grid = (triton.cdiv(M, BLOCK_M), triton.cdiv(N, BLOCK_N))
    linear_kernel[grid](
        x, layer.weight, layer.bias, r, out, M, N, K,
        x.stride(0), x.stride(1), layer.weight.stride(0), layer.weight.stride(1), r.stride(0), out.stride(0),
        ACTIVATION=activation, HAS_RESIDUAL=has_residual, BLOCK_M=BLOCK_M, BLOCK_N=BLOCK_N, BLOCK_K=BLOCK_K,
    )
    return out


@triton.jit
def causal_attention_kernel(
    q_ptr, k_ptr, v_ptr, o_ptr, H, T, D, scale,
    stride_qb, stride_qt, stride_qh, stride_kb, stride_kt, stride_kh,
    stride_vb, stride_vt, stride_vh, stride_ob, stride_ot, stride_oh,
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
    q_base = q_ptr + b * stride_qb + h * stride_qh
    k_base = k_ptr + b * stride_kb + h * stride_kh
    v_base = v_ptr + b * stride_vb + h * stride_vh
    q = tl.load(q_base + offs_m[:, None] * stride_qt + offs_d[None, :],
                mask=(offs_m[:, None] < T) & d_mask[None, :], other=0.0)
    m_i = tl.full((BLOCK_M,), -1e30, dtype=tl.float32)
    l_i = tl.zeros((BLOCK_M,), dtype=tl.float32)
    acc = tl.zeros((BLOCK_M, BLOCK_D), dtype=tl.float32)
    hi = tl.minimum(T, (pid_m + 1) * BLOCK_M)  # key blocks past the diagonal are fully masked: skip them
    for start_n in range(0, hi, BLOCK_N):
        cols = start_n + offs_n
        kt = tl.load(k_base + cols[None, :] * stride_kt + offs_d[:, None],
                     mask=(cols[None, :] < T) & d_mask[:, None], other=0.0)
        s = tl.dot(q, kt, input_precision="ieee") * scale
        visible = (cols[None, :] < T) & (cols[None, :] <= offs_m[:, None])
        s = tl.where(visible, s, -1e30)
        m_new = tl.maximum(m_i, tl.max(s, axis=1))
        alpha = tl.exp(m_i - m_new)
        p = tl.exp(s - m_new[:, None])
        l_i = l_i * alpha + tl.sum(p, axis=1)
        v = tl.load(v_base + cols[:, None] * stride_vt + offs_d[None, :],
                    mask=(cols[:, None] < T) & d_mask[None, :], other=0.0)
        acc = acc * alpha[:, None] + tl.dot(p, v, input_precision="ieee")
        m_i = m_new
    out = acc / l_i[:, None]
    tl.store(o_ptr + b * stride_ob + h * stride_oh + offs_m[:, None] * stride_ot + offs_d[None, :], out,
             mask=(offs_m[:, None] < T) & d_mask[None, :])


def causal_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    # q, k, v: (B, T, H, Dh) views with a unit stride along Dh; returns (B, T, H, Dh) contiguous.
    assert q.shape == k.shape == v.shape
    assert q.stride(3) == 1 and k.stride(3) == 1 and v.stride(3) == 1
    Bsz, T, H, D = q.shape
    o = torch.empty((Bsz, T, H, D), device=q.device, dtype=torch.float32)
    # Short sequences: one 32-query block, keys still walked in 16-wide blocks; long ones: 64 x 64 tiles.
    BLOCK_M, BLOCK_N = (32, 16) if T <= 64 else (64, 64)
    BLOCK_D = max(16, triton.next_power_of_2(D))
    grid = (triton.cdiv(T, BLOCK_M), Bsz * H)
    causal_attention_kernel[grid](
        q, k, v, o, H, T, D, 1.0 / math.sqrt(D),
        q.stride(0), q.stride(1), q.stride(2), k.stride(0), k.stride(1), k.stride(2),
        v.stride(0), v.stride(1), v.stride(2), o.stride(0), o.stride(1), o.stride(2),
        BLOCK_M=BLOCK_M, BLOCK_N=BLOCK_N, BLOCK_D=BLOCK_D,
    )
    return o


class ModelNew(nn.Module):
    def __init__(self, d_model: int, n_heads: int, d_ff: int):
        super().__init__()
        assert d_model % n_heads == 0
        self.n_heads = n_heads
        self.ln1 = nn.LayerNorm(d_model, eps=1e-5)
        self.q_proj = nn.Linear(d_model, d_model)
        self.k_proj = nn.Linear(d_model, d_model)
        self.v_proj = nn.Linear(d_model, d_model)
        self.out_proj = nn.Linear(d_model, d_model)
        self.ln2 = nn.LayerNorm(d_model, eps=1e-5)
        self.fc1 = nn.Linear(d_model, d_ff)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(d_ff, d_model)
        with torch.no_grad():
            for ln in (self.ln1, self.ln2):
                ln.weight.uniform_(0.5, 1.5)
                ln.bias.uniform_(-0.5, 0.5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, t, d = x.shape
        h, dh = self.n_heads, d // self.n_heads
        x2 = x.contiguous().view(b * t, d)
        z = layer_norm(x2, self.ln1)
        q = linear(z, self.q_proj).view(b, t, h, dh)
        k = linear(z, self.k_proj).view(b, t, h, dh)
        v = linear(z, self.v_proj).view(b, t, h, dh)
        o = causal_attention(q, k, v).view(b * t, d)
        hid = linear(o, self.out_proj, residual=x2)                 # h = x + Attn(LN1(x))
        f = linear(layer_norm(hid, self.ln2), self.fc1, activation="gelu")
        return linear(f, self.fc2, residual=hid).view(b, t, d)     # out = h + MLP(LN2(h))
