"""Reference Triton solution: matrix-vector product. A matvec has one multiply-add per loaded matrix element, so it
is memory-bound and tl.dot would not help. Each program owns BLOCK_M rows, walks K in BLOCK_K chunks, accumulates
the element-wise products a * x in a 2-D float32 register tile and reduces it along K once at the end."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def matvec_kernel(a_ptr, x_ptr, y_ptr, M, K, stride_am, stride_ak, stride_x,
                  BLOCK_M: tl.constexpr, BLOCK_K: tl.constexpr):
    pid = tl.program_id(axis=0)
    offs_m = pid * BLOCK_M + tl.arange(0, BLOCK_M)
    offs_k = tl.arange(0, BLOCK_K)
    mask_m = offs_m < M
    acc = tl.zeros((BLOCK_M, BLOCK_K), dtype=tl.float32)
    for k0 in range(0, K, BLOCK_K):
        k = k0 + offs_k
        mask_k = k < K
        a = tl.load(a_ptr + offs_m[:, None] * stride_am + k[None, :] * stride_ak,
                    mask=mask_m[:, None] & mask_k[None, :], other=0.0)
        x = tl.load(x_ptr + k * stride_x, mask=mask_k, other=0.0)
        acc += a * x[None, :]
    y = tl.sum(acc, axis=1)
    tl.store(y_ptr + offs_m, y, mask=mask_m)


def matvec(a: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    assert a.dim() == 2 and x.dim() == 1 and a.shape[1] == x.shape[0]
    M, K = a.shape
    y = torch.empty((M,), device=a.device, dtype=torch.float32)
    BLOCK_M = 32
    BLOCK_K = min(triton.next_power_of_2(K), 128)
    grid = (triton.cdiv(M, BLOCK_M),)
    matvec_kernel[grid](a, x, y, M, K, a.stride(0), a.stride(1), x.stride(0), BLOCK_M=BLOCK_M, BLOCK_K=BLOCK_K)
    return y


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, a: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        return matvec(a, x)
