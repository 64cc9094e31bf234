"""Language-model head + cross-entropy, mean over tokens:
    logits = hidden @ W^T                          (nn.Linear(D_MODEL, VOCAB, bias=False)), shape (N_TOKENS, VOCAB)
    loss_t = logsumexp(logits[t, :]) - logits[t, targets[t]]
    out    = mean_t loss_t                         (= F.cross_entropy(logits, targets), reduction='mean')
hidden: (N_TOKENS, D_MODEL) float32; targets: (N_TOKENS,) int64 in [0, VOCAB). The output is a 0-dim float32
tensor. The (N_TOKENS, VOCAB) logits need not be materialised: walk the vocab in blocks with an online
logsumexp."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self, d_model: int, vocab: int):
        super().__init__()
        self.lm_head = nn.Linear(d_model, vocab, bias=False)

    def forward(self, hidden: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        return F.cross_entropy(self.lm_head(hidden), targets)


N_TOKENS = 8192
D_MODEL = 2048
VOCAB = 32000


def get_inputs():
    return [torch.randn(N_TOKENS, D_MODEL) * 4.0, torch.randint(0, VOCAB, (N_TOKENS,))]


def get_init_inputs():
    return [D_MODEL, VOCAB]


TAGS = ["loss", "matmul", "reduction", "softmax", "fused"]
ATOL = 1e-4
RTOL = 1e-4
TEST_CASES = [
    {"N_TOKENS": 16, "D_MODEL": 32, "VOCAB": 100},
    {"N_TOKENS": 1, "D_MODEL": 16, "VOCAB": 1000},
    {"N_TOKENS": 37, "D_MODEL": 24, "VOCAB": 257},
]
TIMING_CASES = [{"N_TOKENS": 8192, "D_MODEL": 2048, "VOCAB": 32000}]
