"""Reference Triton solution: the whole LSTM step in ONE kernel. Each program owns a BLOCK_B x BLOCK_H tile of
(h', c') and keeps four gate accumulators (gate g of hidden unit j is row g * HIDDEN + j of the stacked weights);
x @ W_ih^T and h @ W_hh^T accumulate into the same four tiles, then the epilogue adds both biases, applies the
gate nonlinearities and writes c' and h' (two outputs from one pass)."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def lstm_cell_kernel(
    x_ptr, h_ptr, c_ptr, w_ih_ptr, w_hh_ptr, b_ih_ptr, b_hh_ptr, h_out_ptr, c_out_ptr, B, I, H,
    stride_xb, stride_xk, stride_hb, stride_hk, stride_cb, stride_ck,
    stride_wi_row, stride_wi_col, stride_wh_row, stride_wh_col, stride_ob,
    BLOCK_B: tl.constexpr, BLOCK_H: tl.constexpr, BLOCK_K: tl.constexpr,
):
    pid_b = tl.program_id(axis=0)
    pid_h = tl.program_id(axis=1)
    offs_b = pid_b * BLOCK_B + tl.arange(0, BLOCK_B)
    offs_j = pid_h * BLOCK_H + tl.arange(0, BLOCK_H)
    j_mask = offs_j < H
    acc_i = tl.zeros((BLOCK_B, BLOCK_H), dtype=tl.float32)
    acc_f = tl.zeros((BLOCK_B, BLOCK_H), dtype=tl.float32)
    acc_g = tl.zeros((BLOCK_B, BLOCK_H), dtype=tl.float32)
    acc_o = tl.zeros((BLOCK_B, BLOCK_H), dtype=tl.float32)
    offs_k = tl.arange(0, BLOCK_K)
    b_mask = offs_b < B
    # Input half: acc_* += x @ W_ih_*^T (gate g of unit j is row g * H + j).
    for k0 in range(0, I, BLOCK_K):
        k = k0 + offs_k
        k_mask = k < I
        a = tl.load(x_ptr + offs_b[:, None] * stride_xb + k[None, :] * stride_xk,
                    mask=b_mask[:, None] & k_mask[None, :], other=0.0)
        w_ptrs = w_ih_ptr + k[:, None] * stride_wi_col + offs_j[None, :] * stride_wi_row
        w_mask = k_mask[:, None] & j_mask[None, :]
        acc_i += tl.dot(a, tl.load(w_ptrs, mask=w_mask, other=0.0), input_precision="ieee")
        acc_f += tl.dot(a, tl.load(w_ptrs + H * stride_wi_row, mask=w_mask, other=0.0), input_precision="ieee")
        acc_g += tl.dot(a, tl.load(w_ptrs + 2 * H * stride_wi_row, mask=w_mask, other=0.0), input_precision="ieee")
        acc_o += tl.dot(a, tl.load(w_ptrs + 3 * H * stride_wi_row, mask=w_mask, other=0.0), input_precision="ieee")
    # Hidden half: the same four accumulators += h @ W_hh_*^T.
    for k0 in range(0, H, BLOCK_K):
        k = k0 + offs_k
        k_mask = k < H
        a = tl.load(h_ptr + offs_b[:, None] * stride_hb + k[None, :] * stride_hk,
                    mask=b_mask[:, None] & k_mask[None, :], other=0.0)
        w_ptrs = w_hh_ptr + k[:, None] * stride_wh_col + offs_j[None, :] * stride_wh_row
        w_mask = k_mask[:, None] & j_mask[None, :]
        acc_i += tl.dot(a, tl.load(w_ptrs, mask=w_mask, other=0.0), input_precision="ieee")
        acc_f += tl.dot(a, tl.load(w_ptrs + H * stride_wh_row, mask=w_mask, other=0.0), input_precision="ieee")
        acc_g += tl.dot(a, tl.load(w_ptrs + 2 * H * stride_wh_row, mask=w_mask, other=0.0), input_precision="ieee")
        acc_o += tl.dot(a, tl.load(w_ptrs + 3 * H * stride_wh_row, mask=w_mask, other=0.0), input_precision="ieee")
    # Both biases, per gate.
    bias_i = (tl.load(b_ih_ptr + offs_j, mask=j_mask, other=0.0)
              + tl.load(b_hh_ptr + offs_j, mask=j_mask, other=0.0))
    bias_f = (tl.load(b_ih_ptr + H + offs_j, mask=j_mask, other=0.0)
              + tl.load(b_hh_ptr + H + offs_j, mask=j_mask, other=0.0))
    bias_g = (tl.load(b_ih_ptr + 2 * H + offs_j, mask=j_mask, other=0.0)
              + tl.load(b_hh_ptr + 2 * H + offs_j, mask=j_mask, other=0.0))
    bias_o = (tl.load(b_ih_ptr + 3 * H + offs_j, mask=j_mask, other=0.0)
              + tl.load(b_hh_ptr + 3 * H + offs_j, mask=j_mask, other=0.0))
    i = tl.sigmoid(acc_i + bias_i[None, :])
    f = tl.sigmoid(acc_f + bias_f[None, :])
    g = 2.0 * tl.sigmoid(2.0 * (acc_g + bias_g[None, :])) - 1.0  # tanh
    o = tl.sigmoid(acc_o + bias_o[None, :])
    mask = b_mask[:, None] & j_mask[None, :]
    c_prev = tl.load(c_ptr + offs_b[:, None] * stride_cb + offs_j[None, :] * stride_ck, mask=mask, other=0.0)
    c_new = f * c_prev + i * g
    h_new = o * (2.0 * tl.sigmoid(2.0 * c_new) - 1.0)  # o * tanh(c')
    tl.store(c_out_ptr + offs_b[:, None] * stride_ob + offs_j[None, :], c_new, mask=mask)
    tl.store(h_out_ptr + offs_b[:, None] * stride_ob + offs_j[None, :], h_new, mask=mask)


def lstm_cell(x, h, c, w_ih, w_hh, b_ih, b_hh):
    B, I = x.shape
    H = h.shape[1]
    assert w_ih.shape == (4 * H, I) and w_hh.shape == (4 * H, H) and c.shape == h.shape
    h_out = torch.empty((B, H), device=x.device, dtype=torch.float32)
    c_out = torch.empty((B, H), device=x.device, dtype=torch.float32)
    BLOCK_B = min(32, max(16, triton.next_power_of_2(B)))
    BLOCK_H = min(32, max(16, triton.next_power_of_2(H)))
    BLOCK_K = 32
    grid = (triton.cdiv(B, BLOCK_B), triton.cdiv(H, BLOCK_H))
    lstm_cell_kernel[grid](
        x, h, c, w_ih, w_hh, b_ih, b_hh, h_out, c_out, B, I, H,
        x.stride(0), x.stride(1), h.stride(0), h.stride(1), c.stride(0), c.stride(1),
        w_ih.stride(0), w_ih.stride(1), w_hh.stride(0), w_hh.stride(1), h_out.stride(0),
        BLOCK_B=BLOCK_B, BLOCK_H=BLOCK_H, BLOCK_K=BLOCK_K,
    )
    return h_out, c_out


class ModelNew(nn.Module):
    def __init__(self, input_size: int, hidden_size: int):
        super().__init__()
        self.cell = nn.LSTMCell(input_size, hidden_size)

    def forward(self, x: torch.Tensor, h: torch.Tensor, c: torch.Tensor):
        cell = self.cell
        return lstm_cell(x, h, c, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)
