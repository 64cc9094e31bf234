"""Reference Triton solution: fused x * scale + shift + bias, one program per row looping over column blocks. The row
and column strides are passed to the kernel, so a transposed x is read in place, without a copy."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def scale_shift_kernel(x_ptr, bias_ptr, out_ptr, scale, shift, n_cols, stride_xr, stride_xc, stride_or,
                       BLOCK_SIZE: tl.constexpr):
    row = tl.program_id(axis=0)
    for start in range(0, n_cols, BLOCK_SIZE):
        cols = start + tl.arange(0, BLOCK_SIZE)
        mask = cols < n_cols
        x = tl.load(x_ptr + row * stride_xr + cols * stride_xc, mask=mask)
        # The bias is indexed by the column only: broadcasting over rows is just reusing it for every row.
        b = tl.load(bias_ptr + cols, mask=mask)
        tl.store(out_ptr + row * stride_or + cols, x * scale + shift + b, mask=mask)


def scale_shift(x: torch.Tensor, bias: torch.Tensor, scale: float, shift: float) -> torch.Tensor:
    assert x.dim() == 2 and bias.shape == (x.shape[1],)
    bias = bias.contiguous()
    n_rows, n_cols = x.shape
    out = torch.empty((n_rows, n_cols), device=x.device, dtype=x.dtype)
    BLOCK_SIZE = min(triton.next_power_of_2(n_cols), 1024)
    scale_shift_kernel[(n_rows,)](x, bias, out, scale, shift, n_cols, x.stride(0), x.stride(1), out.stride(0),
                                  BLOCK_SIZE=BLOCK_SIZE)
    return out


class ModelNew(nn.Module):
    def __init__(self, scale: float, shift: float):
        super().__init__()
        self.scale = scale
        self.shift = shift

    def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        return scale_shift(x, bias, self.scale, self.shift)
