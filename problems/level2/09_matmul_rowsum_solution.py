"""Reference Triton solution: GEMM + row reduction in ONE kernel. Each program owns BLOCK_M rows of the product and
walks ALL column tiles of it; every BLOCK_M x BLOCK_N tile is computed with tl.dot over K and immediately reduced
along its columns into a running per-row sum, so the (M, N) product is never written to memory."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def matmul_rowsum_kernel(
    a_ptr, b_ptr, out_ptr, M, N, K,
    stride_am, stride_ak, stride_bk, stride_bn,
    BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr, BLOCK_K: tl.constexpr,
):
    pid_m = tl.program_id(axis=0)
    offs_m = pid_m * BLOCK_M + tl.arange(0, BLOCK_M)
    offs_k = tl.arange(0, BLOCK_K)
    row_sum = tl.zeros((BLOCK_M,), dtype=tl.float32)
    for n0 in range(0, N, BLOCK_N):
        offs_n = n0 + tl.arange(0, BLOCK_N)
        acc = tl.zeros((BLOCK_M, BLOCK_N), dtype=tl.float32)
        for k0 in range(0, K, BLOCK_K):
            k = k0 + offs_k
            a = tl.load(a_ptr + offs_m[:, None] * stride_am + k[None, :] * stride_ak,
                        mask=(offs_m[:, None] < M) & (k[None, :] < K), other=0.0)
            b = tl.load(b_ptr + k[:, None] * stride_bk + offs_n[None, :] * stride_bn,
                        mask=(k[:, None] < K) & (offs_n[None, :] < N), other=0.0)
            acc += tl.dot(a, b, input_precision="ieee")
        # Out-of-range columns were loaded as 0 from b, so they add 0 to the sum.
        row_sum += tl.sum(acc, axis=1)
    tl.store(out_ptr + offs_m, row_sum, mask=offs_m < M)


def matmul_rowsum(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    assert a.dim() == 2 and b.dim() == 2 and a.shape[1] == b.shape[0]
    M, K = a.shape
    N = b.shape[1]
    out = torch.empty((M,), device=a.device, dtype=torch.float32)
    BLOCK_M, BLOCK_N, BLOCK_K = 64, 64, 32
    matmul_rowsum_kernel[(triton.cdiv(M, BLOCK_M),)](
        a, b, out, M, N, K,
        a.stride(0), a.stride(1), b.stride(0), b.stride(1),
        BLOCK_M=BLOCK_M, BLOCK_N=BLOCK_N, BLOCK_K=BLOCK_K,
    )
    return out


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return matmul_rowsum(a, b)
