"""Reference Triton solution: the router in ONE kernel. Each program owns BLOCK_T tokens and the whole (padded)
expert row: it computes the logits tile with tl.dot over D_MODEL, a masked row softmax, then TOP_K rounds of
"take the row max, remember its (first) index, knock it out", and writes the dense gate row: the selected
probabilities divided by their sum, zeros elsewhere."""
import torch
import torch.nn as nn
import triton
import triton.language as tl


@triton.jit
def moe_router_kernel(
    x_ptr, w_ptr, out_ptr, T, D, E,
    stride_xt, stride_xd, stride_we, stride_wd, stride_ot,
    TOP_K: tl.constexpr, BLOCK_T: tl.constexpr, BLOCK_E: tl.constexpr, BLOCK_D: tl.constexpr,
):
    pid = tl.program_id(axis=0)
    offs_t = pid * BLOCK_T + tl.arange(0, BLOCK_T)
    offs_e = tl.arange(0, BLOCK_E)
    offs_d = tl.arange(0, BLOCK_D)
    t_mask = offs_t < T
    e_mask = offs_e < E
    logits = tl.zeros((BLOCK_T, BLOCK_E), dtype=tl.float32)
    for d0 in range(0, D, BLOCK_D):
        d = d0 + offs_d
        x = tl.load(x_ptr + offs_t[:, None] * stride_xt + d[None, :] * stride_xd,
                    mask=t_mask[:, None] & (d[None, :] < D), other=0.0)
        w = tl.load(w_ptr + d[:, None] * stride_wd + offs_e[None, :] * stride_we,
                    mask=(d[:, None] < D) & e_mask[None, :], other=0.0)
        logits += tl.dot(x, w, input_precision="ieee")
    # Softmax over the real experts only.
    logits = tl.where(e_mask[None, :], logits, -float("inf"))
    num = tl.exp(logits - tl.max(logits, axis=1)[:, None])
    probs = num / tl.sum(num, axis=1)[:, None]
    # Top-k by repeated arg-max; padded experts hold -1 so they are never picked.
    remaining = tl.where(e_mask[None, :], probs, -1.0)
    gates = tl.zeros((BLOCK_T, BLOCK_E), dtype=tl.float32)
    total = tl.zeros((BLOCK_T,), dtype=tl.float32)
    for _ in tl.static_range(TOP_K):
        best = tl.max(remaining, axis=1)
        best_idx = tl.min(tl.where(remaining == best[:, None], offs_e[None, :], BLOCK_E), axis=1)
        hit = offs_e[None, :] == best_idx[:, None]
        gates = tl.where(hit, probs, gates)
        total += best
        remaining = tl.where(hit, -1.0, remaining)
    gates = gates / total[:, None]
    tl.store(out_ptr + offs_t[:, None] * stride_ot + offs_e[None, :], gates, mask=t_mask[:, None] & e_mask[None, :])


def moe_router(x: torch.Tensor, w_gate: torch.Tensor, top_k: int) -> torch.Tensor:
    T, D = x.shape
    E = w_gate.shape[0]
    assert w_gate.shape[1] == D and 1 <= top_k <= E
    out = torch.empty((T, E), device=x.device, dtype=torch.float32)
    BLOCK_E = max(16, triton.next_power_of_2(E))
    BLOCK_T = min(64, max(16, triton.next_power_of_2(T)))
    BLOCK_D = 32
    grid = (triton.cdiv(T, BLOCK_T),)
    moe_router_kernel[grid](
        x, w_gate, out, T, D, E,
        x.stride(0), x.stride(1), w_gate.stride(0), w_gate.stride(1), out.stride(0),
        TOP_K=top_k, BLOCK_T=BLOCK_T, BLOCK_E=BLOCK_E, BLOCK_D=BLOCK_D,
    )
    return out


class ModelNew(nn.Module):
    def __init__(self, d_model: int, n_experts: int, top_k: int):
        super().__init__()
        self.gate = nn.Linear(d_model, n_experts, bias=False)
        self.top_k = top_k

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return moe_router(x, self.gate.weight, self.top_k)
