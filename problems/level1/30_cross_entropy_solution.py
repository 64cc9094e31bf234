"""Reference Triton solution: cross-entropy in two launches. Kernel 1 runs one program per row: an online logsumexp
over the row in BLOCK_SIZE chunks (running max and rescaled running sum per lane), minus the logit of the target
class, gives the row's loss. Kernel 2 is a single program that averages the B row losses into the 0-dim output (a
fixed-order reduction, so the result is deterministic)."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def cross_entropy_row_kernel(logits_ptr, targets_ptr, loss_ptr, n_cols, stride_r, stride_c,
                             BLOCK_SIZE: tl.constexpr):
    row = tl.program_id(axis=0)
    row_ptr = logits_ptr + row * stride_r
    m = tl.full((BLOCK_SIZE,), -float("inf"), dtype=tl.float32)
    s = tl.zeros((BLOCK_SIZE,), dtype=tl.float32)
    for start in range(0, n_cols, BLOCK_SIZE):
        cols = start + tl.arange(0, BLOCK_SIZE)
        x = tl.load(row_ptr + cols * stride_c, mask=cols < n_cols, other=-float("inf"))
        m_new = tl.maximum(m, x)
        # Lanes that have only seen masked (-inf) values keep m_new = -inf: avoid exp(-inf - (-inf)) = nan.
        safe = tl.where(m_new == -float("inf"), 0.0, m_new)
        s = s * tl.exp(m - safe) + tl.exp(x - safe)
        m = m_new
    row_max = tl.max(m, axis=0)
    lse = row_max + tl.log(tl.sum(s * tl.exp(m - row_max), axis=0))
    target = tl.load(targets_ptr + row)
    target_logit = tl.load(row_ptr + target * stride_c)
    tl.store(loss_ptr + row, lse - target_logit)


@triton.jit
def mean_kernel(x_ptr, out_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    acc = tl.zeros((BLOCK_SIZE,), dtype=tl.float32)
    for start in range(0, n_elements, BLOCK_SIZE):
        offsets = start + tl.arange(0, BLOCK_SIZE)
        acc += tl.load(x_ptr + offsets, mask=offsets < n_elements, other=0.0)
    tl.store(out_ptr, tl.sum(acc, axis=0) / n_elements)


def cross_entropy(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    assert logits.dim() == 2 and targets.shape == (logits.shape[0],)
    n_rows, n_cols = logits.shape
    targets = targets.contiguous()
    losses = torch.empty((n_rows,), device=logits.device, dtype=torch.float32)
    out = torch.empty((), device=logits.device, dtype=torch.float32)
    BLOCK_SIZE = min(triton.next_power_of_2(n_cols), 2048)
    cross_entropy_row_kernel[(n_rows,)](logits, targets, losses, n_cols, logits.stride(0), logits.stride(1),
                                        BLOCK_SIZE=BLOCK_SIZE)
    mean_kernel[(1,)](losses, out, n_rows, BLOCK_SIZE=min(triton.next_power_of_2(n_rows), 1024))
    return out


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        return cross_entropy(logits, targets)
