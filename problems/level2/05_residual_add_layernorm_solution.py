"""Reference Triton solution: residual add + layer norm in ONE kernel, one program per row. The row of x + residual is
formed in registers and normalised right away, so the sum is never written to memory. Both inputs are addressed
through their (row, column) strides, so a transposed residual needs no copy."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def add_layer_norm_kernel(
    x_ptr, r_ptr, w_ptr, b_ptr, out_ptr, n_cols, eps,
    stride_xr, stride_xc, stride_rr, stride_rc, stride_or,
    BLOCK_SIZE: tl.constexpr,
):
    row = tl.program_id(axis=0)
    cols = tl.arange(0, BLOCK_SIZE)
    mask = cols < n_cols
    x = tl.load(x_ptr + row * stride_xr + cols * stride_xc, mask=mask, other=0.0)
    r = tl.load(r_ptr + row * stride_rr + cols * stride_rc, mask=mask, other=0.0)
    h = x + r
    mean = tl.sum(h, axis=0) / n_cols
    centered = tl.where(mask, h - mean, 0.0)
    var = tl.sum(centered * centered, axis=0) / n_cols
    rstd = 1.0 / tl.sqrt(var + eps)
    w = tl.load(w_ptr + cols, mask=mask, other=0.0)
    b = tl.load(b_ptr + cols, mask=mask, other=0.0)
    tl.store(out_ptr + row * stride_or + cols, centered * rstd * w + b, mask=mask)


def add_layer_norm(x: torch.Tensor, residual: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor,
                   eps: float) -> torch.Tensor:
    assert x.dim() == 2 and x.shape == residual.shape
    n_rows, n_cols = x.shape
    out = torch.empty((n_rows, n_cols), device=x.device, dtype=torch.float32)
    BLOCK_SIZE = triton.next_power_of_2(n_cols)
    add_layer_norm_kernel[(n_rows,)](
        x, residual, weight, bias, out, n_cols, eps,
        x.stride(0), x.stride(1), residual.stride(0), residual.stride(1), out.stride(0),
        BLOCK_SIZE=BLOCK_SIZE,
    )
    return out


class ModelNew(nn.Module):
    def __init__(self, dim: int):
        super().__init__()
        self.norm = nn.LayerNorm(dim, eps=1e-5)
        with torch.no_grad():
            self.norm.weight.uniform_(0.5, 1.5)
            self.norm.bias.uniform_(-0.5, 0.5)

    def forward(self, x: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
        return add_layer_norm(x, residual, self.norm.weight, self.norm.bias, self.norm.eps)
