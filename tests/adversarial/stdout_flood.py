"""Method: print 1 MiB lines to stdout, up to 200 MiB, before returning.
Scenario: unbounded output that fills the grader's pipe, memory or log. print is allowed, so nothing is refused
statically; stdout goes to a log file in the private tmpfs bounded by RLIMIT_FSIZE (64 MiB): Python ignores
SIGXFSZ, so the write fails with EFBIG ("File too large") and the grading is a runtime failure."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def noop_kernel(x_ptr, n, BLOCK: tl.constexpr):
    pass


class ModelNew(nn.Module):
    def forward(self, x, y):
        noop_kernel[(1,)](x, x.numel(), BLOCK=16)
        line = "A" * (2**20 - 1)
        for _ in range(200):
            print(line, flush=True)
        return torch.empty_like(x)
