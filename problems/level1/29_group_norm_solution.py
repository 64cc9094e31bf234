"""Reference Triton solution: group norm, one program per (sample, group). A group is (C // G) channels x L positions,
walked as a flat range i -> (channel = g * C // G + i // L, position = i % L) in BLOCK_SIZE chunks with three sweeps:
the mean, then the (two-pass, numerically safe) biased variance, then the normalised and affinely transformed output.
Strides are passed in, so a transposed input is read in place; the output is contiguous."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def group_norm_kernel(x_ptr, w_ptr, b_ptr, out_ptr, n_channels, length, channels_per_group,
                      stride_xn, stride_xc, stride_xl, eps, BLOCK_SIZE: tl.constexpr):
    n = tl.program_id(axis=0)
    g = tl.program_id(axis=1)
    group_size = channels_per_group * length
    c0 = g * channels_per_group
    x_base = x_ptr + n * stride_xn + c0 * stride_xc
    # In the contiguous output, a group is one contiguous run of group_size elements.
    out_base = out_ptr + n * n_channels * length + c0 * length

    acc = tl.zeros((BLOCK_SIZE,), dtype=tl.float32)
    for start in range(0, group_size, BLOCK_SIZE):
        i = start + tl.arange(0, BLOCK_SIZE)
        mask = i < group_size
        acc += tl.load(x_base + (i // length) * stride_xc + (i % length) * stride_xl, mask=mask, other=0.0)
    mean = tl.sum(acc, axis=0) / group_size

    acc = tl.zeros((BLOCK_SIZE,), dtype=tl.float32)
    for start in range(0, group_size, BLOCK_SIZE):
        i = start + tl.arange(0, BLOCK_SIZE)
        mask = i < group_size
        x = tl.load(x_base + (i // length) * stride_xc + (i % length) * stride_xl, mask=mask, other=0.0)
        d = tl.where(mask, x - mean, 0.0)
        acc += d * d
    rstd = 1.0 / tl.sqrt(tl.sum(acc, axis=0) / group_size + eps)

    for start in range(0, group_size, BLOCK_SIZE):
        i = start + tl.arange(0, BLOCK_SIZE)
        mask = i < group_size
        c = i // length
        x = tl.load(x_base + c * stride_xc + (i % length) * stride_xl, mask=mask, other=0.0)
        w = tl.load(w_ptr + c0 + c, mask=mask)
        b = tl.load(b_ptr + c0 + c, mask=mask)
        tl.store(out_base + i, (x - mean) * rstd * w + b, mask=mask)


def group_norm(x: torch.Tensor, num_groups: int, weight: torch.Tensor, bias: torch.Tensor, eps: float) -> torch.Tensor:
    assert x.dim() == 3 and x.shape[1] % num_groups == 0
    n_batch, n_channels, length = x.shape
    channels_per_group = n_channels // num_groups
    out = torch.empty((n_batch, n_channels, length), device=x.device, dtype=x.dtype)
    BLOCK_SIZE = min(triton.next_power_of_2(channels_per_group * length), 2048)
    grid = (n_batch, num_groups)
    group_norm_kernel[grid](x, weight, bias, out, n_channels, length, channels_per_group,
                            x.stride(0), x.stride(1), x.stride(2), eps, BLOCK_SIZE=BLOCK_SIZE)
    return out


class ModelNew(nn.Module):
    def __init__(self, num_groups: int, num_channels: int):
        super().__init__()
        # Same module and the same initialisation order as Model, so that a shared seed gives the same parameters.
        self.norm = nn.GroupNorm(num_groups, num_channels, eps=1e-5)
        with torch.no_grad():
            self.norm.weight.uniform_(0.5, 1.5)
            self.norm.bias.uniform_(-0.5, 0.5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return group_norm(x, self.norm.num_groups, self.norm.weight, self.norm.bias, self.norm.eps)
