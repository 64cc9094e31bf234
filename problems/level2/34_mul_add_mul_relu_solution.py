"""Reference Triton solution: the whole chain mul -> add -> mul -> ReLU in ONE elementwise kernel over 2-D
[BLOCK_R, BLOCK_C] tiles: four loads and one store per element instead of four separate passes with three
intermediate tensors. The broadcast w is loaded once per tile column vector, and every input is addressed through its
own strides (a transposed y is read in place)."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def mul_add_mul_relu_kernel(
    x_ptr, y_ptr, z_ptr, w_ptr, out_ptr, n_rows, n_cols,
    sx_r, sx_c, sy_r, sy_c, sz_r, sz_c, sw, so_r,
    BLOCK_R: tl.constexpr, BLOCK_C: tl.constexpr,
):
    pid_r = tl.program_id(axis=0)
    pid_c = tl.program_id(axis=1)
    rows = pid_r * BLOCK_R + tl.arange(0, BLOCK_R)
    cols = pid_c * BLOCK_C + tl.arange(0, BLOCK_C)
    mask = (rows[:, None] < n_rows) & (cols[None, :] < n_cols)
    x = tl.load(x_ptr + rows[:, None] * sx_r + cols[None, :] * sx_c, mask=mask, other=0.0)
    y = tl.load(y_ptr + rows[:, None] * sy_r + cols[None, :] * sy_c, mask=mask, other=0.0)
    z = tl.load(z_ptr + rows[:, None] * sz_r + cols[None, :] * sz_c, mask=mask, other=0.0)
    w = tl.load(w_ptr + cols * sw, mask=cols < n_cols, other=0.0)
    out = tl.maximum((x * y + z) * w[None, :], 0.0)
    tl.store(out_ptr + rows[:, None] * so_r + cols[None, :], out, mask=mask)


def mul_add_mul_relu(x: torch.Tensor, y: torch.Tensor, z: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    assert x.dim() == 2 and x.shape == y.shape == z.shape and w.shape == (x.shape[1],)
    n_rows, n_cols = x.shape
    out = torch.empty((n_rows, n_cols), device=x.device, dtype=torch.float32)
    BLOCK_C = min(1024, triton.next_power_of_2(n_cols))
    BLOCK_R = max(1, min(triton.next_power_of_2(n_rows), 4096 // BLOCK_C))
    grid = (triton.cdiv(n_rows, BLOCK_R), triton.cdiv(n_cols, BLOCK_C))
    mul_add_mul_relu_kernel[grid](
        x, y, z, w, out, n_rows, n_cols,
        x.stride(0), x.stride(1), y.stride(0), y.stride(1), z.stride(0), z.stride(1), w.stride(0), out.stride(0),
        BLOCK_R=BLOCK_R, BLOCK_C=BLOCK_C,
    )
    return out


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x: torch.Tensor, y: torch.Tensor, z: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
        return mul_add_mul_relu(x, y, z, w)
