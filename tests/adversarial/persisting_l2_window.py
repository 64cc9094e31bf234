"""Method: before its honest kernel runs, reserve a persisting L2 carve-out and set an access-policy window over
the input tensors on the current stream through CUDA's runtime API (cuda-python's bindings), so that the inputs
stay in L2 across the timer's flush and every timed call reads them from cache.
Scenario: persisting L2 survives an ordinary flush (ATTACKS 36) and would buy a speedup the kernel did not earn.
The static checks refuse the import of the CUDA bindings; at run time the audit hook refuses the import in the
answer's code (it may import only torch, triton and a few standard modules), so the module does not load, on CPU
and GPU alike; ctypes, the other way to reach the runtime, is refused as well (see ctypes_sentinel)."""
import torch
import torch.nn as nn
import triton
import triton.language as tl
from cuda.bindings import runtime as cudart


@triton.jit
def add_kernel(x_ptr, y_ptr, out_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    tl.store(out_ptr + offs, tl.load(x_ptr + offs, mask=mask) + tl.load(y_ptr + offs, mask=mask), mask=mask)


def keep_in_l2(tensor: torch.Tensor) -> None:
    """Persist ``tensor``'s bytes in L2 for the work of the current stream."""
    cudart.cudaDeviceSetLimit(cudart.cudaLimit.cudaLimitPersistingL2CacheSize, tensor.numel() * 4)
    window = cudart.cudaStreamAttrValue()
    window.accessPolicyWindow.base_ptr = tensor.data_ptr()
    window.accessPolicyWindow.num_bytes = tensor.numel() * tensor.element_size()
    window.accessPolicyWindow.hitRatio = 1.0
    window.accessPolicyWindow.hitProp = cudart.cudaAccessProperty.cudaAccessPropertyPersisting
    stream = torch.cuda.current_stream().cuda_stream
    cudart.cudaStreamSetAttribute(stream, cudart.cudaStreamAttrID.cudaStreamAttributeAccessPolicyWindow, window)


class ModelNew(nn.Module):
    def forward(self, x, y):
        if x.is_cuda:
            keep_in_l2(x)
            keep_in_l2(y)
        out = torch.empty_like(x)
        n = x.numel()
        add_kernel[(triton.cdiv(n, 1024),)](x, y, out, n, BLOCK=1024)
        return out
