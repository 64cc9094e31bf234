"""Instrumentation installed in the sandboxed child before the candidate is imported.

- Launch recording: every Triton launch (through ``kernel[grid](...)``, autotune or heuristics, which all end in
  the jitted function's ``run``) is counted and its specialization (argument types and constexpr values) recorded,
  so that the grader can compile exactly what ran for a real GPU target.
- No-op ablation: in ablation mode a launch does nothing and leaves its outputs untouched.
- Bounds checks (interpreter only): every load, store and atomic must stay inside the storage of one of the tensors
  passed to the launch; otherwise the kernel fails with an out-of-bounds error, as compute-sanitizer would report.
- Op trace: a ``TorchDispatchMode`` records the aten ops that ``forward`` runs outside Triton kernels. User code
  that Triton calls from inside a launch (a grid callable, pre-run hooks) is run by the hooks before the launch,
  with the trace on, and also in the ablation, so that a fallback cannot hide there.
- Poison: when set, every buffer that ``forward`` allocates with an ``empty`` op is filled with a chosen byte, so
  that a second run on differently poisoned memory exposes outputs that depend on uninitialised memory.
- TF32 (interpreter only): ``tl.dot`` on float32 operands with the default ``input_precision="tf32"`` rounds the
  operands to TF32 (10-bit mantissa) as an NVIDIA GPU does; the interpreter would otherwise multiply in full fp32.
- Fingerprints: every launch records a hash of the kernel's code and of everything its globals reach, so that the
  compile check can prove it compiles the kernel that ran (and not one swapped in when the answer sees it is not
  under the interpreter). The hash and the kernel's signature are computed once per kernel object and reused
  while every code object and global binding the hash walked is still the same object (rebinding a helper, or
  swapping a code object, recomputes it).
- Timing (GPU): while ``timing`` is set, a launch is only counted (no specialization record, no fingerprint), so
  that the hooks add as little as possible inside the CUDA-event window.
"""
from __future__ import annotations

import hashlib
import inspect
import sys
import types
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
# Allocations whose memory is uninitialised: filled with the poison byte when one is set.
POISONED_ALLOCATIONS = frozenset({
    "aten.empty", "aten.empty_like", "aten.empty_strided", "aten.new_empty", "aten.new_empty_strided",
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
        self.poison: int | None = None  # a byte value, or None for torch's own NaN / max-int fill
        self.ranges: list[tuple[int, int]] = []
        self.timing = False  # set around timed calls: launches are counted, not recorded
        self._seen_specs: set[str] = set()
        self._kernels: dict[int, _KernelInfo] = {}  # by id(fn); each entry holds fn, so the id is not reused

    def reset(self) -> LaunchLog:
        log, self.log = self.log, LaunchLog()
        return log

    # --- launches ------------------------------------------------------------------------------------
    def install(self, interpret: bool) -> None:
        if interpret:
            from triton.runtime.interpreter import InterpretedFunction, InterpreterBuilder
            self._wrap_run(InterpretedFunction)
            self._wrap_memory(InterpreterBuilder)
            _wrap_dot(InterpreterBuilder)
        else:
            from triton.runtime.jit import JITFunction
            self._wrap_run(JITFunction)

    def _wrap_run(self, cls) -> None:
        original = cls.run
        hooks = self

        def run(fn, *args, grid, warmup, **kwargs):
            if warmup:
                return original(fn, *args, grid=grid, warmup=warmup, **kwargs)
            info = hooks.kernel_info(fn)
            if hooks.timing:
                hooks.log.launches += 1
            else:
                hooks._record(fn, args, kwargs, info)
            grid = _user_launch_code(fn, grid, args, kwargs, info.signature)  # trace on, in the ablation too
            if hooks.noop:
                return None
            saved, hooks.ranges = hooks.ranges, _tensor_ranges(args, kwargs)
            was_tracing, hooks.tracing = hooks.tracing, False
            pre_run_hooks, fn.pre_run_hooks = fn.pre_run_hooks, []
            try:
                return original(fn, *args, grid=grid, warmup=warmup, **kwargs)
            finally:
                hooks.ranges, hooks.tracing = saved, was_tracing
                fn.pre_run_hooks = pre_run_hooks

        cls.run = run

    def kernel_info(self, fn) -> "_KernelInfo":
        """The signature and fingerprint of a launched kernel, computed once per kernel object and recomputed
        when anything the fingerprint walked has been rebound since."""
        info = self._kernels.get(id(fn))
        if info is None or info.fn is not fn or not info.current():
            info = _KernelInfo.of(fn)
            self._kernels[id(fn)] = info
        return info

    def _record(self, fn, args, kwargs, info: "_KernelInfo | None" = None) -> None:
        self.log.launches += 1
        info = info or self.kernel_info(fn)
        spec = launch_spec(fn, args, kwargs, signature=info.signature, fingerprint=info.fingerprint)
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
                name = None
                if hooks.tracing:
                    name = f"aten.{func.overloadpacket.__name__}" if hasattr(func, "overloadpacket") else str(func)
                    if name not in ALLOWED_OPS:
                        hooks.log.ops[name] = hooks.log.ops.get(name, 0) + 1
                result = func(*args, **(kwargs or {}))
                if name in POISONED_ALLOCATIONS and hooks.poison is not None:
                    _fill_bytes(result, hooks.poison)
                return result

        return OpTrace()


class _KernelInfo:
    """What the hooks derive from one kernel object: its base function's signature and its fingerprint, with the
    bindings the fingerprint depends on (``deps``: pairs of a getter and the object it returned then)."""

    __slots__ = ("fn", "signature", "fingerprint", "deps")

    def __init__(self, fn, signature, fingerprint: str, deps: list):
        self.fn, self.signature, self.fingerprint, self.deps = fn, signature, fingerprint, deps

    @classmethod
    def of(cls, fn) -> "_KernelInfo":
        deps: list = []
        fingerprint = kernel_fingerprint(fn, deps)
        return cls(fn, inspect.signature(_base_function(fn)), fingerprint, deps)

    def current(self) -> bool:
        """True while every code object and global binding the fingerprint walked is still the same object."""
        return all(get() is expected for get, expected in self.deps)


def _user_launch_code(fn, grid, args, kwargs, signature=None):
    """Run the user code that Triton would call inside the launch (where the op trace is paused and which the
    ablation skips): the pre-run hooks, then the grid callable. Returns the grid as a tuple."""
    signature = signature or inspect.signature(_base_function(fn))
    named = {k: v for k, v in kwargs.items() if k in signature.parameters}
    for hook in list(getattr(fn, "pre_run_hooks", None) or []):
        hook(*args, **named)
    if not callable(grid):
        return grid
    bound = signature.bind_partial(*args, **named)
    bound.apply_defaults()
    return tuple(grid(dict(bound.arguments)))


def _fill_bytes(tensor, byte: int) -> None:
    """Overwrite every byte of a freshly allocated tensor's storage with ``byte``."""
    import torch

    if not isinstance(tensor, torch.Tensor) or tensor.untyped_storage().nbytes() == 0:
        return
    storage = tensor.untyped_storage()
    flat = torch.empty(0, dtype=torch.uint8, device=tensor.device)
    flat.set_(storage, 0, (storage.nbytes(),), (1,))
    flat.fill_(byte)


def _wrap_dot(builder_cls) -> None:
    """Round float32 ``tl.dot`` operands to TF32 when the precision is TF32, as NVIDIA tensor cores do."""
    import numpy as np
    from triton._C.libtriton import ir

    original = builder_cls.create_dot

    def create_dot(builder, a, b, d, input_precision, max_num_imprecise_acc):
        if input_precision == ir.INPUT_PRECISION.TF32:
            a, b = _to_tf32(a, np), _to_tf32(b, np)
        return original(builder, a, b, d, input_precision, max_num_imprecise_acc)

    builder_cls.create_dot = create_dot


def _to_tf32(handle, np):
    """A copy of a float32 tensor handle rounded to TF32 (round to nearest, ties away: ``cvt.rna.tf32.f32``)."""
    if handle.data.dtype != np.float32:
        return handle
    bits = handle.data.view(np.uint32)
    finite = (bits & 0x7F800000) != 0x7F800000
    rounded = np.where(finite, (bits + np.uint32(0x1000)) & np.uint32(0xFFFFE000), bits)
    return type(handle)(rounded.astype(np.uint32).view(np.float32), handle.dtype.scalar)


def _base_function(fn):
    """The plain Python function under a jitted, autotuned or heuristics-wrapped kernel."""
    base = fn
    while hasattr(base, "fn") and not inspect.isfunction(base):
        base = base.fn
    return base


def kernel_fingerprint(fn, deps: list | None = None) -> str:
    """A hash of a kernel's code and of what its global names refer to, followed through helper functions.

    Identical in every process that imported the same answer the same way; different when the answer defines a
    different kernel, or binds a helper to something else, depending on how it is run. When ``deps`` is given, a
    ``(getter, object)`` pair is appended to it for every binding the hash read (the base function, each code
    object, each global name, each constexpr's value): while every getter still returns its object, the hash is
    the same.
    """
    digest = hashlib.sha256()
    base = _base_function(fn)
    if deps is not None:
        deps.append((lambda: _base_function(fn), base))
    _fingerprint_function(base, digest, set(), deps)
    return digest.hexdigest()[:32]


def _fingerprint_function(func, digest, seen: set[int], deps: list | None = None) -> None:
    if id(func) in seen or not inspect.isfunction(func):
        return
    seen.add(id(func))
    code = func.__code__
    if deps is not None:
        deps.append((lambda: func.__code__, code))
    digest.update(_code_text(code))
    namespace = func.__globals__
    for name in sorted(_global_names(code)):
        value = namespace.get(name, _MISSING)
        if deps is not None:
            deps.append((lambda name=name: namespace.get(name, _MISSING), value))
        digest.update(f"|{name}=".encode())
        digest.update(_describe_global(value, digest, seen, deps).encode())


_MISSING = object()


def _is_library_function(func) -> bool:
    """A function that is itself the attribute of a torch or Triton module under its name: described by that
    name, since a process may hold its own implementation of it (the interpreter child's ``libdevice``)."""
    module_name = getattr(func, "__module__", None) or ""
    if module_name.split(".")[0] not in ("torch", "triton"):
        return False
    module = sys.modules.get(module_name)
    return module is not None and getattr(module, func.__name__, None) is func


def _describe_global(value, digest, seen: set[int], deps: list | None = None) -> str:
    if value is _MISSING:
        return "builtin-or-missing"
    if isinstance(value, types.ModuleType):
        return f"module:{value.__name__}"
    if isinstance(value, (int, float, bool, str, bytes, type(None))):
        return f"value:{value!r}"
    if inspect.isfunction(value):
        if _is_library_function(value):
            return f"library:{value.__module__}.{value.__qualname__}"
        _fingerprint_function(value, digest, seen, deps)
        return "python-function"
    base = _base_function(value)
    if base is not value and inspect.isfunction(base):
        if deps is not None:
            deps.append((lambda: _base_function(value), base))
        _fingerprint_function(base, digest, seen, deps)
        return "kernel"
    if isinstance(value, type):
        return f"class:{value.__module__}.{value.__qualname__}"
    inner = getattr(value, "value", _MISSING)  # tl.constexpr
    if deps is not None and inner is not _MISSING:
        deps.append((lambda: getattr(value, "value", _MISSING), inner))
    if type(value).__name__ == "constexpr" and isinstance(inner, (int, float, bool, str, type(None))):
        return f"constexpr:{inner!r}"
    return f"object:{type(value).__module__}.{type(value).__qualname__}"


def _code_text(code) -> bytes:
    parts = [code.co_code, repr(code.co_names).encode(), repr(code.co_varnames).encode()]
    for const in code.co_consts:
        parts.append(_code_text(const) if isinstance(const, types.CodeType) else repr(const).encode())
    return b"\x00".join(parts)


def _global_names(code) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _global_names(const)
    return names


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


def launch_spec(fn, args, kwargs, signature=None, fingerprint: str | None = None) -> dict:
    """The specialization of one launch: kernel location plus a Triton signature and constexpr values.

    Everything in it is JSON data, so that the grader can hand it to a compile child without trusting objects.
    ``signature`` and ``fingerprint``, when given, are the kernel's (cached by :class:`Instrumentation`).
    """
    import torch
    base = _base_function(fn)
    params = list((signature or inspect.signature(base)).parameters.values())
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
            "constexprs": constexprs, "options": options, "aligned": aligned,
            "fingerprint": fingerprint or kernel_fingerprint(fn)}
