"""Reference Triton solution: embedding lookup as a row gather. The (BATCH, SEQ) ids are flattened into T tokens;
each program loads BLOCK_T token ids and copies the matching BLOCK_D-wide slices of the weight rows into the output.
The embedding table is the same nn.Embedding module as the reference, so its weight matches under the same seed."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def embedding_kernel(ids_ptr, w_ptr, out_ptr, T, D, stride_wv, stride_ot,
                     BLOCK_T: tl.constexpr, BLOCK_D: tl.constexpr):
    pid_t = tl.program_id(axis=0)
    pid_d = tl.program_id(axis=1)
    offs_t = pid_t * BLOCK_T + tl.arange(0, BLOCK_T)
    offs_d = pid_d * BLOCK_D + tl.arange(0, BLOCK_D)
    mask_t = offs_t < T
    ids = tl.load(ids_ptr + offs_t, mask=mask_t, other=0)  # int64 -> 64-bit row offsets
    mask = mask_t[:, None] & (offs_d[None, :] < D)
    rows = tl.load(w_ptr + ids[:, None] * stride_wv + offs_d[None, :], mask=mask)
    tl.store(out_ptr + offs_t[:, None] * stride_ot + offs_d[None, :], rows, mask=mask)


def embedding(ids: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    assert ids.dtype == torch.int64 and weight.dim() == 2
    flat_ids = ids.reshape(-1)  # copies only when ids is a non-contiguous view
    T = flat_ids.shape[0]
    D = weight.shape[1]
    weight = weight.contiguous()
    out = torch.empty((T, D), device=weight.device, dtype=weight.dtype)
    BLOCK_T = 16
    BLOCK_D = min(triton.next_power_of_2(D), 512)
    grid = (triton.cdiv(T, BLOCK_T), triton.cdiv(D, BLOCK_D))
    embedding_kernel[grid](flat_ids, weight, out, T, D, weight.stride(0), out.stride(0),
                           BLOCK_T=BLOCK_T, BLOCK_D=BLOCK_D)
    return out.view(*ids.shape, D)


class ModelNew(nn.Module):
    def __init__(self, vocab: int, dim: int):
        super().__init__()
        self.embedding = nn.Embedding(vocab, dim)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        return embedding(ids, self.embedding.weight)
