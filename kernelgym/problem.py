"""Problem files: KernelBench's format, plus optional KernelGym metadata.

A problem is one Python file with ``class Model(nn.Module)``, ``get_inputs()`` and ``get_init_inputs()``, exactly as
in KernelBench, so a KernelBench file loads unchanged. KernelGym reads these optional module-level names:

- the module docstring, shown in the prompt;
- ``ATOL`` / ``RTOL``: tolerances (default 1e-3 each);
- ``TEST_CASES``: a list of dicts, each overriding module-level constants before ``get_inputs()`` and
  ``get_init_inputs()`` are called (small shapes for correctness; default: the constants as they are);
- ``TIMING_CASES``: the same for GPU timing (default: the constants as they are);
- ``TIMING_ATOL`` / ``TIMING_RTOL``: tolerances at the timing shapes, where long reductions in another order and
  TF32 ``tl.dot`` (or TF32 convolutions in the eager reference) drift further (default: ``ATOL`` / ``RTOL``);
- ``TAGS``: a list of strings.

Seeding (as KernelBench does): for a test case and a seed, the grader calls ``torch.manual_seed(seed)`` before
``get_init_inputs()``, before ``get_inputs()``, before ``Model(*init_inputs)`` and, in the sandbox, before
``ModelNew(*init_inputs)``. A ``ModelNew`` that creates the same parameters in the same order therefore gets the same
values as ``Model``. The caller's random state is restored afterwards: grading in a training process does not
reseed its sampling.

Problem files are trusted: they run in the grader's process. Candidate answers never do.
"""
from __future__ import annotations

import ast
import contextlib
import hashlib
import importlib.util
import threading
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from . import safe_ast
from .seeds import callers_random_state

DEFAULT_ATOL = 1e-3
DEFAULT_RTOL = 1e-3
SOLUTION_SUFFIX = "_solution"

# Held while module constants are overridden and while torch's global RNG is seeded and drawn from: problems are
# shared between threads, and two threads drawing at once would interleave their draws (a reference built with
# other weights or inputs than the sandbox's ModelNew gets). Reentrant: instantiate holds it around _Overrides.
_module_lock = threading.RLock()


class ProblemError(ValueError):
    """A problem file is malformed; the message says what to fix."""


@dataclass
class Problem:
    """One loaded problem file.

    Attributes:
        name: The file's stem, e.g. ``03_softmax``.
        path: Path of the problem file.
        source: Its text (shown in prompts).
        docstring: The module docstring ("" if none).
        level: 1, 2 or 3 when the file lives in a ``levelN`` folder, else None.
        atol: Absolute tolerance.
        rtol: Relative tolerance.
        timing_atol: Absolute tolerance at the timing shapes.
        timing_rtol: Relative tolerance at the timing shapes.
        cases_origin: Where ``test_cases`` come from: the file's ``TEST_CASES``, derived for CPU from a file
            without them (:mod:`kernelgym.cpu_shapes`), ``--set`` overrides, or the file's own sizes.
        test_cases: Constant overrides for correctness runs.
        timing_cases: Constant overrides for GPU timing runs.
        tags: Free-form tags such as ``matmul``.
    """

    name: str
    path: Path
    source: str
    docstring: str
    level: int | None
    atol: float
    rtol: float
    test_cases: list[dict[str, Any]]
    timing_cases: list[dict[str, Any]]
    tags: list[str]
    module: ModuleType = field(repr=False)
    timing_atol: float | None = None  # None: atol
    timing_rtol: float | None = None  # None: rtol
    cases_origin: str = "TEST_CASES"  # or "derived for CPU", "--set", "the file's own sizes"

    @property
    def timing_tolerances(self) -> tuple[float, float]:
        """``(atol, rtol)`` at the timing shapes."""
        return (self.atol if self.timing_atol is None else self.timing_atol,
                self.rtol if self.timing_rtol is None else self.timing_rtol)

    @property
    def solution_path(self) -> Path:
        """Where the reference solution of this problem lives (it may not exist)."""
        return self.path.with_name(self.path.stem + SOLUTION_SUFFIX + ".py")

    @property
    def split(self) -> str:
        """``train``, ``validation`` or ``test``; an explicit ``SPLIT`` in the file wins, else a hash of the key.

        The hash makes the assignment stable across releases (adding problems never moves existing ones):
        70% train, 15% validation, 15% test.
        """
        explicit = getattr(self.module, "SPLIT", None)
        if explicit is not None:
            return str(explicit)
        return split_of(self.key)

    @property
    def key(self) -> str:
        """A stable identifier: ``level1/03_softmax``, or the stem outside a level folder."""
        return f"level{self.level}/{self.name}" if self.level else self.name

    def instantiate(self, case: dict[str, Any], seed: int) -> tuple[list, list]:
        """Build ``(init_inputs, inputs)`` for one test case and seed, seeding torch as KernelBench does.

        Thread-safe: the constant overrides, the seeding and both draws happen under one lock."""
        import torch

        with _module_lock, callers_random_state(), self._constants(case), placement():
            torch.manual_seed(seed)
            init_inputs = list(self.module.get_init_inputs())
            torch.manual_seed(seed)
            inputs = list(self.module.get_inputs())
        return init_inputs, inputs

    def build_model(self, init_inputs: list, seed: int):
        """Construct the reference ``Model`` with the seed used for ``ModelNew``.

        Thread-safe: the seeding and the construction (which draws the parameters) happen under one lock; the
        forward pass needs none."""
        import torch

        with _module_lock, callers_random_state(), placement():
            torch.manual_seed(seed)
            return self.module.Model(*init_inputs)

    def _constants(self, case: dict[str, Any]):
        return _Overrides(self.module, case)


def placement():
    """Where a problem file's tensors go: on a machine without CUDA, a device named ``cuda`` (``.cuda()``,
    ``device="cuda"``) means the CPU, so files written for a GPU load; elsewhere nothing changes. Wrap a reference
    ``forward`` in it too."""
    import contextlib

    import torch

    if torch.cuda.is_available():
        return contextlib.nullcontext()
    from .sandbox.cuda_on_cpu import cpu_placement

    return cpu_placement()


@contextlib.contextmanager
def _placed(context):
    """``context`` entered together with :func:`placement`."""
    with context, placement():
        yield


def reference_outputs(model, inputs: list) -> list:
    """The reference model's outputs for ``inputs``, as a list of tensors: without autograd, with the problem's
    :func:`placement`, on copies of the inputs (a ``forward`` that writes to its inputs leaves the caller's
    alone). The one way grading, timing and ``kernelgym check`` compute what an answer must match."""
    import torch

    with torch.no_grad(), placement():
        out = model(*[x.clone() if isinstance(x, torch.Tensor) else x for x in inputs])
    return [t.detach() if isinstance(t, torch.Tensor) else t for t in (out if isinstance(out, (tuple, list))
                                                                       else [out])]


class _Overrides:
    """Temporarily set module constants (under the reentrant module lock: modules are shared between threads)."""

    def __init__(self, module: ModuleType, case: dict[str, Any]):
        self.module, self.case, self.saved = module, case, {}

    def __enter__(self):
        _module_lock.acquire()
        for name, value in self.case.items():
            self.saved[name] = getattr(self.module, name)
            setattr(self.module, name, value)

    def __exit__(self, *exc):
        for name, value in self.saved.items():
            setattr(self.module, name, value)
        _module_lock.release()


def load_problem(path: str | Path, overrides: dict[str, Any] | None = None) -> Problem:
    """Load and validate a problem file.

    Args:
        path: A KernelBench-format Python file.
        overrides: Constant overrides applied to every test case (for example smaller sizes for a CPU smoke run of
            a GPU-sized suite); names the file does not define are ignored, so one set fits a whole suite.

    Raises:
        ProblemError: The file is missing, does not parse, or lacks ``Model``/``get_inputs``/``get_init_inputs``, or
            its metadata is malformed.
    """
    path = Path(path)
    if not path.is_file():
        raise ProblemError(f"{path}: no such problem file")
    source = path.read_text()
    try:
        tree = safe_ast.parse(source, filename=str(path))
    except SyntaxError as exc:
        raise ProblemError(f"{path}:{exc.lineno}: syntax error: {exc.msg}") from None
    module = _import_file(path, source)
    for name in ("Model", "get_inputs", "get_init_inputs"):
        if not hasattr(module, name):
            raise ProblemError(f"{path}: defines no `{name}` (a KernelBench problem needs Model, get_inputs, "
                               f"get_init_inputs)")
    constants = _constants_of(module)
    applicable = {k: v for k, v in (overrides or {}).items() if k in constants}
    test_cases = _cases(path, module, "TEST_CASES", constants, applicable)
    origin = "TEST_CASES" if hasattr(module, "TEST_CASES") else "--set" if applicable else "the file's own sizes"
    if origin == "the file's own sizes":
        from .cpu_shapes import derive_cases

        derived = derive_cases(module, constants, lambda case: _placed(_Overrides(module, case)))
        if derived:
            test_cases, origin = derived, "derived for CPU"
    timing_cases = _cases(path, module, "TIMING_CASES", constants, {})
    level = level_of(path)
    return Problem(
        name=path.stem,
        path=path.resolve(),
        source=source,
        docstring=ast.get_docstring(tree) or "",
        level=level,
        atol=float(getattr(module, "ATOL", DEFAULT_ATOL)),
        rtol=float(getattr(module, "RTOL", DEFAULT_RTOL)),
        test_cases=test_cases,
        timing_cases=timing_cases,
        tags=[str(tag) for tag in getattr(module, "TAGS", [])],
        module=module,
        timing_atol=_optional_float(module, "TIMING_ATOL"),
        timing_rtol=_optional_float(module, "TIMING_RTOL"),
        cases_origin=origin,
    )


def _optional_float(module: ModuleType, name: str) -> float | None:
    value = getattr(module, name, None)
    return None if value is None else float(value)


def _import_file(path: Path, source: str) -> ModuleType:
    digest = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:12]
    spec = importlib.util.spec_from_file_location(f"kernelgym_problem_{path.stem}_{digest}", path)
    module = importlib.util.module_from_spec(spec)
    try:
        exec(compile(source, str(path), "exec"), module.__dict__)
    except Exception as exc:  # a broken problem file is the user's error, reported plainly
        raise ProblemError(f"{path}: importing the problem failed: {type(exc).__name__}: {exc}") from exc
    return module


def _cases(path: Path, module: ModuleType, attr: str, constants: set[str], overrides: dict) -> list[dict]:
    cases = getattr(module, attr, [{}])
    if not isinstance(cases, (list, tuple)) or not cases or not all(isinstance(c, dict) for c in cases):
        raise ProblemError(f"{path}: {attr} must be a non-empty list of dicts of constant overrides")
    out = []
    for case in cases:
        case = {**case, **overrides}
        unknown = sorted(set(case) - constants)
        if unknown:
            raise ProblemError(f"{path}: {attr} overrides {unknown}, which are not module-level constants "
                               f"(numbers, strings or tuples assigned at the top of the file)")
        out.append(case)
    return out


_METADATA = {"ATOL", "RTOL", "TIMING_ATOL", "TIMING_RTOL", "TEST_CASES", "TIMING_CASES", "TAGS", "SPLIT"}


def _constants_of(module: ModuleType) -> set[str]:
    """Module-level names a test case may override: plain values such as ``N = 4096`` or KernelBench's
    ``batch_size = 16`` (not functions, classes, modules or KernelGym's own metadata)."""
    return {name for name, value in vars(module).items()
            if not name.startswith("_") and name not in _METADATA
            and isinstance(value, (int, float, bool, str, tuple))}


def level_of(path: Path) -> int | None:
    """The N of a file in a ``levelN`` folder, else None."""
    parent = path.resolve().parent.name
    if parent.startswith("level") and parent[5:].isdigit():
        return int(parent[5:])
    return None


SPLITS = ("train", "validation", "test")


def split_of(key: str, validation: float = 0.15, test: float = 0.15) -> str:
    """Stable split for a key (a problem key, a row id): the first 8 hex digits of its SHA-256, bucketed.

    The bucket is the hash modulo 100 (the percent), refined by the next four decimal digits of the hash, so the
    default 70/15/15 (and any whole-percent fractions) reads the percent alone, and other fractions resolve to
    1e-6.

    Args:
        key: What the split is a stable function of.
        validation: The share of keys in ``validation``.
        test: The share of keys in ``test`` (the rest are ``train``).

    >>> split_of("level1/03_softmax") in SPLITS
    True
    >>> split_of("row-00001", 0.0, 0.0)
    'train'
    """
    digest = int(hashlib.sha256(key.encode()).hexdigest()[:8], 16)
    bucket = (digest % 100) * 10_000 + digest // 100 % 10_000  # in [0, 1_000_000)
    if bucket < round((1 - validation - test) * 1_000_000):
        return "train"
    return "validation" if bucket < round((1 - test) * 1_000_000) else "test"


def is_problem_file(path: Path) -> bool:
    """True for ``*.py`` files that are problems (not solutions, not private helpers)."""
    return (path.suffix == ".py" and not path.stem.endswith(SOLUTION_SUFFIX)
            and not path.name.startswith(("_", ".")))


def discover(root: str | Path) -> list[Path]:
    """All problem files under ``root`` (a file, or a folder searched recursively), sorted."""
    root = Path(root)
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise ProblemError(f"{root}: no such file or folder")
    return sorted(p for p in root.rglob("*.py") if is_problem_file(p))
