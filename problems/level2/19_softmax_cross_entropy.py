"""Softmax cross-entropy from logits, one loss per row (no reduction):
loss[i] = -log(softmax(logits[i, :])[t_i]) = logsumexp_j(logits[i, j]) - logits[i, t_i], with t_i = target[i].

logits has shape (BATCH, NUM_CLASSES), float32; target has shape (BATCH,), int64, values in [0, NUM_CLASSES).
The output has shape (BATCH,), float32 (F.cross_entropy with reduction='none')."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return F.cross_entropy(logits, target, reduction="none")


BATCH = 4096
NUM_CLASSES = 32000
TRANSPOSED = False  # when True, logits is a transposed (non-contiguous) view


def get_inputs():
    if TRANSPOSED:
        logits = torch.randn(NUM_CLASSES, BATCH).t() * 4.0
    else:
        logits = torch.randn(BATCH, NUM_CLASSES) * 4.0
    return [logits, torch.randint(0, NUM_CLASSES, (BATCH,))]


def get_init_inputs():
    return []


# --- KernelGym metadata -------------------------------------------------------------------------
TAGS = ["softmax", "loss", "reduction", "fused"]
ATOL = 1e-5
RTOL = 1e-5
TEST_CASES = [
    {"BATCH": 8, "NUM_CLASSES": 100},
    {"BATCH": 1, "NUM_CLASSES": 3000},
    {"BATCH": 37, "NUM_CLASSES": 5, "TRANSPOSED": True},
    {"BATCH": 6, "NUM_CLASSES": 1500, "TRANSPOSED": True},
]
TIMING_CASES = [{"BATCH": 4096, "NUM_CLASSES": 32000}]
