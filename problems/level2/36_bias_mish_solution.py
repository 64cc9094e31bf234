"""Reference Triton solution: bias + softplus + tanh + multiply in ONE elementwise kernel over 2-D [BLOCK_R, BLOCK_C]
tiles. softplus is evaluated in the overflow-free form max(h, 0) + log(1 + exp(-|h|)), and tanh through the sigmoid
identity tanh(s) = 2 * sigmoid(2s) - 1. x is addressed through its strides (a transposed view is read in place)."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def bias_mish_kernel(
    x_ptr, b_ptr, out_ptr, n_rows, n_cols, sx_r, sx_c, so_r,
    BLOCK_R: tl.constexpr, BLOCK_C: tl.constexpr,
):
    pid_r = tl.program_id(axis=0)
    pid_c = tl.program_id(axis=1)
    rows = pid_r * BLOCK_R + tl.arange(0, BLOCK_R)
    cols = pid_c * BLOCK_C + tl.arange(0, BLOCK_C)
    mask = (rows[:, None] < n_rows) & (cols[None, :] < n_cols)
    x = tl.load(x_ptr + rows[:, None] * sx_r + cols[None, :] * sx_c, mask=mask, other=0.0)
    b = tl.load(b_ptr + cols, mask=cols < n_cols, other=0.0)
    h = x + b[None, :]
    sp = tl.maximum(h, 0.0) + tl.log(1.0 + tl.exp(-tl.abs(h)))
    t = 2.0 * tl.sigmoid(2.0 * sp) - 1.0
    tl.store(out_ptr + rows[:, None] * so_r + cols[None, :], h * t, mask=mask)


def bias_mish(x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    assert x.dim() == 2 and bias.shape == (x.shape[1],)
    n_rows, n_cols = x.shape
    out = torch.empty((n_rows, n_cols), device=x.device, dtype=torch.float32)
    BLOCK_C = min(1024, triton.next_power_of_2(n_cols))
    BLOCK_R = max(1, min(triton.next_power_of_2(n_rows), 4096 // BLOCK_C))
    grid = (triton.cdiv(n_rows, BLOCK_R), triton.cdiv(n_cols, BLOCK_C))
    bias_mish_kernel[grid](x, bias, out, n_rows, n_cols, x.stride(0), x.stride(1), out.stride(0),
                           BLOCK_R=BLOCK_R, BLOCK_C=BLOCK_C)
    return out


class ModelNew(nn.Module):
    def __init__(self, dim: int):
        super().__init__()
        self.bias = nn.Parameter(torch.empty(dim).uniform_(-1.0, 1.0))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return bias_mish(x, self.bias)
