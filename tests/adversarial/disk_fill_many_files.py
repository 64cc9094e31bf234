"""Method: write four files of 48 MiB each in the working directory (192 MiB in all, three times the 64 MiB
file-size limit, bounded here so it cannot hurt the machine), then compute the answer honestly.
Scenario: RLIMIT_FSIZE bounds each file, not the total; a candidate that spreads its writes over many files fills
the disk regardless. The static checks refuse open; at run time the working directory is a private tmpfs of
Limits.disk_mb (128 MiB), so the third file fails with ENOSPC; the directory is emptied between runs, each run
fills it again and fails the same way, and the tmpfs vanishes with the child."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def add_kernel(x_ptr, y_ptr, out_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    tl.store(out_ptr + offs, tl.load(x_ptr + offs, mask=mask) + tl.load(y_ptr + offs, mask=mask), mask=mask)


WRITTEN = [0]


class ModelNew(nn.Module):
    def forward(self, x, y):
        if not WRITTEN[0]:
            WRITTEN[0] = 1
            chunk = b"\1" * 2**20
            for i in range(4):
                with open(f"fill{i}.bin", "wb") as f:
                    for _ in range(48):
                        f.write(chunk)
        out = torch.empty_like(x)
        add_kernel[(triton.cdiv(x.numel(), 1024),)](x, y, out, x.numel(), BLOCK=1024)
        return out
