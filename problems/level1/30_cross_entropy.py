"""Mean cross-entropy loss over a batch (torch.nn.functional.cross_entropy(logits, targets), reduction="mean"):
loss = (1 / B) * sum_i (logsumexp_j logits[i, j] - logits[i, targets[i]]).

logits is float32 of shape (B, NUM_CLASSES) and may arrive as a non-contiguous (transposed) view; targets is int64 of
shape (B,) with values in [0, NUM_CLASSES). The output is a 0-dim float32 tensor.
"""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        return torch.nn.functional.cross_entropy(logits, targets)


B = 8192
NUM_CLASSES = 4096
TRANSPOSED = False  # when True, logits is passed as a (NUM_CLASSES, B) tensor transposed with .t()


def get_inputs():
    if TRANSPOSED:
        logits = (torch.randn(NUM_CLASSES, B) * 3.0).t()
    else:
        logits = torch.randn(B, NUM_CLASSES) * 3.0
    return [logits, torch.randint(0, NUM_CLASSES, (B,), dtype=torch.int64)]


def get_init_inputs():
    return []


TAGS = ["loss", "reduction", "softmax"]
ATOL = 1e-5
RTOL = 1e-5
TEST_CASES = [{"B": 12, "NUM_CLASSES": 100}, {"B": 1, "NUM_CLASSES": 3000},
              {"B": 11, "NUM_CLASSES": 65, "TRANSPOSED": True}, {"B": 6, "NUM_CLASSES": 2}]
TIMING_CASES = [{"B": 8192, "NUM_CLASSES": 4096}]
