"""Reference Triton solution: RoPE with cos/sin computed in the kernel. Each program owns BLOCK_T tokens of one
sequence and ALL (head, pair) lanes j = h * half + i of those tokens as a 2-D tile: it loads the positions once,
forms angle = pos * inv_freq[i], takes cos/sin in registers, and rotates the pairs (q[i], q[i + half]).
q is read through its 4 strides, so a transposed (B, H, T, D) layout needs no copy."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def rope_kernel(
    q_ptr, pos_ptr, inv_freq_ptr, out_ptr, T, H, HALF,
    stride_qb, stride_qt, stride_qh, stride_qd, stride_pb, stride_pt,
    stride_ob, stride_ot, stride_oh, stride_od,
    BLOCK_T: tl.constexpr, BLOCK_J: tl.constexpr,
):
    pid_t = tl.program_id(axis=0)
    b = tl.program_id(axis=1)
    offs_t = pid_t * BLOCK_T + tl.arange(0, BLOCK_T)
    offs_j = tl.arange(0, BLOCK_J)
    h = offs_j // HALF   # head of lane j
    i = offs_j % HALF    # rotation pair index of lane j
    t_mask = offs_t < T
    mask = t_mask[:, None] & (offs_j[None, :] < H * HALF)
    pos = tl.load(pos_ptr + b * stride_pb + offs_t * stride_pt, mask=t_mask, other=0).to(tl.float32)
    inv_freq = tl.load(inv_freq_ptr + i, mask=offs_j < H * HALF, other=0.0)
    angle = pos[:, None] * inv_freq[None, :]
    c = tl.cos(angle)
    s = tl.sin(angle)
    q_off = b * stride_qb + offs_t[:, None] * stride_qt + h[None, :] * stride_qh + i[None, :] * stride_qd
    q1 = tl.load(q_ptr + q_off, mask=mask, other=0.0)
    q2 = tl.load(q_ptr + q_off + HALF * stride_qd, mask=mask, other=0.0)
    o_off = b * stride_ob + offs_t[:, None] * stride_ot + h[None, :] * stride_oh + i[None, :] * stride_od
    tl.store(out_ptr + o_off, q1 * c - q2 * s, mask=mask)
    tl.store(out_ptr + o_off + HALF * stride_od, q2 * c + q1 * s, mask=mask)


def rope(q: torch.Tensor, positions: torch.Tensor, inv_freq: torch.Tensor) -> torch.Tensor:
    assert q.dim() == 4 and q.shape[3] % 2 == 0 and positions.shape == q.shape[:2]
    Bsz, T, H, D = q.shape
    half = D // 2
    out = torch.empty((Bsz, T, H, D), device=q.device, dtype=torch.float32)
    BLOCK_J = triton.next_power_of_2(H * half)
    BLOCK_T = max(1, min(triton.next_power_of_2(T), 4096 // BLOCK_J))
    grid = (triton.cdiv(T, BLOCK_T), Bsz)
    rope_kernel[grid](
        q, positions, inv_freq, out, T, H, half,
        q.stride(0), q.stride(1), q.stride(2), q.stride(3), positions.stride(0), positions.stride(1),
        out.stride(0), out.stride(1), out.stride(2), out.stride(3),
        BLOCK_T=BLOCK_T, BLOCK_J=BLOCK_J,
    )
    return out


class ModelNew(nn.Module):
    def __init__(self, head_dim: int, base: float):
        super().__init__()
        assert head_dim % 2 == 0
        # Same buffer as the reference (a constant table of head_dim/2 frequencies, built once at init).
        inv_freq = 1.0 / (base ** (torch.arange(0, head_dim, 2, dtype=torch.float32) / head_dim))
        self.register_buffer("inv_freq", inv_freq)

    def forward(self, q: torch.Tensor, positions: torch.Tensor) -> torch.Tensor:
        return rope(q, positions, self.inv_freq)
