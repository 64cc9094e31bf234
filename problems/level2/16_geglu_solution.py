"""Reference Triton solution: GEGLU in ONE kernel. The two halves of the projection are rows [0, H) (value) and
[H, 2H) (gate) of the same weight, so each program computes the same BLOCK_M x BLOCK_N output tile of both halves with
two tl.dot accumulators that share the loaded x tile; the epilogue adds both bias slices and stores value * gelu(gate).
The (BATCH, 2H) projection is never materialised and no chunk/copy is needed."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def geglu_kernel(
    x_ptr, w_ptr, b_ptr, out_ptr, M, H, K,
    stride_xm, stride_xk, stride_wn, stride_wk, stride_om, stride_on,
    BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr, BLOCK_K: tl.constexpr,
):
    pid_m = tl.program_id(axis=0)
    pid_n = tl.program_id(axis=1)
    offs_m = pid_m * BLOCK_M + tl.arange(0, BLOCK_M)
    offs_n = pid_n * BLOCK_N + tl.arange(0, BLOCK_N)   # output column in [0, H)
    offs_k = tl.arange(0, BLOCK_K)
    acc_v = tl.zeros((BLOCK_M, BLOCK_N), dtype=tl.float32)
    acc_g = tl.zeros((BLOCK_M, BLOCK_N), dtype=tl.float32)
    for k0 in range(0, K, BLOCK_K):
        k = k0 + offs_k
        a = tl.load(x_ptr + offs_m[:, None] * stride_xm + k[None, :] * stride_xk,
                    mask=(offs_m[:, None] < M) & (k[None, :] < K), other=0.0)
        w_mask = (k[:, None] < K) & (offs_n[None, :] < H)
        wv = tl.load(w_ptr + k[:, None] * stride_wk + offs_n[None, :] * stride_wn, mask=w_mask, other=0.0)
        wg = tl.load(w_ptr + k[:, None] * stride_wk + (offs_n[None, :] + H) * stride_wn, mask=w_mask, other=0.0)
        acc_v += tl.dot(a, wv, input_precision="ieee")
        acc_g += tl.dot(a, wg, input_precision="ieee")
    n_ok = offs_n < H
    value = acc_v + tl.load(b_ptr + offs_n, mask=n_ok, other=0.0)[None, :]
    gate = acc_g + tl.load(b_ptr + H + offs_n, mask=n_ok, other=0.0)[None, :]
    out = value * (0.5 * gate * (1.0 + tl.erf(gate * 0.7071067811865476)))
    tl.store(out_ptr + offs_m[:, None] * stride_om + offs_n[None, :] * stride_on, out,
             mask=(offs_m[:, None] < M) & n_ok[None, :])


def geglu(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    assert x.dim() == 2 and weight.shape[1] == x.shape[1] and weight.shape[0] % 2 == 0
    M, K = x.shape
    H = weight.shape[0] // 2
    out = torch.empty((M, H), device=x.device, dtype=torch.float32)
    BLOCK_M, BLOCK_N, BLOCK_K = 64, 64, 32
    grid = (triton.cdiv(M, BLOCK_M), triton.cdiv(H, BLOCK_N))
    geglu_kernel[grid](
        x, weight, bias, out, M, H, K,
        x.stride(0), x.stride(1), weight.stride(0), weight.stride(1), out.stride(0), out.stride(1),
        BLOCK_M=BLOCK_M, BLOCK_N=BLOCK_N, BLOCK_K=BLOCK_K,
    )
    return out


class ModelNew(nn.Module):
    def __init__(self, dim: int, hidden: int):
        super().__init__()
        self.proj = nn.Linear(dim, 2 * hidden)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return geglu(x, self.proj.weight, self.proj.bias)
