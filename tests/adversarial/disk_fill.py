"""Method: write one file in the working directory, 1 MiB at a time, until the system refuses (at most 512 MiB).
Scenario: a disk fill that would take the grader's machine down with it. The static checks refuse open; at run
time RLIMIT_FSIZE (64 MiB) stops the file: Python ignores SIGXFSZ, so the write fails with EFBIG ("File too
large") and the grading is a runtime failure. The working directory is a private tmpfs that vanishes with the
child."""
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
        chunk = b"\0" * 2**20
        with open("fill.bin", "wb") as f:
            for _ in range(512):
                f.write(chunk)
                f.flush()
        return torch.empty_like(x)
