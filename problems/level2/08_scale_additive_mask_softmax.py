"""Scaled softmax with an additive attention mask / bias: out = softmax(x * scale + mask, dim=-1).

x has shape (BATCH, HEADS, SEQ_Q, SEQ_K), float32. mask is float32 and broadcast against x: shape (SEQ_Q, SEQ_K)
(shared by every batch and head), or (HEADS, SEQ_Q, SEQ_K) when MASK_PER_HEAD is set (e.g. a per-head relative
position bias). scale is a Python float constructor argument. Output shape (BATCH, HEADS, SEQ_Q, SEQ_K), float32."""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, scale: float):
        super().__init__()
        self.scale = scale

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return torch.softmax(x * self.scale + mask, dim=-1)


BATCH = 16
HEADS = 16
SEQ_Q = 1024
SEQ_K = 1024
SCALE = 0.125
MASK_PER_HEAD = False


def get_inputs():
    x = torch.randn(BATCH, HEADS, SEQ_Q, SEQ_K) * 8.0
    mask = torch.randn(HEADS, SEQ_Q, SEQ_K) * 2.0 if MASK_PER_HEAD else torch.randn(SEQ_Q, SEQ_K) * 2.0
    return [x, mask]


def get_init_inputs():
    return [SCALE]


# --- KernelGym metadata -------------------------------------------------------------------------
TAGS = ["softmax", "attention", "fused"]
ATOL = 1e-6
RTOL = 1e-5
TEST_CASES = [
    {"BATCH": 2, "HEADS": 2, "SEQ_Q": 4, "SEQ_K": 33},
    {"BATCH": 1, "HEADS": 1, "SEQ_Q": 1, "SEQ_K": 100},
    {"BATCH": 2, "HEADS": 3, "SEQ_Q": 5, "SEQ_K": 16, "MASK_PER_HEAD": True},
    {"BATCH": 3, "HEADS": 1, "SEQ_Q": 7, "SEQ_K": 24},
]
TIMING_CASES = [{"BATCH": 16, "HEADS": 16, "SEQ_Q": 1024, "SEQ_K": 1024}]
