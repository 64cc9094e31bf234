"""Method: a sentinel kernel writes 1 into a flag buffer; forward returns torch.where(flag > 0, x + y, garbage),
i.e. the PyTorch result when the kernel really ran and garbage when launches are skipped.
Scenario: an answer that detects the no-op ablation (every launch skipped) so that the ablation comes out wrong and
noop_still_correct never fires, while the real answer is PyTorch's. Nothing is refused statically (torch.where is
public); the op trace, which runs in the same calls, names the fallback: torch_fallback:aten.add, aten.gt and
aten.where."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def sentinel_kernel(flag_ptr):
    tl.store(flag_ptr, 1.0)


class ModelNew(nn.Module):
    def forward(self, x, y):
        flag = torch.zeros(1)
        sentinel_kernel[(1,)](flag)
        return torch.where(flag > 0, x + y, torch.full_like(x, 7.0))
