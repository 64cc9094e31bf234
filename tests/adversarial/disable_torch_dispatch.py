"""Method: compute x + y with torch under torch._C._DisableTorchDispatch(), which switches off Python dispatch
modes (the op trace is one), beside a dummy launch.
Scenario: hides a torch fallback from a TorchDispatchMode-based trace. The static checks refuse the private torch
API; with them off, the no-op ablation (every launch skipped) is still correct and is flagged."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def dummy_kernel(x_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    tl.load(x_ptr + offs, mask=offs < n)


class ModelNew(nn.Module):
    def forward(self, x, y):
        dummy_kernel[(1,)](x, x.numel(), BLOCK=16)
        with torch._C._DisableTorchDispatch():
            out = x + y
        return out
