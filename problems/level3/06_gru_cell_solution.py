"""Reference Triton solution: the whole GRU step in ONE kernel. Each program owns a BLOCK_B x BLOCK_H tile of h'
and keeps six accumulators: the r, z, n slices of x @ W_ih^T and of h @ W_hh^T (gate g of hidden unit j is row
g * HIDDEN + j of the stacked weights). The n gate needs the input and hidden halves apart, because r only scales
the hidden half. The gate nonlinearities and the final interpolation run in the epilogue."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def gru_cell_kernel(
    x_ptr, h_ptr, w_ih_ptr, w_hh_ptr, b_ih_ptr, b_hh_ptr, out_ptr, B, I, H,
    stride_xb, stride_xk, stride_hb, stride_hk, stride_wi_row, stride_wi_col, stride_wh_row, stride_wh_col,
    stride_ob,
    BLOCK_B: tl.constexpr, BLOCK_H: tl.constexpr, BLOCK_K: tl.constexpr,
):
    pid_b = tl.program_id(axis=0)
    pid_h = tl.program_id(axis=1)
    offs_b = pid_b * BLOCK_B + tl.arange(0, BLOCK_B)
    offs_j = pid_h * BLOCK_H + tl.arange(0, BLOCK_H)
    offs_k = tl.arange(0, BLOCK_K)
    b_mask = offs_b < B
    j_mask = offs_j < H
    # Input half: x @ W_ih^T for the three gates.
    gi_r = tl.zeros((BLOCK_B, BLOCK_H), dtype=tl.float32)
    gi_z = tl.zeros((BLOCK_B, BLOCK_H), dtype=tl.float32)
    gi_n = tl.zeros((BLOCK_B, BLOCK_H), dtype=tl.float32)
    for k0 in range(0, I, BLOCK_K):
        k = k0 + offs_k
        k_mask = k < I
        x = tl.load(x_ptr + offs_b[:, None] * stride_xb + k[None, :] * stride_xk,
                    mask=b_mask[:, None] & k_mask[None, :], other=0.0)
        w_ptrs = w_ih_ptr + k[:, None] * stride_wi_col + offs_j[None, :] * stride_wi_row
        w_mask = k_mask[:, None] & j_mask[None, :]
        gi_r += tl.dot(x, tl.load(w_ptrs, mask=w_mask, other=0.0), input_precision="ieee")
        gi_z += tl.dot(x, tl.load(w_ptrs + H * stride_wi_row, mask=w_mask, other=0.0), input_precision="ieee")
        gi_n += tl.dot(x, tl.load(w_ptrs + 2 * H * stride_wi_row, mask=w_mask, other=0.0), input_precision="ieee")
    # Hidden half: h @ W_hh^T for the three gates.
    gh_r = tl.zeros((BLOCK_B, BLOCK_H), dtype=tl.float32)
    gh_z = tl.zeros((BLOCK_B, BLOCK_H), dtype=tl.float32)
    gh_n = tl.zeros((BLOCK_B, BLOCK_H), dtype=tl.float32)
    for k0 in range(0, H, BLOCK_K):
        k = k0 + offs_k
        k_mask = k < H
        hk = tl.load(h_ptr + offs_b[:, None] * stride_hb + k[None, :] * stride_hk,
                     mask=b_mask[:, None] & k_mask[None, :], other=0.0)
        w_ptrs = w_hh_ptr + k[:, None] * stride_wh_col + offs_j[None, :] * stride_wh_row
        w_mask = k_mask[:, None] & j_mask[None, :]
        gh_r += tl.dot(hk, tl.load(w_ptrs, mask=w_mask, other=0.0), input_precision="ieee")
        gh_z += tl.dot(hk, tl.load(w_ptrs + H * stride_wh_row, mask=w_mask, other=0.0), input_precision="ieee")
        gh_n += tl.dot(hk, tl.load(w_ptrs + 2 * H * stride_wh_row, mask=w_mask, other=0.0), input_precision="ieee")
    # Epilogue: biases, gates, interpolation with the previous state.
    bi_r = tl.load(b_ih_ptr + offs_j, mask=j_mask, other=0.0)
    bi_z = tl.load(b_ih_ptr + H + offs_j, mask=j_mask, other=0.0)
    bi_n = tl.load(b_ih_ptr + 2 * H + offs_j, mask=j_mask, other=0.0)
    bh_r = tl.load(b_hh_ptr + offs_j, mask=j_mask, other=0.0)
    bh_z = tl.load(b_hh_ptr + H + offs_j, mask=j_mask, other=0.0)
    bh_n = tl.load(b_hh_ptr + 2 * H + offs_j, mask=j_mask, other=0.0)
    r = tl.sigmoid(gi_r + bi_r[None, :] + gh_r + bh_r[None, :])
    z = tl.sigmoid(gi_z + bi_z[None, :] + gh_z + bh_z[None, :])
    n = 2.0 * tl.sigmoid(2.0 * (gi_n + bi_n[None, :] + r * (gh_n + bh_n[None, :]))) - 1.0  # tanh
    mask = b_mask[:, None] & j_mask[None, :]
    h_prev = tl.load(h_ptr + offs_b[:, None] * stride_hb + offs_j[None, :] * stride_hk, mask=mask, other=0.0)
    h_new = (1.0 - z) * n + z * h_prev
    tl.store(out_ptr + offs_b[:, None] * stride_ob + offs_j[None, :], h_new, mask=mask)


def gru_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    B, I = x.shape
    H = h.shape[1]
    assert w_ih.shape == (3 * H, I) and w_hh.shape == (3 * H, H)
    out = torch.empty((B, H), device=x.device, dtype=torch.float32)
    BLOCK_B = min(32, max(16, triton.next_power_of_2(B)))
    BLOCK_H = min(32, max(16, triton.next_power_of_2(H)))
    BLOCK_K = 32
    grid = (triton.cdiv(B, BLOCK_B), triton.cdiv(H, BLOCK_H))
    gru_cell_kernel[grid](
        x, h, w_ih, w_hh, b_ih, b_hh, out, B, I, H,
        x.stride(0), x.stride(1), h.stride(0), h.stride(1),
        w_ih.stride(0), w_ih.stride(1), w_hh.stride(0), w_hh.stride(1), out.stride(0),
        BLOCK_B=BLOCK_B, BLOCK_H=BLOCK_H, BLOCK_K=BLOCK_K,
    )
    return out


class ModelNew(nn.Module):
    def __init__(self, input_size: int, hidden_size: int):
        super().__init__()
        self.cell = nn.GRUCell(input_size, hidden_size)

    def forward(self, x: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
        c = self.cell
        return gru_cell(x, h, c.weight_ih, c.weight_hh, c.bias_ih, c.bias_hh)
