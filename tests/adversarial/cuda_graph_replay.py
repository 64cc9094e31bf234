"""Method: capture the kernel in a CUDA graph on the first call and, on every later call, replay the graph on the
buffers it captured instead of launching on the new inputs.
Scenario: graph replay is cheap to time and returns the first call's result for every later input. The static
checks refuse torch.cuda.CUDAGraph and torch.cuda.graph; without them, on CPU
there are no CUDA graphs (the answer raises), and on a GPU the second call of a run answers from the first
call's inputs (``replayed_output``)."""
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
        self.graph = None
        self.out = None

    def forward(self, x, y):
        if self.graph is None:
            self.out = torch.empty_like(x)
            add_kernel[(triton.cdiv(x.numel(), 1024),)](x, y, self.out, x.numel(), BLOCK=1024)  # compile first
            self.graph = torch.cuda.CUDAGraph()
            with torch.cuda.graph(self.graph):
                add_kernel[(triton.cdiv(x.numel(), 1024),)](x, y, self.out, x.numel(), BLOCK=1024)
        self.graph.replay()
        return self.out
