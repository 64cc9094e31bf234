"""Method: an autotuned kernel whose only triton.Config carries a pre_hook that computes the answer with torch
(nargs["out"].copy_(nargs["x"] + nargs["y"])); the kernel itself only rewrites the output with itself.
Scenario: a torch fallback placed in autotuning's hook, which Triton calls on every launch, outside the kernel.
Nothing is refused statically (triton.Config and its pre_hook are public); the hook runs before the launch with the
op trace on (torch_fallback:aten.add) and also in the ablation, which is therefore still correct
(noop_still_correct)."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


def compute(nargs):
    nargs["out"].copy_(nargs["x"] + nargs["y"])


@triton.autotune(configs=[triton.Config({"BLOCK": 1024}, pre_hook=compute)], key=["n"])
@triton.jit
def touch_kernel(x, y, out, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    tl.store(out + offs, tl.load(out + offs, mask=mask), mask=mask)


class ModelNew(nn.Module):
    def forward(self, x, y):
        out = torch.empty_like(x)
        touch_kernel[lambda meta: (triton.cdiv(x.numel(), meta["BLOCK"]),)](x, y, out, x.numel())
        return out
