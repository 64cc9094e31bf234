"""Static GPU cost figures of a compiled kernel, read without a GPU.

From the cubin (``cuobjdump --dump-resource-usage``, shipped in Triton's wheel): registers per thread, spill
(local memory) and stack bytes, static shared memory. From the PTX: how many global loads and stores are vector
instructions (``ld.global.v4``) rather than scalar ones. From those, an occupancy estimate for the target.
"""
from __future__ import annotations

import os
import re
import subprocess
import tempfile

# Per-SM limits of NVIDIA data-centre GPUs by compute capability (CUDA occupancy calculator figures).
_SM_LIMITS = {
    80: {"regs": 65536, "warps": 64, "shared": 164 * 1024, "blocks": 32},
    89: {"regs": 65536, "warps": 48, "shared": 100 * 1024, "blocks": 24},
    90: {"regs": 65536, "warps": 64, "shared": 228 * 1024, "blocks": 32},
    100: {"regs": 65536, "warps": 64, "shared": 228 * 1024, "blocks": 32},
}
_RESOURCE = re.compile(r"REG:(\d+) STACK:(\d+) SHARED:(\d+) LOCAL:(\d+)")
_MEMORY_OP = re.compile(r"\b(ld|st)\.global((?:\.\w+)*)")


def kernel_stats(compiled, arch: int) -> dict:
    """Registers, spills, shared memory, load/store widths and estimated occupancy of one compiled kernel."""
    stats = {"num_warps": int(compiled.metadata.num_warps), "shared_bytes": int(compiled.metadata.shared)}
    usage = _resource_usage(compiled.asm.get("cubin"))
    if usage:
        regs, stack, shared, local = usage
        stats.update(registers=regs, spill_bytes=local, stack_bytes=stack,
                     shared_bytes=max(shared, stats["shared_bytes"]))
    stats.update(_memory_widths(compiled.asm.get("ptx", "")))
    if "registers" in stats:
        stats["occupancy"] = occupancy(stats["registers"], stats["num_warps"], stats["shared_bytes"], arch)
    return stats


def occupancy(registers: int, num_warps: int, shared_bytes: int, arch: int) -> float:
    """Fraction of the SM's warp slots that resident blocks of this kernel can fill.

    >>> occupancy(32, 4, 0, 90)
    1.0
    >>> occupancy(255, 4, 0, 90)  # 256 registers a thread: 8 warps of 64 fit in 64K registers
    0.125
    """
    limits = _SM_LIMITS.get(arch) or _SM_LIMITS[max(k for k in _SM_LIMITS if k <= max(arch, 80))]
    regs_per_warp = -(-max(registers, 1) * 32 // 256) * 256  # allocated in units of 256 per warp
    by_regs = limits["regs"] // (regs_per_warp * num_warps)
    by_warps = limits["warps"] // num_warps
    by_shared = limits["shared"] // shared_bytes if shared_bytes else limits["blocks"]
    blocks = min(by_regs, by_warps, by_shared, limits["blocks"])
    return round(blocks * num_warps / limits["warps"], 3)


def _resource_usage(cubin: bytes | None):
    if not cubin:
        return None
    import triton

    tool = os.path.join(os.path.dirname(triton.__file__), "backends", "nvidia", "bin", "cuobjdump")
    if not os.path.exists(tool):
        return None
    with tempfile.NamedTemporaryFile(suffix=".cubin") as f:
        f.write(cubin)
        f.flush()
        try:
            out = subprocess.run([tool, "--dump-resource-usage", f.name], capture_output=True, text=True,
                                 timeout=30).stdout
        except (OSError, subprocess.SubprocessError):
            return None
    match = _RESOURCE.search(out)
    return tuple(int(g) for g in match.groups()) if match else None


def _memory_widths(ptx: str) -> dict:
    counts = {"global_loads_vector": 0, "global_loads_scalar": 0, "global_stores_vector": 0,
              "global_stores_scalar": 0}
    for op, suffix in _MEMORY_OP.findall(ptx):
        kind = "loads" if op == "ld" else "stores"
        width = "vector" if re.search(r"\.v[248]\b", suffix) else "scalar"
        counts[f"global_{kind}_{width}"] += 1
    return counts
