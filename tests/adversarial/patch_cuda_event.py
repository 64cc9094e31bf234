"""Method: replace torch.cuda.Event with a fake whose elapsed_time() is always 0.001 ms, and torch.cuda.synchronize
with a no-op; the kernel itself is honest.
Scenario: GPU timers built on CUDA events in the candidate's process report a 1000x speedup. The static checks
refuse the patch (torch.cuda.Event is a forbidden name, and replacing a library attribute such as
torch.cuda.synchronize is refused; calling torch.cuda.synchronize is allowed); on a GPU the timing code is bound
before the candidate loads."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


class FakeEvent:
    def __init__(self, *args, **kwargs):
        pass

    def record(self, *args, **kwargs):
        pass

    def synchronize(self):
        pass

    def elapsed_time(self, other):
        return 0.001


torch.cuda.Event = FakeEvent
torch.cuda.synchronize = lambda *args, **kwargs: None


@triton.jit
def add_kernel(x_ptr, y_ptr, out_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    tl.store(out_ptr + offs, tl.load(x_ptr + offs, mask=mask) + tl.load(y_ptr + offs, mask=mask), mask=mask)


class ModelNew(nn.Module):
    def forward(self, x, y):
        out = torch.empty_like(x)
        add_kernel[(triton.cdiv(x.numel(), 1024),)](x, y, out, x.numel(), BLOCK=1024)
        return out
