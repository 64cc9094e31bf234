"""Reference Triton solution: RMS norm, one program per row and two sweeps over it: the first accumulates the sum of
squares in float32, the second writes x * rsqrt(mean + eps) * weight. Strides are passed in, so a transposed input
is read in place."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def rms_norm_kernel(x_ptr, w_ptr, out_ptr, n_cols, stride_xr, stride_xc, stride_or, eps, BLOCK_SIZE: tl.constexpr):
    row = tl.program_id(axis=0)
    x_row = x_ptr + row * stride_xr
    sq = tl.zeros((BLOCK_SIZE,), dtype=tl.float32)
    for start in range(0, n_cols, BLOCK_SIZE):
        cols = start + tl.arange(0, BLOCK_SIZE)
        x = tl.load(x_row + cols * stride_xc, mask=cols < n_cols, other=0.0)
        sq += x * x
    rstd = 1.0 / tl.sqrt(tl.sum(sq, axis=0) / n_cols + eps)
    for start in range(0, n_cols, BLOCK_SIZE):
        cols = start + tl.arange(0, BLOCK_SIZE)
        mask = cols < n_cols
        x = tl.load(x_row + cols * stride_xc, mask=mask, other=0.0)
        w = tl.load(w_ptr + cols, mask=mask)
        tl.store(out_ptr + row * stride_or + cols, x * rstd * w, mask=mask)


def rms_norm(x: torch.Tensor, weight: torch.Tensor, eps: float) -> torch.Tensor:
    assert x.dim() == 2 and weight.shape == (x.shape[1],)
    n_rows, n_cols = x.shape
    weight = weight.contiguous()
    out = torch.empty((n_rows, n_cols), device=x.device, dtype=x.dtype)
    BLOCK_SIZE = min(triton.next_power_of_2(n_cols), 2048)
    rms_norm_kernel[(n_rows,)](x, weight, out, n_cols, x.stride(0), x.stride(1), out.stride(0), eps,
                               BLOCK_SIZE=BLOCK_SIZE)
    return out


class ModelNew(nn.Module):
    def __init__(self, dim: int):
        super().__init__()
        # Same module and the same initialisation order as Model, so that a shared seed gives the same parameters.
        self.norm = nn.RMSNorm(dim, eps=1e-6)
        with torch.no_grad():
            self.norm.weight.uniform_(0.5, 1.5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return rms_norm(x, self.norm.weight, self.norm.eps)
