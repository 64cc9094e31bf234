"""Reference Triton solution: residual add + RMSNorm in ONE kernel, one program per row. The program reads one row of
x and of residual, writes h = x + residual (the new residual stream) and, from the same registers, the normalised
row h * rsqrt(mean(h^2) + eps) * weight: two outputs, one pass over the inputs."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def add_rms_norm_kernel(
    x_ptr, r_ptr, w_ptr, out_ptr, h_ptr, n_cols, eps,
    stride_xr, stride_xc, stride_rr, stride_rc, stride_or, stride_hr,
    BLOCK_SIZE: tl.constexpr,
):
    row = tl.program_id(axis=0)
    cols = tl.arange(0, BLOCK_SIZE)
    mask = cols < n_cols
    x = tl.load(x_ptr + row * stride_xr + cols * stride_xc, mask=mask, other=0.0)
    r = tl.load(r_ptr + row * stride_rr + cols * stride_rc, mask=mask, other=0.0)
    h = x + r
    tl.store(h_ptr + row * stride_hr + cols, h, mask=mask)
    # Masked lanes hold 0, so they do not contribute to the sum of squares.
    rstd = tl.rsqrt(tl.sum(h * h, axis=0) / n_cols + eps)
    w = tl.load(w_ptr + cols, mask=mask, other=0.0)
    tl.store(out_ptr + row * stride_or + cols, h * rstd * w, mask=mask)


def add_rms_norm(x: torch.Tensor, residual: torch.Tensor, weight: torch.Tensor, eps: float):
    assert x.dim() == 2 and x.shape == residual.shape
    n_rows, n_cols = x.shape
    out = torch.empty((n_rows, n_cols), device=x.device, dtype=torch.float32)
    h = torch.empty((n_rows, n_cols), device=x.device, dtype=torch.float32)
    BLOCK_SIZE = triton.next_power_of_2(n_cols)
    add_rms_norm_kernel[(n_rows,)](
        x, residual, weight, out, h, n_cols, eps,
        x.stride(0), x.stride(1), residual.stride(0), residual.stride(1), out.stride(0), h.stride(0),
        BLOCK_SIZE=BLOCK_SIZE,
    )
    return out, h


class ModelNew(nn.Module):
    def __init__(self, dim: int):
        super().__init__()
        self.norm = nn.RMSNorm(dim, eps=1e-6)
        with torch.no_grad():
            self.norm.weight.uniform_(0.5, 1.5)

    def forward(self, x: torch.Tensor, residual: torch.Tensor):
        return add_rms_norm(x, residual, self.norm.weight, self.norm.eps)
