"""Framing for the private channel between the grader and a sandboxed child.

A message is a JSON header plus zero or more raw byte buffers, each length-prefixed. The grader decodes only JSON
and raw bytes from the child: never pickle, never objects. Messages to the child may carry a pickled job (the child
trusts the grader, not the reverse).
"""
from __future__ import annotations

import json
import socket
import struct
import time

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
