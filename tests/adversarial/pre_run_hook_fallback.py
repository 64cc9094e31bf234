"""Method: register a pre-run hook on the kernel (kernel.add_pre_run_hook, a public Triton method) that computes
the answer with torch; Triton calls it inside the launch, where the op trace is paused.
Scenario: like grid_callable_fallback, a torch fallback placed inside the launch path. Nothing is refused
statically; the hooks run pre-run hooks themselves before the launch, with the trace on and in the ablation too:
torch_fallback:aten.add and noop_still_correct."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def touch_kernel(x_ptr, y_ptr, out_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    tl.store(out_ptr + offs, tl.load(out_ptr + offs, mask=mask), mask=mask)


def compute(x, y, out, *args, **kwargs):
    out.copy_(x + y)


touch_kernel.add_pre_run_hook(compute)


class ModelNew(nn.Module):
    def forward(self, x, y):
        out = torch.empty_like(x)
        touch_kernel[(triton.cdiv(x.numel(), 1024),)](x, y, out, x.numel(), BLOCK=1024)
        return out
