"""One step of an LSTM cell (nn.LSTMCell, gate order i, f, g, o as in PyTorch):
    gates = x @ weight_ih^T + bias_ih + h @ weight_hh^T + bias_hh      (BATCH, 4*HIDDEN), split into i, f, g, o
    i = sigmoid(i), f = sigmoid(f), g = tanh(g), o = sigmoid(o)
    c' = f * c + i * g
    h' = o * tanh(c')
weight_ih: (4*HIDDEN, INPUT), weight_hh: (4*HIDDEN, HIDDEN), biases: (4*HIDDEN,). x: (BATCH, INPUT),
h and c: (BATCH, HIDDEN), float32. Returns the tuple (h', c'), each (BATCH, HIDDEN), float32."""
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, input_size: int, hidden_size: int):
        super().__init__()
        self.cell = nn.LSTMCell(input_size, hidden_size)

    def forward(self, x: torch.Tensor, h: torch.Tensor, c: torch.Tensor):
        h_new, c_new = self.cell(x, (h, c))
        return h_new, c_new


BATCH = 1024
INPUT = 2048
HIDDEN = 2048
TRANSPOSED = False  # when True, x is a transposed (non-contiguous) view


def get_inputs():
    x = torch.randn(INPUT, BATCH).t() if TRANSPOSED else torch.randn(BATCH, INPUT)
    return [x, torch.randn(BATCH, HIDDEN), torch.randn(BATCH, HIDDEN)]


def get_init_inputs():
    return [INPUT, HIDDEN]


TAGS = ["rnn", "block", "matmul", "activation", "fused"]
ATOL = 1e-4
RTOL = 1e-4
# TF32 tl.dot in an answer (and TF32 cuDNN in the eager reference) drifts further at the timing shapes
TIMING_ATOL = 0.02
TEST_CASES = [
    {"BATCH": 4, "INPUT": 32, "HIDDEN": 64},
    {"BATCH": 1, "INPUT": 10, "HIDDEN": 20},
    {"BATCH": 7, "INPUT": 33, "HIDDEN": 1, "TRANSPOSED": True},
    {"BATCH": 5, "INPUT": 17, "HIDDEN": 45, "TRANSPOSED": True},
]
TIMING_CASES = [{"BATCH": 1024, "INPUT": 2048, "HIDDEN": 2048}]
