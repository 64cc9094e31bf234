"""Instrumentation installed in the sandboxed child before the candidate is imported.

- Launch recording: every Triton launch (through ``kernel[grid](...)``, autotune or heuristics, which all end in
  the jitted function's ``run``) is counted and its specialization (argument types and constexpr values) recorded,
  so that the grader can compile exactly what ran for a real GPU target.
- No-op ablation: in ablation mode a launch does nothing and leaves its outputs untouched.
- Bounds checks (interpreter only): every load, store and atomic must stay inside the storage of one of the tensors
  passed to the launch; otherwise the kernel fails with an out-of-bounds error, as compute-sanitizer would report.
- Op trace: a ``TorchDispatchMode`` records the aten ops that ``forward`` runs outside Triton kernels.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass, field

# aten ops that only allocate, view, copy or query: allowed outside kernels.
ALLOWED_OPS = frozenset({
    "aten.empty", "aten.empty_like", "aten.empty_strided", "aten.new_empty", "aten.new_empty_strided",
    "aten.zeros", "aten.zeros_like", "aten.new_zeros", "aten.full", "aten.full_like", "aten.new_full",
    "aten.zero_", "aten.fill_", "aten.ones", "aten.ones_like", "aten.new_ones",
    "aten.view", "aten._unsafe_view", "aten.reshape", "aten.as_strided", "aten.expand", "aten.permute",
    "aten.transpose", "aten.t", "aten.unsqueeze", "aten.squeeze", "aten.select", "aten.slice", "aten.split",
    "aten.split_with_sizes", "aten.unbind", "aten.chunk", "aten.flatten", "aten.unflatten", "aten.alias",
    "aten.detach", "aten.clone", "aten.copy_", "aten.contiguous", "aten._to_copy", "aten.lift_fresh",
    "aten.view_as", "aten.expand_as", "aten.narrow", "aten.movedim", "aten.diagonal", "aten.stride", "aten.size",
    "aten.sym_size", "aten.sym_stride", "aten.sym_numel", "aten.numel", "aten.dim", "aten.is_contiguous",
    "aten.set_", "aten.resize_", "aten._reshape_alias",
})

_TORCH_TO_TRITON = {
    "float32": "fp32", "float16": "fp16", "bfloat16": "bf16", "float64": "fp64", "int64": "i64", "int32": "i32",
    "int16": "i16", "int8": "i8", "uint8": "u8", "bool": "i1", "float8_e4m3fn": "fp8e4nv", "float8_e5m2": "fp8e5",
}


class OutOfBoundsAccess(RuntimeError):
    """A kernel touched memory outside every tensor passed to its launch."""


@dataclass
class LaunchLog:
    """What the hooks saw in one forward call."""

    launches: int = 0
    specs: list[dict] = field(default_factory=list)
    ops: dict[str, int] = field(default_factory=dict)
    bytes_loaded: int = 0
    bytes_stored: int = 0


class Instrumentation:
    """Holds the hook state for one sandboxed child. Create once, call :meth:`install` once."""

    def __init__(self):
        self.log = LaunchLog()
        self.noop = False
        self.tracing = False
        self.ranges: list[tuple[int, int]] = []
        self._seen_specs: set[str] = set()

    def reset(self) -> LaunchLog:
        log, self.log = self.log, LaunchLog()
        return log

    # --- launches ------------------------------------------------------------------------------------
    def install(self, interpret: bool) -> None:
        if interpret:
            from triton.runtime.interpreter import InterpretedFunction, InterpreterBuilder
            self._wrap_run(InterpretedFunction)
            self._wrap_memory(InterpreterBuilder)
        else:
            from triton.runtime.jit import JITFunction
            self._wrap_run(JITFunction)

    def _wrap_run(self, cls) -> None:
        original = cls.run
        hooks = self

        def run(fn, *args, grid, warmup, **kwargs):
            if warmup:
                return original(fn, *args, grid=grid, warmup=warmup, **kwargs)
            hooks._record(fn, args, kwargs)
            if hooks.noop:
                return None
            saved, hooks.ranges = hooks.ranges, _tensor_ranges(args, kwargs)
            was_tracing, hooks.tracing = hooks.tracing, False
            try:
                return original(fn, *args, grid=grid, warmup=warmup, **kwargs)
            finally:
                hooks.ranges, hooks.tracing = saved, was_tracing

        cls.run = run

    def _record(self, fn, args, kwargs) -> None:
        self.log.launches += 1
        spec = launch_spec(fn, args, kwargs)
        key = repr(sorted(spec.items()))
        if key not in self._seen_specs:
            self._seen_specs.add(key)
            self.log.specs.append(spec)

    # --- memory --------------------------------------------------------------------------------------
    def _wrap_memory(self, builder_cls) -> None:
        import numpy as np
        hooks = self

        def checked(name, kind, ptr_index, mask_index):
            original = getattr(builder_cls, name)

            def wrapper(builder, *args):
                ptrs = args[ptr_index]
                mask = args[mask_index].data if mask_index is not None and args[mask_index] is not None else None
                addresses = np.asarray(ptrs.data, dtype=np.uint64).reshape(-1)
                active = addresses if mask is None else addresses[np.broadcast_to(mask, ptrs.data.shape).reshape(-1)]
                itemsize = _itemsize(ptrs)
                hooks._check_bounds(active, itemsize, kind, fn_name=name)
                nbytes = int(active.size) * itemsize
                if kind == "load":
                    hooks.log.bytes_loaded += nbytes
                else:
                    hooks.log.bytes_stored += nbytes
                return original(builder, *args)

            setattr(builder_cls, name, wrapper)

        checked("create_masked_load", "load", 0, 1)
        checked("create_masked_store", "store", 0, 2)
        checked("create_atomic_rmw", "atomic", 1, 3)
        checked("create_atomic_cas", "atomic", 0, None)

    def _check_bounds(self, addresses, itemsize: int, kind: str, fn_name: str) -> None:
        import numpy as np
        if addresses.size == 0 or not self.ranges:
            return
        ok = np.zeros(addresses.shape, dtype=bool)
        for lo, hi in self.ranges:
            ok |= (addresses >= lo) & (addresses + itemsize <= hi)
        if not ok.all():
            bad = int(addresses[~ok][0])
            raise OutOfBoundsAccess(
                f"out-of-bounds {kind}: {int((~ok).sum())} access(es) outside every tensor argument of the launch "
                f"(first at address {bad:#x}); check your masks and offsets")

    # --- op trace ------------------------------------------------------------------------------------
    def trace_mode(self):
        """A dispatch mode that records non-allowed aten ops while ``self.tracing`` is set."""
        from torch.utils._python_dispatch import TorchDispatchMode
        hooks = self

        class OpTrace(TorchDispatchMode):
            def __torch_dispatch__(self, func, types, args=(), kwargs=None):
                if hooks.tracing:
                    name = f"aten.{func.overloadpacket.__name__}" if hasattr(func, "overloadpacket") else str(func)
                    if name not in ALLOWED_OPS:
                        hooks.log.ops[name] = hooks.log.ops.get(name, 0) + 1
                return func(*args, **(kwargs or {}))

        return OpTrace()


def _itemsize(ptrs) -> int:
    try:
        from triton.runtime.interpreter import _get_np_dtype
        return _get_np_dtype(ptrs.get_element_ty()).itemsize
    except Exception:  # unknown element type: assume one byte, which only makes the check stricter
        return 1


def _tensor_ranges(args, kwargs) -> list[tuple[int, int]]:
    import torch
    ranges = []
    for value in list(args) + list(kwargs.values()):
        if isinstance(value, torch.Tensor):
            storage = value.untyped_storage()
            ranges.append((storage.data_ptr(), storage.data_ptr() + storage.nbytes()))
    return ranges


def launch_spec(fn, args, kwargs) -> dict:
    """The specialization of one launch: kernel location plus a Triton signature and constexpr values.

    Everything in it is JSON data, so that the grader can hand it to a compile child without trusting objects.
    """
    import torch
    base = fn
    while hasattr(base, "fn") and not inspect.isfunction(base):
        base = base.fn
    params = list(inspect.signature(base).parameters.values())
    bound = dict(zip([p.name for p in params], args))
    bound.update({k: v for k, v in kwargs.items() if k in {p.name for p in params}})
    signature, constexprs, aligned = {}, {}, []
    for p in params:
        value = bound.get(p.name, p.default)
        if "constexpr" in str(p.annotation):
            signature[p.name] = "constexpr"
            constexprs[p.name] = value if isinstance(value, (int, float, bool, str, type(None))) else repr(value)
        elif isinstance(value, torch.Tensor):
            signature[p.name] = "*" + _TORCH_TO_TRITON.get(str(value.dtype).replace("torch.", ""), "fp32")
            if value.data_ptr() % 16 == 0:
                aligned.append(p.name)  # the JIT specializes 16-byte-aligned pointers the same way
        elif isinstance(value, bool):
            signature[p.name] = "i1"
        elif isinstance(value, int):
            signature[p.name] = "i32" if -2**31 <= value < 2**31 else "i64"
            if value % 16 == 0:
                aligned.append(p.name)
        elif isinstance(value, float):
            signature[p.name] = "fp32"
        elif value is None or value is inspect.Parameter.empty:
            signature[p.name] = "constexpr"
            constexprs[p.name] = None
        else:
            signature[p.name] = "constexpr"
            constexprs[p.name] = repr(value)
    options = {k: kwargs[k] for k in ("num_warps", "num_stages") if isinstance(kwargs.get(k), int)}
    return {"module": base.__module__, "qualname": base.__qualname__, "signature": signature,
            "constexprs": constexprs, "options": options, "aligned": aligned}
