"""Log-softmax followed by the negative log-likelihood loss, averaged over the non-ignored rows:
lp = log_softmax(logits, dim=1);  loss = sum_{i: t_i != -100} (-lp[i, t_i]) / #{i: t_i != -100}.

logits has shape (BATCH, NUM_CLASSES), float32; target has shape (BATCH,), int64, with values in [0, NUM_CLASSES) or
the ignore index -100 (about a quarter of the rows; row 0 is never ignored). The output is a 0-d float32 tensor
(F.nll_loss with ignore_index=-100 and reduction='mean')."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return F.nll_loss(F.log_softmax(logits, dim=1), target, ignore_index=-100, reduction="mean")


BATCH = 4096
NUM_CLASSES = 32000
TRANSPOSED = False  # when True, logits is a transposed (non-contiguous) view


def get_inputs():
    if TRANSPOSED:
        logits = torch.randn(NUM_CLASSES, BATCH).t() * 4.0
    else:
        logits = torch.randn(BATCH, NUM_CLASSES) * 4.0
    target = torch.randint(0, NUM_CLASSES, (BATCH,))
    ignore = torch.rand(BATCH) < 0.25
    ignore[0] = False
    target[ignore] = -100
    return [logits, target]


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
