"""Method: compute the answer with torch inside the launch grid callable (grid=lambda meta: ...), which Triton
evaluates inside the launch; the kernel itself only reads and rewrites the output.
Scenario: the op trace is paused while a launch runs (the interpreter's own copies are not the candidate's ops),
and a no-op ablation that skips the launch would skip the grid too. Nothing is refused statically; the hooks
evaluate the grid callable themselves before the launch, with the trace on and in the ablation too:
torch_fallback:aten.add and noop_still_correct."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def touch_kernel(out_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    tl.store(out_ptr + offs, tl.load(out_ptr + offs, mask=mask), mask=mask)


class ModelNew(nn.Module):
    def forward(self, x, y):
        out = torch.empty_like(x)

        def grid(meta):
            out.copy_(x + y)
            return (triton.cdiv(x.numel(), meta["BLOCK"]),)

        touch_kernel[grid](out, x.numel(), BLOCK=1024)
        return out
