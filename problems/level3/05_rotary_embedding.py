"""Rotary position embedding (RoPE, rotate-half / LLaMA convention) applied to q of shape (B, T, H, D), D even.
With half = D / 2 and the module buffer inv_freq[i] = 1 / BASE^(2i / D) (i = 0 .. half-1, float32):
    angle[b, t, i] = float(positions[b, t]) * inv_freq[i],   c = cos(angle), s = sin(angle)
    out[b, t, h, i]        = q[b, t, h, i] * c - q[b, t, h, i + half] * s
    out[b, t, h, i + half] = q[b, t, h, i + half] * c + q[b, t, h, i] * s
positions is an int64 tensor of shape (B, T) (token positions, 0 <= p < MAX_POS). cos/sin are NOT given: they must
be computed from positions. Output: (B, T, H, D), float32."""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, head_dim: int, base: float):
        super().__init__()
        assert head_dim % 2 == 0
        inv_freq = 1.0 / (base ** (torch.arange(0, head_dim, 2, dtype=torch.float32) / head_dim))
        self.register_buffer("inv_freq", inv_freq)

    def forward(self, q: torch.Tensor, positions: torch.Tensor) -> torch.Tensor:
        angle = positions.float()[:, :, None] * self.inv_freq[None, None, :]  # (B, T, half)
        cos = angle.cos()[:, :, None, :]
        sin = angle.sin()[:, :, None, :]
        half = q.shape[-1] // 2
        q1, q2 = q[..., :half], q[..., half:]
        return torch.cat([q1 * cos - q2 * sin, q2 * cos + q1 * sin], dim=-1)


B = 8
T = 4096
N_HEADS = 32
HEAD_DIM = 128
BASE = 10000.0
MAX_POS = 8192
TRANSPOSED = False  # when True, q is a (B, H, T, D) tensor viewed as (B, T, H, D) (non-contiguous)


def get_inputs():
    if TRANSPOSED:
        q = torch.randn(B, N_HEADS, T, HEAD_DIM).transpose(1, 2)
    else:
        q = torch.randn(B, T, N_HEADS, HEAD_DIM)
    positions = torch.randint(0, MAX_POS, (B, T))
    return [q, positions]


def get_init_inputs():
    return [HEAD_DIM, BASE]


TAGS = ["rope", "elementwise", "embedding"]
ATOL = 1e-5
RTOL = 1e-5
# fp32 sin/cos of large positions differ between math libraries: more drift at the timing shapes
TIMING_ATOL = 0.005
TEST_CASES = [
    {"B": 2, "T": 16, "N_HEADS": 4, "HEAD_DIM": 32, "MAX_POS": 2048},
    {"B": 1, "T": 1, "N_HEADS": 2, "HEAD_DIM": 16, "MAX_POS": 100},
    {"B": 3, "T": 13, "N_HEADS": 3, "HEAD_DIM": 48, "MAX_POS": 4096, "TRANSPOSED": True},
]
TIMING_CASES = [{"B": 8, "T": 4096, "N_HEADS": 32, "HEAD_DIM": 128, "MAX_POS": 8192}]
