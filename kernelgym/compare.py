"""Comparison of a candidate's raw output bytes with the reference, done in the grader's process."""
from __future__ import annotations

from dataclasses import dataclass

from .sandbox.protocol import TensorMeta, tensor_from_bytes


class Malformed(ValueError):
    """The child sent tensor metadata that does not describe its bytes."""


@dataclass
class Comparison:
    """Outcome of comparing one run's outputs."""

    ok: bool
    max_abs_error: float | None
    message: str = ""


def decode(meta: TensorMeta | dict, raw: bytes):
    """Rebuild a tensor from its metadata (a record, or the header that describes it) and raw bytes; never
    unpickles anything."""
    import torch

    if not isinstance(meta, TensorMeta):
        try:
            meta = TensorMeta.from_header(meta)
        except ValueError as exc:
            raise Malformed(str(exc)) from None
    dtype = getattr(torch, meta.dtype)
    numel = 1
    for d in meta.shape:
        numel *= d
    itemsize = torch.empty((), dtype=dtype).element_size()
    if len(raw) != numel * itemsize:
        raise Malformed(f"{len(raw)} bytes for a {meta.dtype} tensor of shape {list(meta.shape)}")
    return tensor_from_bytes(dtype, list(meta.shape), raw)


def decode_all(metas: tuple[TensorMeta, ...] | None, buffers: list) -> list:
    """Decode the tensors of a message (``metas`` as its record holds them; None where the child's list was
    malformed) from its raw buffers; :class:`Malformed` for anything ill-formed."""
    if metas is None or len(metas) > len(buffers):
        raise Malformed("tensor metadata is not a list of dicts, one per buffer")
    return [decode(m, b) for m, b in zip(metas, buffers)]


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


CHUNK = 1 << 24  # elements compared at a time: a gigabyte output never needs its float64 copy at once


def _close(ref, out, atol: float, rtol: float) -> tuple[bool, float, str]:
    if ref.numel() == 0:
        return True, 0.0, ""
    ref, out = ref.reshape(-1), out.reshape(-1)
    worst, bad = 0.0, 0
    for start in range(0, ref.numel(), CHUNK):
        ok, err, count, message = _close_chunk(ref[start:start + CHUNK], out[start:start + CHUNK], atol, rtol)
        if message:
            return False, float("inf"), message
        worst, bad = max(worst, err), bad + count
    if not (ref.is_floating_point() or ref.is_complex()):
        return bad == 0, worst, f"{bad} of {ref.numel()} elements differ"
    if bad:
        return False, worst, (f"{bad} of {ref.numel()} elements outside atol={atol:g}, rtol={rtol:g} "
                              f"(max abs error {worst:.3g})")
    return True, worst, ""


def _close_chunk(ref, out, atol: float, rtol: float) -> tuple[bool, float, int, str]:
    """One chunk: (ok, max abs error, elements out of tolerance, message of a NaN or infinity mismatch)."""
    import torch

    if not (ref.is_floating_point() or ref.is_complex()):
        mismatches = int((ref != out).sum())
        return mismatches == 0, (ref.double() - out.double()).abs().max().item(), mismatches, ""
    ref64, out64 = ref.double(), out.double()
    ref_nan, out_nan = torch.isnan(ref64), torch.isnan(out64)
    if not torch.equal(ref_nan, out_nan):
        return False, float("inf"), 0, (f"NaN in {int(out_nan.sum())} elements where the reference has "
                                        f"{int(ref_nan.sum())}")
    ref_inf, out_inf = torch.isinf(ref64), torch.isinf(out64)
    if not torch.equal(ref_inf, out_inf) or not torch.equal(ref64[ref_inf], out64[out_inf]):
        return False, float("inf"), 0, "infinities differ from the reference"
    finite = ~(ref_nan | ref_inf)
    diff = (ref64[finite] - out64[finite]).abs()
    if diff.numel() == 0:
        return True, 0.0, 0, ""
    count = int((diff > atol + rtol * ref64[finite].abs()).sum())
    return count == 0, diff.max().item(), count, ""
