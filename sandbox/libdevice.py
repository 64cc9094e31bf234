"""``libdevice`` under Triton's interpreter: the GPU's math library, computed with NumPy.

``from triton.language.extra import libdevice`` then ``libdevice.tanh(x)`` is how Triton kernels reach the math
functions ``tl`` lacks (tanh, erfinv, pow, ...). The compiler maps those calls to the backend's library; Triton's
interpreter does not, and every call returns None ("unsupported operand type(s) ... 'NoneType'"), so an answer that
is right on a GPU crashed on CPU. :func:`install` gives the interpreter child an implementation of each function
(in ``triton.language.extra.libdevice`` and the CUDA backend's module) with the GPU's semantics: the same result
dtype, IEEE remainder for ``remainder``, round-half-away for ``round``, int32 answers for the predicates, and
results within a few float32 ulps of the GPU's, far inside any problem's tolerance. A function not in
:data:`FUNCTIONS` raises a clear error naming it.

The functions replace the module attributes under the same names, so the kernel fingerprint (which describes a
library function by its module and name) is the same as in the compile child, which builds the real library call.
"""
from __future__ import annotations

import math
import statistics

import numpy as np

_FLOAT = None  # the argument's own dtype
_I32, _U32, _I64, _U64, _F32, _F64 = "int32", "uint32", "int64", "uint64", "fp32", "fp64"
_TL_NAMES = {_I32: "int32", _U32: "uint32", _I64: "int64", _U64: "uint64", _F32: "float32", _F64: "float64"}


def _vectorized(function):
    """A scalar Python function applied element-wise, keeping the input's dtype."""
    ufunc = np.frompyfunc(function, 1, 1)
    return lambda x: ufunc(x).astype(x.dtype)


def _ieee_remainder(x, y):
    return (x - np.rint(x / y) * y).astype(x.dtype)


def _round_half_away(x):
    return (np.sign(x) * np.floor(np.abs(x) + 0.5)).astype(x.dtype)


def _erfinv(value: float) -> float:
    if value <= -1.0 or value >= 1.0:
        return math.copysign(math.inf, value) if abs(value) == 1.0 else math.nan
    return statistics.NormalDist().inv_cdf((value + 1.0) / 2.0) / math.sqrt(2.0)


def _normcdfinv(value: float) -> float:
    if value <= 0.0 or value >= 1.0:
        return -math.inf if value == 0.0 else math.inf if value == 1.0 else math.nan
    return statistics.NormalDist().inv_cdf(value)


def _clz(x):
    bits = x.dtype.itemsize * 8
    unsigned = x.view(np.uint32 if bits == 32 else np.uint64).astype(np.uint64)
    return np.array([bits - int(v).bit_length() for v in unsigned.ravel()], dtype=np.int32).reshape(x.shape)


def _popc(x):
    bits = x.dtype.itemsize * 8
    unsigned = x.view(np.uint32 if bits == 32 else np.uint64)
    return np.array([bin(int(v)).count("1") for v in unsigned.ravel()], dtype=np.int32).reshape(x.shape)


def _ffs(x):
    unsigned = x.view(np.uint32 if x.dtype.itemsize == 4 else np.uint64)
    return np.array([(int(v) & -int(v)).bit_length() for v in unsigned.ravel()], dtype=np.int32).reshape(x.shape)


def _brev(x):
    bits = x.dtype.itemsize * 8
    unsigned = x.view(np.uint32 if bits == 32 else np.uint64)
    flipped = [int(format(int(v), f"0{bits}b")[::-1], 2) for v in unsigned.ravel()]
    return np.array(flipped, dtype=unsigned.dtype).reshape(x.shape).view(x.dtype)


def _mulhi(x, y):
    bits = x.dtype.itemsize * 8
    product = x.astype(object) * y.astype(object)
    return np.array([int(p) >> bits for p in np.ravel(product)], dtype=object).reshape(product.shape).astype(x.dtype)


def _float_ops() -> dict:
    unary = {
        "abs": np.abs, "fabs": np.abs, "acos": np.arccos, "acosh": np.arccosh, "asin": np.arcsin,
        "asinh": np.arcsinh, "atan": np.arctan, "atanh": np.arctanh, "cbrt": np.cbrt, "ceil": np.ceil,
        "cos": np.cos, "cosh": np.cosh, "cospi": lambda x: np.cos(np.pi * x), "exp": np.exp,
        "exp10": lambda x: np.power(x.dtype.type(10), x), "exp2": np.exp2, "expm1": np.expm1, "floor": np.floor,
        "log": np.log, "log10": np.log10, "log1p": np.log1p, "log2": np.log2, "rint": np.rint,
        "nearbyint": np.rint, "round": _round_half_away, "rsqrt": lambda x: 1 / np.sqrt(x),
        "rcbrt": lambda x: 1 / np.cbrt(x), "sin": np.sin, "sinh": np.sinh, "sinpi": lambda x: np.sin(np.pi * x),
        "sqrt": np.sqrt, "tan": np.tan, "tanh": np.tanh, "trunc": np.trunc,
        "saturatef": lambda x: np.clip(x, 0, 1), "cyl_bessel_i0": np.i0,
        "erf": _vectorized(math.erf), "erfc": _vectorized(math.erfc), "lgamma": _vectorized(math.lgamma),
        "tgamma": _vectorized(math.gamma), "erfinv": _vectorized(_erfinv),
        "erfcinv": _vectorized(lambda v: _erfinv(1.0 - v)), "normcdf": _vectorized(
            lambda v: 0.5 * math.erfc(-v / math.sqrt(2.0))), "normcdfinv": _vectorized(_normcdfinv),
        "erfcx": _vectorized(lambda v: math.exp(v * v) * math.erfc(v) if v < 25 else 1 / (v * math.sqrt(math.pi))),
        "logb": lambda x: np.floor(np.log2(np.abs(x))),
    }
    for name in ("exp", "log", "log2", "log10", "sin", "cos", "tan", "exp10", "tanh"):
        unary[f"fast_{name}f"] = unary[name]
    for mode in ("rn", "rz", "rd", "ru"):
        unary[f"sqrt_{mode}"] = np.sqrt
        unary[f"rcp_{mode}"] = lambda x: 1 / x
    binary = {
        "pow": np.power, "powf": np.power, "fast_powf": np.power, "atan2": np.arctan2, "fmod": np.fmod,
        "remainder": _ieee_remainder, "fmin": np.fmin, "fmax": np.fmax, "copysign": np.copysign,
        "hypot": np.hypot, "fdim": lambda x, y: np.maximum(x - y, 0).astype(x.dtype),
        "nextafter": np.nextafter, "fast_dividef": np.divide,
    }
    for mode in ("rn", "rz", "rd", "ru"):
        binary.update({f"add_{mode}": np.add, f"sub_{mode}": np.subtract, f"mul_{mode}": np.multiply,
                       f"div_{mode}": np.divide})
    ternary = {"fma": lambda x, y, z: (x.astype(np.float64) * y + z).astype(x.dtype)}
    for mode in ("rn", "rz", "rd", "ru"):
        ternary[f"fma_{mode}"] = ternary["fma"]
    table = {name: (fn, 1, _FLOAT) for name, fn in unary.items()}
    table.update({name: (fn, 2, _FLOAT) for name, fn in binary.items()})
    table.update({name: (fn, 3, _FLOAT) for name, fn in ternary.items()})
    return table


def _other_ops() -> dict:
    as_int32 = lambda fn: (lambda x: fn(x).astype(np.int32))  # noqa: E731
    table = {
        "isnan": (as_int32(np.isnan), 1, _I32), "isinf": (as_int32(np.isinf), 1, _I32),
        "finitef": (as_int32(np.isfinite), 1, _I32), "isfinited": (as_int32(np.isfinite), 1, _I32),
        "signbit": (as_int32(np.signbit), 1, _I32), "ilogb": (lambda x: np.floor(np.log2(np.abs(x))).astype(
            np.int32), 1, _I32),
        "clz": (_clz, 1, _I32), "popc": (_popc, 1, _I32), "ffs": (_ffs, 1, _I32), "brev": (_brev, 1, _FLOAT),
        "mulhi": (_mulhi, 2, _FLOAT), "umulhi": (_mulhi, 2, _FLOAT), "mul64hi": (_mulhi, 2, _FLOAT),
        "umul64hi": (_mulhi, 2, _FLOAT), "min": (np.minimum, 2, _FLOAT), "max": (np.maximum, 2, _FLOAT),
        "umin": (np.minimum, 2, _FLOAT), "umax": (np.maximum, 2, _FLOAT), "llmin": (np.minimum, 2, _FLOAT),
        "llmax": (np.maximum, 2, _FLOAT), "ullmin": (np.minimum, 2, _FLOAT), "ullmax": (np.maximum, 2, _FLOAT),
        "llabs": (np.abs, 1, _FLOAT), "hadd": (lambda x, y: ((x.astype(np.int64) + y) >> 1).astype(x.dtype), 2,
                                              _FLOAT),
        "rhadd": (lambda x, y: ((x.astype(np.int64) + y + 1) >> 1).astype(x.dtype), 2, _FLOAT),
        "float_as_int": (lambda x: x.view(np.int32), 1, _I32), "int_as_float": (lambda x: x.view(np.float32), 1,
                                                                                  _F32),
        "double_as_longlong": (lambda x: x.view(np.int64), 1, _I64),
        "longlong_as_double": (lambda x: x.view(np.float64), 1, _F64),
    }
    rounding = {"rn": np.rint, "rz": np.trunc, "rd": np.floor, "ru": np.ceil}
    for mode, rounder in rounding.items():
        for source in ("float", "double"):
            for target, np_type, tl_type in (("int", np.int32, _I32), ("uint", np.uint32, _U32),
                                             ("ll", np.int64, _I64), ("ull", np.uint64, _U64)):
                table[f"{source}2{target}_{mode}"] = (lambda x, r=rounder, t=np_type: r(x).astype(t), 1, tl_type)
        for source in ("int", "uint", "ll", "ull"):
            table[f"{source}2float_{mode}"] = (lambda x: x.astype(np.float32), 1, _F32)
            table[f"{source}2double_{mode}"] = (lambda x: x.astype(np.float64), 1, _F64)
        table[f"double2float_{mode}"] = (lambda x: x.astype(np.float32), 1, _F32)
    return table


FUNCTIONS: dict = {**_float_ops(), **_other_ops()}


def _implementation(name: str, np_fn, arity: int, out_dtype):
    import triton.language as tl
    from triton.runtime.interpreter import TensorHandle

    def call(*args, _semantic=None, **_):
        if len(args) != arity:
            raise TypeError(f"libdevice.{name} takes {arity} argument(s), not {len(args)}")
        tensors = [a for a in args if isinstance(a, tl.core.tensor)]
        if not tensors:
            raise TypeError(f"libdevice.{name} needs a tensor argument")
        like = tensors[0]
        np_type = like.handle.data.dtype
        data = [a.handle.data if isinstance(a, tl.core.tensor) else np.asarray(getattr(a, "value", a), np_type)
                for a in args]
        with np.errstate(all="ignore"):
            result = np.asarray(np_fn(*data))
        dtype = like.dtype if out_dtype is None else getattr(tl, _TL_NAMES[out_dtype])
        blocks = [t for t in tensors if t.type.is_block()]
        ty = tl.core.block_type(dtype, list(result.shape)) if blocks else dtype
        return tl.core.tensor(TensorHandle(result, dtype), ty)

    call.__name__ = call.__qualname__ = name
    return call


def _missing(name: str):
    def call(*args, **kwargs):
        raise NotImplementedError(f"libdevice.{name} is not available under Triton's interpreter on CPU "
                                  f"(KernelGym implements {len(FUNCTIONS)} of the libdevice functions); grade on a "
                                  f"GPU, or use another function")

    call.__name__ = call.__qualname__ = name
    return call


_installed = False


def install() -> None:
    """Replace the libdevice functions with their NumPy implementations; the interpreter child only (its zygote
    does it once, before forking)."""
    global _installed
    if _installed:
        return
    _installed = True
    import importlib
    import inspect

    for module_name in ("triton.language.extra.libdevice", "triton.language.extra.cuda.libdevice"):
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        for name, member in inspect.getmembers(module, callable):
            if name.startswith("_") or inspect.isclass(member) or inspect.ismodule(member):
                continue
            if getattr(member, "__module__", "") not in (module_name, "triton.language.core"):
                continue
            spec = FUNCTIONS.get(name)
            replacement = _implementation(name, *spec) if spec else _missing(name)
            replacement.__module__ = module_name
            setattr(module, name, replacement)
