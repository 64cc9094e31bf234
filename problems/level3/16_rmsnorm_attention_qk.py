"""QK-norm attention probabilities: RMSNorm on q and on k (each with its own learned weight), then the softmax of
the scaled scores (no mask):
    rms(z) = z / sqrt(mean(z^2 over D) + eps) * weight      (nn.RMSNorm(D, eps=1e-6), weight shape (D,))
    P = softmax(rms_q(q) @ rms_k(k)^T / sqrt(D), dim=-1)
q and k have shape (B, H, T, D), float32; the output P has shape (B, H, T, T), float32."""
import math
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, head_dim: int):
        super().__init__()
        self.q_norm = nn.RMSNorm(head_dim, eps=1e-6)
        self.k_norm = nn.RMSNorm(head_dim, eps=1e-6)
        with torch.no_grad():
            self.q_norm.weight.uniform_(0.5, 1.5)
            self.k_norm.weight.uniform_(0.5, 1.5)

    def forward(self, q: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
        qn, kn = self.q_norm(q), self.k_norm(k)
        return torch.softmax(qn @ kn.transpose(-2, -1) / math.sqrt(q.shape[-1]), dim=-1)


B = 4
H = 16
T = 1024
D = 128
TRANSPOSED = False  # when True, q/k are (B, T, H, D) tensors viewed as (B, H, T, D) (non-contiguous)


def get_inputs():
    if TRANSPOSED:
        return [torch.randn(B, T, H, D).transpose(1, 2) * 3.0 + 1.0 for _ in range(2)]
    return [torch.randn(B, H, T, D) * 3.0 + 1.0 for _ in range(2)]


def get_init_inputs():
    return [D]


TAGS = ["attention", "norm", "softmax", "matmul", "fused"]
ATOL = 1e-5
RTOL = 1e-4
# TF32 tl.dot in an answer (and TF32 cuDNN in the eager reference) drifts further at the timing shapes
TIMING_ATOL = 0.001
TEST_CASES = [
    {"B": 1, "H": 2, "T": 32, "D": 32},
    {"B": 1, "H": 1, "T": 24, "D": 16},
    {"B": 2, "H": 1, "T": 20, "D": 48, "TRANSPOSED": True},
]
TIMING_CASES = [{"B": 4, "H": 16, "T": 1024, "D": 128}]
