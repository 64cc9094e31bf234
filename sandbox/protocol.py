"""The private channel between the grader and a sandboxed child: its framing, the jobs the grader sends, and how a
child encodes what it sends back.

A message is a JSON header plus zero or more raw byte buffers, each length-prefixed. The grader decodes only JSON
and raw bytes from the child: never pickle, never objects. Messages to the child may carry a pickled job
(:class:`Job`, :class:`Run`, :class:`ScriptJob`: the child trusts the grader, not the reverse). Both sides import
this module; it imports nothing of the trusted side.
"""
from __future__ import annotations

import json
import socket
import struct
import time
import traceback
from dataclasses import dataclass, field

from .isolation import Limits

_LEN = struct.Struct("!Q")


class ChannelClosed(EOFError):
    """The other side closed the channel before a full message arrived."""


class ChannelTimeout(TimeoutError):
    """No full message arrived before the deadline."""


class ChannelViolation(ValueError):
    """The other side sent something malformed or too large."""


def send(sock: socket.socket, header: dict, buffers: list[bytes] = ()) -> None:
    """Send one message: header JSON then each buffer."""
    head = json.dumps({**header, "_buffers": [len(b) for b in buffers]}).encode()
    sock.sendall(_LEN.pack(len(head)) + head)
    for buf in buffers:
        sock.sendall(memoryview(buf).cast("B"))


def recv(sock: socket.socket, deadline: float | None = None, max_bytes: int = 1 << 31) -> tuple[dict, list[bytes]]:
    """Receive one message, enforcing a wall-clock deadline (``time.monotonic()`` based) and a size limit."""
    size = _LEN.unpack(_read(sock, _LEN.size, deadline))[0]
    if size > 1 << 24:
        raise ChannelViolation(f"header of {size} bytes")
    try:
        header = json.loads(_read(sock, size, deadline))
        lengths = header.pop("_buffers")
        if not isinstance(header, dict) or not all(isinstance(n, int) and n >= 0 for n in lengths):
            raise ValueError
    except (ValueError, KeyError, TypeError):
        raise ChannelViolation("malformed header") from None
    if sum(lengths) > max_bytes:
        raise ChannelViolation(f"message of {sum(lengths)} bytes exceeds the {max_bytes}-byte limit")
    return header, [_read(sock, n, deadline) for n in lengths]


def _read(sock: socket.socket, n: int, deadline: float | None) -> bytearray:
    buf = bytearray(n)
    view, got = memoryview(buf), 0
    while got < n:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ChannelTimeout
            sock.settimeout(left)
        try:
            chunk = sock.recv_into(view[got:], n - got)
        except socket.timeout:
            raise ChannelTimeout from None
        except ConnectionResetError:
            chunk = 0
        if chunk == 0:
            raise ChannelClosed
        got += chunk
    return buf  # a bytearray: tensors are rebuilt on it without another copy


def tensor_bytes(t) -> tuple[dict, bytes]:
    """A tensor as ``({"dtype", "shape"}, raw bytes)``: what crosses the channel in place of the object."""
    import torch

    flat = torch.Tensor.detach(t).to("cpu").contiguous().reshape(-1)  # the class's method, not the instance's
    raw = flat.view(torch.uint8).numpy().tobytes() if flat.numel() else b""
    return {"dtype": str(t.dtype).removeprefix("torch."), "shape": list(t.shape)}, raw


def tensor_from_bytes(dtype, shape: list[int], raw) -> object:
    """The tensor that :func:`tensor_bytes` described, built on ``raw`` (no copy when it is a bytearray, as
    :func:`recv` returns). The caller checks that the bytes fit the shape."""
    import torch

    if not raw:
        return torch.empty(shape, dtype=dtype)
    return torch.frombuffer(raw if isinstance(raw, bytearray) else bytearray(raw), dtype=dtype).reshape(shape)


def pack(value) -> tuple[dict, list[bytes]]:
    """Pickle ``value`` with every tensor in it carried as a raw buffer (no copy through pickle).

    Grader to child only: the child trusts the grader, never the reverse (the grader decodes only raw bytes).
    Returns the header field and the buffers; :func:`unpack` rebuilds the value (tensors on the CPU).
    """
    import io
    import pickle

    import torch

    metas: list[dict] = []
    buffers: list[bytes] = []

    class Pickler(pickle.Pickler):
        def persistent_id(self, obj):
            if not isinstance(obj, torch.Tensor):
                return None
            meta, raw = tensor_bytes(obj)
            metas.append(meta)
            buffers.append(raw)
            return len(metas) - 1

    stream = io.BytesIO()
    Pickler(stream, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return {"pickle": stream.getvalue().hex(), "tensors": metas}, buffers


def unpack(field: dict, buffers: list[bytes]):
    """Rebuild what :func:`pack` packed (in the child)."""
    import io
    import pickle

    import torch

    class Unpickler(pickle.Unpickler):
        def persistent_load(self, index):
            meta = field["tensors"][index]
            return tensor_from_bytes(getattr(torch, meta["dtype"]), meta["shape"], buffers[index])

    return Unpickler(io.BytesIO(bytes.fromhex(field["pickle"]))).load()


# --- jobs: what the grader sends a child (pickled; the child trusts the grader) ---------------------------
@dataclass
class Run:
    """One forward call: constructor arguments, inputs and the construction seed."""

    label: str
    init_inputs: list
    inputs: list
    seed: int
    poison: int | None = None  # a byte for buffers forward allocates uninitialised; None: torch's NaN fill
    # Inputs of an earlier call to the same model, in the same process: forward runs on them first, then on
    # ``inputs`` copied into the same tensors, and only that second output is judged (a cache keyed by shape or
    # pointer answers the second call from the first).
    first_inputs: list | None = None


@dataclass
class Job:
    """Everything a child needs; built by the grader, pickled over the private channel."""

    kind: str  # "run" or "compile"
    source: str
    workdir: str
    secret: str
    limits: Limits
    device: str = "cpu"
    runs: list[Run] = field(default_factory=list)
    ablation: Run | None = None
    timing: bool = False  # after the ablation, time the cases the grader sends (GPU; see sandbox/timing.py)
    timing_repeats: int = 20
    specs: list[dict] = field(default_factory=list)
    target: tuple = ("cuda", 90, 32)
    cgroup: str = ""
    hidden: list[str] = field(default_factory=list)  # directories the child must not see (the problem files)


@dataclass
class ScriptJob(Job):
    """A :class:`Job` of kind ``python``: ``source`` defines ``grade``; ``payload`` is
    JSON text ``{"sample": ..., "item": ...}``."""

    payload: str = "{}"


# --- what a child sends back ------------------------------------------------------------------------
def encode_outputs(output, inputs) -> tuple[dict, list[bytes]]:
    """Raw bytes of the outputs and of the inputs after the call, plus the facts the grader checks."""
    import torch

    outputs = list(output) if isinstance(output, (tuple, list)) else [output]
    header: dict = {"outputs": [], "inputs_after": [], "not_plain": [], "aliases_input": False}
    buffers: list[bytes] = []
    input_ranges = [_storage_range(x) for x in inputs if type(x) is torch.Tensor]
    for i, out in enumerate(outputs):
        if type(out) is not torch.Tensor:
            header["not_plain"].append(f"output {i} is {type(out).__name__}, not a plain torch.Tensor")
            continue
        if vars(out):  # methods replaced on the instance would run here, after forward, outside the op trace
            header["not_plain"].append(f"output {i} carries instance attributes ({', '.join(sorted(vars(out))[:3])})"
                                       f", not a plain torch.Tensor")
            continue
        lo, hi = _storage_range(out)
        if torch.Tensor.numel(out) and any(lo < in_hi and in_lo < hi for in_lo, in_hi in input_ranges):
            header["aliases_input"] = True
        meta, raw = tensor_bytes(out)
        header["outputs"].append(meta)
        buffers.append(raw)
    for x in inputs:
        if type(x) is torch.Tensor:
            meta, raw = tensor_bytes(x)
            header["inputs_after"].append(meta)
            buffers.append(raw)
    return header, buffers


def _storage_range(t) -> tuple[int, int]:
    import torch

    storage = torch.Tensor.untyped_storage(t)  # the class's method: an instance attribute cannot stand in
    return storage.data_ptr(), storage.data_ptr() + storage.nbytes()


def trim_traceback(exc: BaseException) -> str:
    """The candidate-side frames of a traceback and the message, short enough for a prompt."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "candidate" in f.filename]
    lines = [f"line {f.lineno}: {f.line}" for f in frames[-3:]]
    message = f"{type(exc).__name__}: {exc}".strip()
    return "\n".join(lines + [message[-1500:]])
