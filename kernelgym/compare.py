"""Comparison of a candidate's raw output bytes with the reference, done in the grader's process."""
from __future__ import annotations

from dataclasses import dataclass

_DTYPES = {
    "float32", "float16", "bfloat16", "float64", "int64", "int32", "int16", "int8", "uint8", "bool",
    "complex64", "complex128",
}


class Malformed(ValueError):
    """The child sent tensor metadata that does not describe its bytes."""


@dataclass
class Comparison:
    """Outcome of comparing one run's outputs."""

    ok: bool
    max_abs_error: float | None
    message: str = ""


def decode(meta: dict, raw: bytes):
    """Rebuild a tensor from a dtype name, a shape and raw bytes; never unpickles anything."""
    import torch

    dtype_name = meta.get("dtype")
    shape = meta.get("shape")
    if dtype_name not in _DTYPES or not isinstance(shape, list) or not all(isinstance(d, int) and d >= 0
                                                                           for d in shape):
        raise Malformed(f"bad tensor metadata {meta!r:.200}")
    dtype = getattr(torch, dtype_name)
    numel = 1
    for d in shape:
        numel *= d
    itemsize = torch.empty((), dtype=dtype).element_size()
    if len(raw) != numel * itemsize:
        raise Malformed(f"{len(raw)} bytes for a {dtype_name} tensor of shape {shape}")
    if numel == 0:
        return torch.empty(shape, dtype=dtype)
    return torch.frombuffer(bytearray(raw), dtype=dtype).reshape(shape)


def compare_outputs(expected: list, got: list, atol: float, rtol: float) -> Comparison:
    """Check count, shape, dtype and values (NaN where NaN, equal infinities, |a-b| <= atol + rtol*|b|)."""
    if len(got) != len(expected):
        return Comparison(False, None, f"returned {len(got)} output(s), expected {len(expected)}")
    worst = 0.0
    for i, (ref, out) in enumerate(zip(expected, got)):
        where = f"output {i}" if len(expected) > 1 else "output"
        if tuple(out.shape) != tuple(ref.shape):
            return Comparison(False, None, f"{where} has shape {tuple(out.shape)}, expected {tuple(ref.shape)}")
        if out.dtype != ref.dtype:
            return Comparison(False, None, f"{where} has dtype {out.dtype}, expected {ref.dtype}")
        ok, err, message = _close(ref, out, atol, rtol)
        worst = max(worst, err)
        if not ok:
            return Comparison(False, worst, f"{where}: {message}")
    return Comparison(True, worst)


def _close(ref, out, atol: float, rtol: float) -> tuple[bool, float, str]:
    import torch

    if ref.numel() == 0:
        return True, 0.0, ""
    if not (ref.is_floating_point() or ref.is_complex()):
        mismatches = (ref != out).sum().item()
        err = (ref.double() - out.double()).abs().max().item()
        return mismatches == 0, err, f"{mismatches} of {ref.numel()} elements differ"
    ref64, out64 = ref.double(), out.double()
    ref_nan, out_nan = torch.isnan(ref64), torch.isnan(out64)
    if not torch.equal(ref_nan, out_nan):
        return False, float("inf"), f"NaN in {int(out_nan.sum())} elements where the reference has " \
                                     f"{int(ref_nan.sum())}"
    ref_inf, out_inf = torch.isinf(ref64), torch.isinf(out64)
    if not torch.equal(ref_inf, out_inf) or not torch.equal(ref64[ref_inf], out64[out_inf]):
        return False, float("inf"), "infinities differ from the reference"
    finite = ~(ref_nan | ref_inf)
    diff = (ref64[finite] - out64[finite]).abs()
    if diff.numel() == 0:
        return True, 0.0, ""
    err = diff.max().item()
    bad = diff > atol + rtol * ref64[finite].abs()
    count = int(bad.sum())
    if count:
        return False, err, (f"{count} of {ref.numel()} elements outside atol={atol:g}, rtol={rtol:g} "
                            f"(max abs error {err:.3g})")
    return True, err, ""
