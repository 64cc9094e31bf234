"""Method: forward stashes its tensors in a module-level list, and the kernel body (plain Python under Triton's
interpreter) computes the answer with torch on the stashed tensors: STASH[0][2].copy_(STASH[0][0] + STASH[0][1]).
Scenario: under the interpreter a kernel body is Python, run while the op trace is paused (the interpreter's own
copies are not the candidate's ops), so the fallback is neither traced nor, as the launch is skipped, visible to
the ablation. Nothing is refused statically; no GPU compiler accepts host code in a kernel, so the compile check
fails: no correctness credit."""
import torch
import torch.nn as nn
import triton
import triton.language as tl

STASH = []


@triton.jit
def add_kernel(out_ptr, n, BLOCK: tl.constexpr):
    STASH[0][2].copy_(STASH[0][0] + STASH[0][1])


class ModelNew(nn.Module):
    def forward(self, x, y):
        out = torch.empty_like(x)
        STASH[:] = [(x, y, out)]
        add_kernel[(1,)](out, x.numel(), BLOCK=16)
        return out
