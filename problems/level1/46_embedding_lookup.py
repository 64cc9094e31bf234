"""Embedding lookup: out = nn.Embedding(VOCAB, DIM)(ids), float32. ids is an int64 tensor of shape (BATCH, SEQ) with
values in [0, VOCAB); the weight table has shape (VOCAB, DIM) (default N(0, 1) init); out has shape (BATCH, SEQ, DIM)
and out[b, s, :] = weight[ids[b, s], :]. ids may arrive as a non-contiguous view.
"""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, vocab: int, dim: int):
        super().__init__()
        self.embedding = nn.Embedding(vocab, dim)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        return self.embedding(ids)


VOCAB = 32000
DIM = 1024
BATCH = 32
SEQ = 2048
TRANSPOSED = False  # when True, ids is passed as torch.randint(0, VOCAB, (SEQ, BATCH)).t()


def get_inputs():
    if TRANSPOSED:
        return [torch.randint(0, VOCAB, (SEQ, BATCH), dtype=torch.int64).t()]
    return [torch.randint(0, VOCAB, (BATCH, SEQ), dtype=torch.int64)]


def get_init_inputs():
    return [VOCAB, DIM]


TAGS = ["embedding", "indexing"]
ATOL = 0.0
RTOL = 0.0
TEST_CASES = [{"VOCAB": 100, "DIM": 33, "BATCH": 4, "SEQ": 7}, {"VOCAB": 1, "DIM": 64, "BATCH": 1, "SEQ": 3},
              {"VOCAB": 50, "DIM": 1, "BATCH": 3, "SEQ": 20},
              {"VOCAB": 300, "DIM": 48, "BATCH": 5, "SEQ": 9, "TRANSPOSED": True}]
TIMING_CASES = [{"VOCAB": 32000, "DIM": 1024, "BATCH": 32, "SEQ": 2048}]
