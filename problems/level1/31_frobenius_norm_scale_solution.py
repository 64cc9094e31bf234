"""Reference Triton solution: x / ||x||_F with a global reduction in three launches (no atomics, deterministic):
1. one program per BLOCK_SIZE elements writes the partial sum of squares of its block;
2. a single program adds up the partial sums and writes the norm to a 1-element buffer;
3. one program per block divides its elements by that norm, read from device memory (never copied to the host)."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def sum_squares_kernel(x_ptr, partial_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    pid = tl.program_id(axis=0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    x = tl.load(x_ptr + offsets, mask=offsets < n_elements, other=0.0)
    tl.store(partial_ptr + pid, tl.sum(x * x, axis=0))


@triton.jit
def norm_kernel(partial_ptr, norm_ptr, n_partials, BLOCK_SIZE: tl.constexpr):
    acc = tl.zeros((BLOCK_SIZE,), dtype=tl.float32)
    for start in range(0, n_partials, BLOCK_SIZE):
        offsets = start + tl.arange(0, BLOCK_SIZE)
        acc += tl.load(partial_ptr + offsets, mask=offsets < n_partials, other=0.0)
    tl.store(norm_ptr, tl.sqrt(tl.sum(acc, axis=0)))


@triton.jit
def frobenius_scale_kernel(x_ptr, norm_ptr, out_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    pid = tl.program_id(axis=0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    norm = tl.load(norm_ptr)
    x = tl.load(x_ptr + offsets, mask=mask)
    tl.store(out_ptr + offsets, x / norm, mask=mask)


def frobenius_norm_scale(x: torch.Tensor) -> torch.Tensor:
    # The norm is over every element, so the layout does not matter: work on a flat contiguous copy.
    x = x.contiguous()
    out = torch.empty_like(x)
    n_elements = x.numel()
    BLOCK_SIZE = 1024
    n_blocks = triton.cdiv(n_elements, BLOCK_SIZE)
    partials = torch.empty((n_blocks,), device=x.device, dtype=torch.float32)
    norm = torch.empty((1,), device=x.device, dtype=torch.float32)
    sum_squares_kernel[(n_blocks,)](x, partials, n_elements, BLOCK_SIZE=BLOCK_SIZE)
    norm_kernel[(1,)](partials, norm, n_blocks, BLOCK_SIZE=min(triton.next_power_of_2(n_blocks), 1024))
    frobenius_scale_kernel[(n_blocks,)](x, norm, out, n_elements, BLOCK_SIZE=BLOCK_SIZE)
    return out


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return frobenius_norm_scale(x)
