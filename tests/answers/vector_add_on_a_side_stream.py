"""An honest kernel launched on a side stream of its own, returned without joining it to the caller's stream.

A harness that times with CUDA events on the current stream records the end event at once, while the
kernel still runs elsewhere: a near-zero time and a huge speedup. On a GPU the timing loop synchronises the whole
device before its end event, so the side stream's work is inside the timed window, and outputs are read only after
a device-wide synchronisation: the answer gets no speed it did not compute (whether it is correct is its own race,
as the caller's next operation does not wait for the side stream). On CPU streams are in order (tests/test_gpu.py).
"""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def add_kernel(x_ptr, y_ptr, out_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    tl.store(out_ptr + offs, tl.load(x_ptr + offs, mask=mask) + tl.load(y_ptr + offs, mask=mask), mask=mask)


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()
        self.side = torch.cuda.Stream()

    def forward(self, x, y):
        out = torch.empty_like(x)
        with torch.cuda.stream(self.side):
            add_kernel[(triton.cdiv(x.numel(), 1024),)](x, y, out, x.numel(), BLOCK=1024)
        return out
