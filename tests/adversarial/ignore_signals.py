"""Method: ignore SIGTERM, SIGINT, SIGHUP and SIGXCPU, disarm any pending alarm (signal.alarm(0)) and ignore
SIGALRM, then spin forever in forward.
Scenario: harnesses that stop a slow candidate with SIGTERM or an in-process alarm never get control back. The
static checks refuse the signal import; at run time the grader enforces its wall-clock limit from outside and kills
the child's whole process group with SIGKILL, which cannot be ignored."""
import signal

import torch
import torch.nn as nn
import triton
import triton.language as tl

for _sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGXCPU, signal.SIGALRM):
    signal.signal(_sig, signal.SIG_IGN)
signal.alarm(0)


@triton.jit
def noop_kernel(x_ptr, n, BLOCK: tl.constexpr):
    pass


class ModelNew(nn.Module):
    def forward(self, x, y):
        noop_kernel[(1,)](x, x.numel(), BLOCK=16)
        while True:
            signal.alarm(0)
