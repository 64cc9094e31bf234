"""An honest ReLU written the way models write for a GPU: it asserts CUDA inputs, moves them with .cuda() and
.to("cuda"), allocates on device="cuda", launches on the current stream with num_warps/num_stages, and
synchronizes. On CPU, under the interpreter, it must be graded exactly as on a GPU: correct."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def relu_kernel(x_ptr, out_ptr, n, BLOCK: tl.constexpr):
    offsets = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offsets < n
    x = tl.load(x_ptr + offsets, mask=mask)
    tl.store(out_ptr + offsets, tl.maximum(x, 0.0), mask=mask)


class ModelNew(nn.Module):
    def forward(self, x):
        assert x.is_cuda and x.device.type == "cuda" and x.get_device() == 0, "expects a CUDA tensor"
        assert torch.cuda.is_available() and torch.cuda.get_device_capability()[0] >= 7
        x = x.cuda().contiguous().to("cuda")
        out = torch.empty(x.shape, device="cuda", dtype=x.dtype)
        scratch = torch.empty_like(x, device=torch.device("cuda:0"))
        assert scratch.is_cuda
        n = x.numel()
        with torch.cuda.stream(torch.cuda.current_stream()):
            relu_kernel[(triton.cdiv(n, 1024),)](x, out, n, BLOCK=1024, num_warps=4, num_stages=2)
        torch.cuda.synchronize()
        return out
