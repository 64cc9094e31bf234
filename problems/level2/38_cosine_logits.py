"""Cosine-similarity logits (normalised classifier head, as in CosFace/ArcFace before the margin):
out = scale * normalize(x) @ normalize(W)^T, where normalize(v) = v / max(||v||_2, 1e-12) row by row (F.normalize).

x has shape (BATCH, DIM), float32; W (NUM_CLASSES, DIM) is the weight of a bias-free nn.Linear with default
initialisation; scale is a Python float constructor argument. out[i, c] = scale * cos(x_i, W_c). The output has
shape (BATCH, NUM_CLASSES), float32."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self, dim: int, num_classes: int, scale: float):
        super().__init__()
        self.fc = nn.Linear(dim, num_classes, bias=False)
        self.scale = scale

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.normalize(x, dim=1) @ F.normalize(self.fc.weight, dim=1).t() * self.scale


BATCH = 4096
DIM = 1024
NUM_CLASSES = 8192
SCALE = 16.0
TRANSPOSED = False  # when True, x is a transposed (non-contiguous) view


def get_inputs():
    if TRANSPOSED:
        return [torch.randn(DIM, BATCH).t() * 3.0]
    return [torch.randn(BATCH, DIM) * 3.0]


def get_init_inputs():
    return [DIM, NUM_CLASSES, SCALE]


# --- KernelGym metadata -------------------------------------------------------------------------
TAGS = ["matmul", "norm", "fused"]
ATOL = 1e-4
RTOL = 1e-4
# TF32 tl.dot in an answer (and TF32 cuDNN in the eager reference) drifts further at the timing shapes
TIMING_ATOL = 0.005
TEST_CASES = [
    {"BATCH": 16, "DIM": 32, "NUM_CLASSES": 48},
    {"BATCH": 1, "DIM": 50, "NUM_CLASSES": 33},
    {"BATCH": 37, "DIM": 20, "NUM_CLASSES": 1, "TRANSPOSED": True},
    {"BATCH": 20, "DIM": 100, "NUM_CLASSES": 70, "SCALE": 30.0},
]
TIMING_CASES = [{"BATCH": 4096, "DIM": 1024, "NUM_CLASSES": 8192}]
