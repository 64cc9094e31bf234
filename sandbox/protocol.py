"""The private channel between the grader and a sandboxed child: its framing, the jobs the grader sends, and the
messages a child sends back, one typed record each.

A message is a JSON header plus zero or more raw byte buffers, each length-prefixed. The grader decodes only JSON
and raw bytes from the child: never pickle, never objects. Messages to the child may carry a pickled job
(:class:`Job`, :class:`Run`, :class:`ScriptJob`: the child trusts the grader, not the reverse). What a child sends
is read through the record of its kind (:class:`Envelope` first, then :class:`Hello`, :class:`Done`,
:class:`ImportFailure`, :class:`RunResult`, :class:`Compiled`, the timing steps in :data:`TIMING_STEPS`,
:class:`Score`), whose ``from_header`` validates every field and never raises; the child builds the same records
and sends their ``to_header``. Both sides import this module; it imports nothing of the trusted side.
"""
from __future__ import annotations

import json
import math
import socket
import struct
import time
import traceback
from dataclasses import dataclass, field
from typing import ClassVar

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
        lengths = header.pop("_buffers") if isinstance(header, dict) else None
        if not isinstance(lengths, list) or not all(type(n) is int and n >= 0 for n in lengths):
            raise ValueError
    except (ValueError, KeyError, RecursionError):  # not JSON, nested too deep, not a header
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


def tensor_bytes(t) -> tuple["TensorMeta", bytes]:
    """A tensor as its metadata and raw bytes: what crosses the channel in place of the object."""
    import torch

    flat = torch.Tensor.detach(t).to("cpu").contiguous().reshape(-1)  # the class's method, not the instance's
    raw = flat.view(torch.uint8).numpy().tobytes() if flat.numel() else b""
    return TensorMeta(str(t.dtype).removeprefix("torch."), tuple(t.shape)), raw


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
            metas.append(meta.to_header())
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
    specs: list[Spec] = field(default_factory=list)
    target: tuple = ("cuda", 90, 32)
    cgroup: str = ""
    hidden: list[str] = field(default_factory=list)  # directories the child must not see (the problem files)


@dataclass
class ScriptJob(Job):
    """A :class:`Job` of kind ``python``: ``source`` defines ``grade``; ``payload`` is
    JSON text ``{"sample": ..., "item": ...}``."""

    payload: str = "{}"


# --- what a child sends back: one typed record per message kind, validated on arrival ---------------------
# A record's ``from_header`` takes whatever JSON the child sent and never raises: a field of the wrong type takes
# its default, a number is clamped, a string is cut to a bound, a list keeps only elements of the right type.
# The parts a message is made of (:class:`TensorMeta`, :class:`Spec`, :class:`CompileOutcome`) raise
# ``ValueError`` instead, and the message that holds them drops them or marks them malformed. The child builds
# its headers with ``to_header``, so one definition describes each message in both directions.
MAX_SPECS = 64  # launch specifications compiled per grading (and kept per message)
MAX_DIMS = 64  # dimensions of a tensor that crosses the channel
MAX_ITEMS = 256  # distinct names kept per list (refused events, torch ops, isolation layers)
NAME_CHARS = 80  # a refused event's name, a torch op's, an isolation layer's (the grader's flags carry them)
FIELD_CHARS = 1000  # a string in a launch specification, a kernel's label
ERROR_CHARS = 8000  # an error text the grader shows whole (its last characters are kept)
MAX_COUNT = 2**62  # launches, op counts and bytes moved are clamped here
TENSOR_DTYPES = frozenset({"float32", "float16", "bfloat16", "float64", "int64", "int32", "int16", "int8", "uint8",
                           "bool", "complex64", "complex128"})
KERNEL_STATS = ("registers", "spill_bytes", "shared_bytes", "num_warps", "occupancy", "global_loads_vector",
                "global_loads_scalar", "global_stores_vector", "global_stores_scalar")
_STAT_MAX = 2**31 - 1


def _text(value, limit: int, tail: bool = False) -> str:
    """``value`` as text (``str`` of anything else), cut to its first ``limit`` characters, or its last with
    ``tail``."""
    if not isinstance(value, str):
        try:
            value = str(value)
        except Exception:  # a structure nested too deep to print: its type says enough
            value = type(value).__name__
    return value[-limit:] if tail else value[:limit]


def _optional_text(header: dict, key: str, limit: int, tail: bool = False) -> str | None:
    """The text at ``key`` (see :func:`_text`), or None when the header has no such key."""
    return _text(header[key], limit, tail) if key in header else None


def _names(value, limit: int = NAME_CHARS, most: int = MAX_ITEMS) -> tuple[str, ...]:
    """The distinct strings of a list, in order, each cut to ``limit``, at most ``most`` of them; anything but a
    list gives none."""
    if not isinstance(value, list):
        return ()
    names = dict.fromkeys(item[:limit] for item in value if isinstance(item, str))
    return tuple(names)[:most]


def _count(value) -> int:
    """A non-negative integer, clamped to :data:`MAX_COUNT`; 0 for anything else (``bool`` included)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return 0
    return min(value, MAX_COUNT)


def _real(value) -> float | None:
    """A JSON number as a float (an integer too large for one becomes an infinity); None for anything else,
    ``bool`` included."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def _index(header: dict) -> int | None:
    value = header.get("index")
    return value if type(value) is int else None


def _header(kind: str, index: int | None = None, **fields) -> dict:
    """A header: its kind, its index where it has one, and the fields."""
    return {"type": kind, **({} if index is None else {"index": index}), **fields}


@dataclass(frozen=True)
class Envelope:
    """What the grader reads of every message first: its kind, its index (results of runs and of timing steps)
    and the audit events the answer's code was refused (each becomes a ``sandbox_denied:<what>`` flag).

    >>> Envelope.from_header({"type": "run", "index": True, "denied": ["ctypes", 7, "ctypes"]})
    Envelope(kind='run', index=None, denied=('ctypes',))
    """

    kind: str | None = None
    index: int | None = None
    denied: tuple[str, ...] = ()

    @classmethod
    def from_header(cls, header) -> "Envelope":
        if not isinstance(header, dict):
            return cls()
        kind = header.get("type")
        return cls(kind[:NAME_CHARS] if isinstance(kind, str) else None, _index(header),
                   _names(header.get("denied")))


@dataclass(frozen=True)
class Hello:
    """The child's first message, once confined: the isolation layers that took effect."""

    KIND: ClassVar[str] = "hello"
    isolation: tuple[str, ...] = ()

    @classmethod
    def from_header(cls, header) -> "Hello":
        return cls(_names(header.get("isolation"))) if isinstance(header, dict) else cls()

    def to_header(self) -> dict:
        return _header(self.KIND, isolation=list(self.isolation))


@dataclass(frozen=True)
class Done:
    """The child's last message: the job's secret, without which the session counts for nothing."""

    KIND: ClassVar[str] = "done"
    secret: str = ""

    @classmethod
    def from_header(cls, header) -> "Done":
        secret = header.get("secret") if isinstance(header, dict) else None
        return cls(secret if isinstance(secret, str) and len(secret) <= 256 else "")

    def to_header(self) -> dict:
        return _header(self.KIND, secret=self.secret)


@dataclass(frozen=True)
class ImportFailure:
    """Importing the answer raised (the first and only result of a run job)."""

    KIND: ClassVar[str] = "error"
    error: str = ""
    stage: str = "import"
    denied: tuple[str, ...] = ()

    @classmethod
    def from_header(cls, header) -> "ImportFailure":
        if not isinstance(header, dict):
            return cls()
        return cls(_text(header.get("error", ""), ERROR_CHARS, tail=True),
                   _text(header.get("stage", "import"), NAME_CHARS), _names(header.get("denied")))

    def to_header(self) -> dict:
        return _header(self.KIND, stage=self.stage, error=self.error, denied=list(self.denied))


@dataclass(frozen=True)
class TensorMeta:
    """What describes one raw tensor buffer: a dtype name and a shape.

    >>> TensorMeta.from_header({"dtype": "float32", "shape": [2, 3]})
    TensorMeta(dtype='float32', shape=(2, 3))
    """

    dtype: str
    shape: tuple[int, ...]

    @classmethod
    def from_header(cls, meta) -> "TensorMeta":
        """Raises:
            ValueError: Not a known dtype, or not a shape of at most :data:`MAX_DIMS` non-negative integers."""
        dtype = meta.get("dtype") if isinstance(meta, dict) else None
        shape = meta.get("shape") if isinstance(meta, dict) else None
        known = isinstance(dtype, str) and dtype in TENSOR_DTYPES
        if not known or not isinstance(shape, list) or len(shape) > MAX_DIMS or \
                not all(type(d) is int and d >= 0 for d in shape):
            raise ValueError(f"bad tensor metadata {_text(meta, 200)}")
        return cls(dtype, tuple(shape))

    def to_header(self) -> dict:
        return {"dtype": self.dtype, "shape": list(self.shape)}


def _metas(value) -> tuple[TensorMeta, ...] | None:
    """Tensor metadata from a list; None (malformed) for anything else or for one bad entry."""
    if not isinstance(value, list):
        return None
    try:
        return tuple(TensorMeta.from_header(meta) for meta in value)
    except ValueError:
        return None


@dataclass(frozen=True)
class Outputs:
    """What one forward call returned, as :func:`encode_outputs` describes it: metadata of the output buffers,
    then of the inputs' buffers after the call, the outputs that were not plain tensors (not sent), and whether an
    output shares memory with an input. ``tensors`` or ``inputs_after`` is None when the child's list was
    malformed (a protocol violation)."""

    tensors: tuple[TensorMeta, ...] | None = ()
    inputs_after: tuple[TensorMeta, ...] | None = ()
    not_plain: tuple[str, ...] = ()
    aliases_input: bool = False

    @classmethod
    def from_header(cls, header) -> "Outputs":
        if not isinstance(header, dict):
            return cls()
        return cls(_metas(header.get("outputs", [])), _metas(header.get("inputs_after", [])),
                   _names(header.get("not_plain"), FIELD_CHARS), header.get("aliases_input") is True)

    def to_header(self) -> dict:
        return {"outputs": [m.to_header() for m in self.tensors or ()],
                "inputs_after": [m.to_header() for m in self.inputs_after or ()],
                "not_plain": list(self.not_plain), "aliases_input": self.aliases_input}


@dataclass(frozen=True)
class Spec:
    """One launched kernel specialization, as the run child records it and the compile child compiles it: where
    the kernel is defined, its Triton signature and constexpr values, launch options, the arguments seen 16-byte
    aligned, and the fingerprint of the kernel that ran. Its dicts are read-only by convention."""

    module: str
    qualname: str
    signature: dict[str, str]
    constexprs: dict[str, int | float | bool | str | None]
    options: dict[str, int] = field(default_factory=dict)
    aligned: tuple[str, ...] = ()
    fingerprint: str = ""

    @classmethod
    def from_header(cls, spec) -> "Spec":
        """Raises:
            ValueError: Not a dict, a missing field, a signature or constexprs that is not a dict, or options
                that are not integers."""
        if not isinstance(spec, dict) or not {"module", "qualname", "signature", "constexprs"} <= spec.keys():
            raise ValueError("not a launch specification")
        signature, constexprs, options = spec["signature"], spec["constexprs"], spec.get("options") or {}
        if not (isinstance(signature, dict) and isinstance(constexprs, dict) and isinstance(options, dict)) or \
                not all(isinstance(v, int) for v in options.values()):
            raise ValueError("a launch specification's fields have the wrong types")
        fingerprint = spec.get("fingerprint")
        return cls(_text(spec["module"], FIELD_CHARS), _text(spec["qualname"], FIELD_CHARS),
                   {_text(k, FIELD_CHARS): _text(v, FIELD_CHARS) for k, v in signature.items()},
                   {_text(k, FIELD_CHARS): v[:FIELD_CHARS] if isinstance(v, str) else v
                    for k, v in constexprs.items() if isinstance(v, (int, float, bool, str, type(None)))},
                   {_text(k, FIELD_CHARS): max(-2**31, min(int(v), 2**31 - 1)) for k, v in options.items()},
                   _names(spec.get("aligned"), FIELD_CHARS),
                   fingerprint[:64] if isinstance(fingerprint, str) else "")

    @classmethod
    def all_of(cls, value) -> tuple["Spec", ...]:
        """The valid specifications of a list, in order, at most :data:`MAX_SPECS`; the rest is dropped."""
        specs = []
        for item in value if isinstance(value, list) else ():
            try:
                specs.append(cls.from_header(item))
            except ValueError:
                continue
            if len(specs) == MAX_SPECS:
                break
        return tuple(specs)

    def to_header(self) -> dict:
        return {"module": self.module, "qualname": self.qualname, "signature": dict(self.signature),
                "constexprs": dict(self.constexprs), "options": dict(self.options), "aligned": list(self.aligned),
                "fingerprint": self.fingerprint}


@dataclass(frozen=True)
class RunResult:
    """The result of one test run (``run``) or of the no-op ablation (``ablation``): the outputs, or the error
    it raised, with what the hooks saw: kernel launches, torch ops outside kernels (with counts), the launched
    specializations, and the bytes its kernels loaded and stored (under the interpreter)."""

    KINDS: ClassVar[tuple[str, ...]] = ("run", "ablation")
    kind: str = "run"
    index: int | None = None
    outputs: Outputs = Outputs()
    launches: int = 0
    ops: dict[str, int] = field(default_factory=dict)
    specs: tuple[Spec, ...] = ()
    bytes_loaded: int = 0
    bytes_stored: int = 0
    error: str | None = None
    out_of_bounds: bool = False
    compile_error: bool = False
    denied: tuple[str, ...] = ()

    @classmethod
    def from_header(cls, header) -> "RunResult":
        if not isinstance(header, dict):
            return cls()
        kind = header.get("type")
        return cls(kind if kind in cls.KINDS else "run", _index(header), Outputs.from_header(header),
                   _count(header.get("launches")), _ops(header.get("ops")), Spec.all_of(header.get("specs")),
                   _count(header.get("bytes_loaded")), _count(header.get("bytes_stored")),
                   _optional_text(header, "error", ERROR_CHARS, tail=True), header.get("out_of_bounds") is True,
                   header.get("compile_error") is True, _names(header.get("denied")))

    def to_header(self) -> dict:
        fields = {"launches": self.launches, "ops": dict(self.ops), "specs": [s.to_header() for s in self.specs],
                  "denied": list(self.denied)}
        if self.error is not None:
            fields.update(error=self.error, out_of_bounds=self.out_of_bounds, compile_error=self.compile_error)
        else:
            fields.update(self.outputs.to_header(), bytes_loaded=self.bytes_loaded, bytes_stored=self.bytes_stored)
        return _header(self.kind, self.index, **fields)


def _ops(value) -> dict[str, int]:
    """Torch op names (cut to :data:`NAME_CHARS`, at most :data:`MAX_ITEMS`) with their counts."""
    ops: dict[str, int] = {}
    for name, count in value.items() if isinstance(value, dict) else ():
        key = _text(name, NAME_CHARS)
        if key not in ops and len(ops) == MAX_ITEMS:
            break
        ops[key] = min(ops.get(key, 0) + _count(count), MAX_COUNT)
    return ops


@dataclass(frozen=True)
class CompileOutcome:
    """The compile check of one specialization: whether it compiled, the kernel's label, the compiler's error,
    and the static cost figures (:data:`KERNEL_STATS`, finite numbers only; None when none were sent)."""

    ok: bool = False
    kernel: str = ""
    error: str = ""
    stats: dict[str, int | float] | None = None

    @classmethod
    def from_header(cls, outcome) -> "CompileOutcome":
        """Raises:
            ValueError: Not a dict."""
        if not isinstance(outcome, dict):
            raise ValueError("not a compile outcome")
        stats = outcome.get("stats")
        return cls(outcome.get("ok") is True, _text(outcome.get("kernel", ""), FIELD_CHARS),
                   _text(outcome.get("error", ""), 1500, tail=True),
                   _stats(stats) if isinstance(stats, dict) else None)

    def to_header(self) -> dict:
        return {"ok": self.ok, "kernel": self.kernel, "error": self.error,
                **({} if self.stats is None else {"stats": dict(self.stats)})}


def _stats(stats: dict) -> dict[str, int | float]:
    """The known cost figures that are finite numbers, clamped to [0, 2**31 - 1]."""
    clean: dict[str, int | float] = {}
    for name in KERNEL_STATS:
        value = _real(stats.get(name))
        if value is not None and math.isfinite(value):
            number = stats[name]
            clean[name] = max(0, min(number, _STAT_MAX))
    return clean


@dataclass(frozen=True)
class Compiled:
    """The compile child's one result: an outcome per specialization it was sent, in order (one failed outcome
    when the answer could not be imported)."""

    KIND: ClassVar[str] = "compiled"
    results: tuple[CompileOutcome, ...] = ()
    denied: tuple[str, ...] = ()

    @classmethod
    def from_header(cls, header) -> "Compiled":
        if not isinstance(header, dict):
            return cls()
        results = header.get("results")
        outcomes = [CompileOutcome.from_header(r) for r in results if isinstance(r, dict)] \
            if isinstance(results, list) else []
        return cls(tuple(outcomes), _names(header.get("denied")))

    def to_header(self) -> dict:
        return _header(self.KIND, results=[r.to_header() for r in self.results], denied=list(self.denied))


@dataclass(frozen=True)
class Ready:
    """Timing: the child built the model for a timing case and called it once untimed; or the error it raised."""

    KIND: ClassVar[str] = "ready"
    index: int | None = None
    error: str | None = None

    @classmethod
    def from_header(cls, header) -> "Ready":
        if not isinstance(header, dict):
            return cls()
        return cls(_index(header), _optional_text(header, "error", 1500, tail=True))

    def to_header(self) -> dict:
        return _header(self.KIND, self.index, **({} if self.error is None else {"error": self.error}))


@dataclass(frozen=True)
class Timed:
    """Timing: the median milliseconds of the timed calls (None unless a positive finite number) and the kernel
    launches counted in them; or the error it raised."""

    KIND: ClassVar[str] = "timed"
    index: int | None = None
    median_ms: float | None = None
    launches: int = 0
    error: str | None = None

    @classmethod
    def from_header(cls, header) -> "Timed":
        if not isinstance(header, dict):
            return cls()
        median = _real(header.get("median_ms"))
        return cls(_index(header), median if median is not None and 0 < median < math.inf else None,
                   _count(header.get("launches")), _optional_text(header, "error", 1500, tail=True))

    def to_header(self) -> dict:
        fields = {"median_ms": self.median_ms, "launches": self.launches}
        return _header(self.KIND, self.index, **(fields if self.error is None else {"error": self.error}))


@dataclass(frozen=True)
class TimingOutputs:
    """Timing: the output of the last timed call; or the error it raised."""

    KIND: ClassVar[str] = "timing"
    index: int | None = None
    outputs: Outputs = Outputs()
    error: str | None = None

    @classmethod
    def from_header(cls, header) -> "TimingOutputs":
        if not isinstance(header, dict):
            return cls()
        return cls(_index(header), Outputs.from_header(header), _optional_text(header, "error", 1500, tail=True))

    def to_header(self) -> dict:
        fields = self.outputs.to_header() if self.error is None else {"error": self.error}
        return _header(self.KIND, self.index, **fields)


@dataclass(frozen=True)
class RecheckOutputs(TimingOutputs):
    """Timing: the output of one more call after the inputs were overwritten in place; or the error it raised."""

    KIND: ClassVar[str] = "timing_recheck"


TIMING_STEPS = {step.KIND: step for step in (Ready, Timed, TimingOutputs, RecheckOutputs)}  # in the order sent


@dataclass(frozen=True)
class Score:
    """The ``python`` job's one result: the number ``grade`` returned (None when the child sent none), the name
    of the type it returned instead, or the error it raised; and the Landlock layers that took effect."""

    KIND: ClassVar[str] = "score"
    score: float | None = None
    returned: str | None = None
    error: str | None = None
    isolation: tuple[str, ...] = ()

    @classmethod
    def from_header(cls, header) -> "Score":
        if not isinstance(header, dict):
            return cls()
        return cls(_real(header.get("score")), _optional_text(header, "returned", 100),
                   _optional_text(header, "error", 2000), _names(header.get("isolation")))

    def to_header(self) -> dict:
        fields = {key: value for key, value in (("score", self.score), ("returned", self.returned),
                                                ("error", self.error)) if value is not None}
        return _header(self.KIND, **fields, isolation=list(self.isolation))


def encode_outputs(output, inputs) -> tuple[Outputs, list[bytes]]:
    """Raw bytes of the outputs and of the inputs after the call, plus the facts the grader checks."""
    import torch

    outputs = list(output) if isinstance(output, (tuple, list)) else [output]
    tensors, inputs_after, not_plain, aliases_input = [], [], [], False
    buffers: list[bytes] = []
    input_ranges = [_storage_range(x) for x in inputs if type(x) is torch.Tensor]
    for i, out in enumerate(outputs):
        if type(out) is not torch.Tensor:
            not_plain.append(f"output {i} is {type(out).__name__}, not a plain torch.Tensor")
            continue
        if vars(out):  # methods replaced on the instance would run here, after forward, outside the op trace
            not_plain.append(f"output {i} carries instance attributes ({', '.join(sorted(vars(out))[:3])}), not a "
                             f"plain torch.Tensor")
            continue
        lo, hi = _storage_range(out)
        if torch.Tensor.numel(out) and any(lo < in_hi and in_lo < hi for in_lo, in_hi in input_ranges):
            aliases_input = True
        meta, raw = tensor_bytes(out)
        tensors.append(meta)
        buffers.append(raw)
    for x in inputs:
        if type(x) is torch.Tensor:
            meta, raw = tensor_bytes(x)
            inputs_after.append(meta)
            buffers.append(raw)
    return Outputs(tuple(tensors), tuple(inputs_after), tuple(not_plain), aliases_input), buffers


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
