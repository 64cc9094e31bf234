"""Reference Triton solution: torch.gather along dim 1. Each program handles a BLOCK_R x BLOCK_K tile of the output:
it loads the matching tile of int64 column indices and uses them as per-element pointer offsets into its rows of x
(a data-dependent "gather" load)."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def gather_kernel(x_ptr, idx_ptr, out_ptr, R, K, stride_xr, stride_xc, stride_ir, stride_ik, stride_or,
                  BLOCK_R: tl.constexpr, BLOCK_K: tl.constexpr):
    pid_r = tl.program_id(axis=0)
    pid_k = tl.program_id(axis=1)
    offs_r = pid_r * BLOCK_R + tl.arange(0, BLOCK_R)
    offs_k = pid_k * BLOCK_K + tl.arange(0, BLOCK_K)
    mask = (offs_r[:, None] < R) & (offs_k[None, :] < K)
    cols = tl.load(idx_ptr + offs_r[:, None] * stride_ir + offs_k[None, :] * stride_ik, mask=mask, other=0)
    vals = tl.load(x_ptr + offs_r[:, None] * stride_xr + cols * stride_xc, mask=mask)
    tl.store(out_ptr + offs_r[:, None] * stride_or + offs_k[None, :], vals, mask=mask)


def gather(x: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
    assert x.dim() == 2 and index.dim() == 2 and index.shape[0] == x.shape[0] and index.dtype == torch.int64
    R, K = index.shape
    out = torch.empty((R, K), device=x.device, dtype=x.dtype)
    BLOCK_R = 16
    BLOCK_K = min(triton.next_power_of_2(K), 256)
    grid = (triton.cdiv(R, BLOCK_R), triton.cdiv(K, BLOCK_K))
    gather_kernel[grid](x, index, out, R, K, x.stride(0), x.stride(1), index.stride(0), index.stride(1),
                        out.stride(0), BLOCK_R=BLOCK_R, BLOCK_K=BLOCK_K)
    return out


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
        return gather(x, index)
