"""One step of a GRU cell (nn.GRUCell, gate order r, z, n as in PyTorch):
    r  = sigmoid(x @ W_ir^T + b_ir + h @ W_hr^T + b_hr)
    z  = sigmoid(x @ W_iz^T + b_iz + h @ W_hz^T + b_hz)
    n  = tanh(x @ W_in^T + b_in + r * (h @ W_hn^T + b_hn))
    h' = (1 - z) * n + z * h
where weight_ih = [W_ir; W_iz; W_in] has shape (3*HIDDEN, INPUT), weight_hh = [W_hr; W_hz; W_hn] has shape
(3*HIDDEN, HIDDEN), bias_ih / bias_hh have shape (3*HIDDEN,). x: (BATCH, INPUT), h: (BATCH, HIDDEN), float32.
Output h': (BATCH, HIDDEN), float32."""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, input_size: int, hidden_size: int):
        super().__init__()
        self.cell = nn.GRUCell(input_size, hidden_size)

    def forward(self, x: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
        return self.cell(x, h)


BATCH = 1024
INPUT = 2048
HIDDEN = 2048
TRANSPOSED = False  # when True, x is a transposed (non-contiguous) view


def get_inputs():
    x = torch.randn(INPUT, BATCH).t() if TRANSPOSED else torch.randn(BATCH, INPUT)
    return [x, torch.randn(BATCH, HIDDEN)]


def get_init_inputs():
    return [INPUT, HIDDEN]


TAGS = ["rnn", "block", "matmul", "activation", "fused"]
ATOL = 1e-4
RTOL = 1e-4
# TF32 tl.dot in an answer (and TF32 cuDNN in the eager reference) drifts further at the timing shapes
TIMING_ATOL = 0.01
TEST_CASES = [
    {"BATCH": 4, "INPUT": 32, "HIDDEN": 64},
    {"BATCH": 1, "INPUT": 10, "HIDDEN": 20},
    {"BATCH": 7, "INPUT": 33, "HIDDEN": 1, "TRANSPOSED": True},
    {"BATCH": 5, "INPUT": 17, "HIDDEN": 45, "TRANSPOSED": True},
]
TIMING_CASES = [{"BATCH": 1024, "INPUT": 2048, "HIDDEN": 2048}]
