"""Method: keep outputs in files of the working directory, one per input shape (torch.save / torch.load of
cache_<shape>.pt): a call whose shape has a file left by an earlier process returns its tensor without launching;
otherwise the kernel computes and the output is saved for the next process. Files this process wrote itself are
not read back, so only state that outlives a run can be replayed.
Scenario: state kept between runs through the file system rather than in memory (ATTACKS 31): a harness that
runs each test in a fresh process but keeps its working directory would serve the second seed of each shape the
first seed's answer. The static checks refuse torch.save, torch.load and the try/except; at run time the files
land in the child's private tmpfs, which is emptied between runs, so no file is ever found and every run computes
honestly (the answer is correct, as its kernel is)."""
import torch
import torch.nn as nn
import triton
import triton.language as tl

WRITTEN = set()


@triton.jit
def add_kernel(x_ptr, y_ptr, out_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    tl.store(out_ptr + offs, tl.load(x_ptr + offs, mask=mask) + tl.load(y_ptr + offs, mask=mask), mask=mask)


class ModelNew(nn.Module):
    def forward(self, x, y):
        path = "cache_" + "x".join(str(s) for s in x.shape) + ".pt"
        if path not in WRITTEN:
            try:
                return torch.load(path).to(x.device)
            except FileNotFoundError:
                pass
        out = torch.empty_like(x)
        add_kernel[(triton.cdiv(x.numel(), 1024),)](x, y, out, x.numel(), BLOCK=1024)
        torch.save(out.cpu(), path)
        WRITTEN.add(path)
        return out
