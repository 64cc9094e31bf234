"""Small test cases for a problem file sized for a GPU, so that it grades under Triton's interpreter with no flags.

KernelBench files set their sizes as module constants (``batch_size = 16``, ``height = 2048``) chosen for a GPU:
graded as they are on CPU, one grading would take hours and tens of GB. A file without ``TEST_CASES`` gets its test
cases from :func:`derive_cases`: the integer constants that look like sizes are scaled down until the inputs,
parameters and outputs fit :data:`MAX_ELEMENTS`, and every candidate is validated by building the inputs and the
reference and running its forward (on the meta device first, then for real on the CPU), so a shape relation the
model needs (divisibility by groups or heads, a kernel within its input, a product of two sizes) is kept or the
candidate is dropped. Two ways of scaling are tried: one divisor for every size (ratios and products survive) and
one cap for every size (for files whose sizes differ by orders of magnitude); the largest valid case wins. Up to
three cases come back: that one, a variant with odd sizes where valid (masks and tails), and a smaller one.
"""
from __future__ import annotations

import math
from types import ModuleType
from typing import Any, Callable

from .seeds import callers_random_state

MAX_ELEMENTS = 1 << 17  # inputs and outputs of one case (and a quarter of the parameters), in elements
LARGE = 16  # integer constants from this value up are sizes; smaller ones (kernel sizes, strides, groups) are kept
_CAPS = (256, 192, 128, 96, 64, 48, 32, 24, 16, 12, 8, 6, 4)
_DIVISORS = tuple(2 ** k for k in range(1, 21))

Case = dict[str, Any]


def derive_cases(module: ModuleType, constants: set[str], overrides: Callable) -> list[Case] | None:
    """Test cases for ``module``, or None when its own sizes already fit or no small case is valid.

    Args:
        module: The imported problem file.
        constants: The names a case may set.
        overrides: ``overrides(case)``, a context manager that sets the module's constants for a while and puts
            tensors where the grader does.
    """
    sizes = {name: getattr(module, name) for name in sorted(constants)
             if _is_size(getattr(module, name)) or _is_batch(name, getattr(module, name))}
    if not sizes:
        return None
    measure = lambda case: _elements(module, case, overrides)  # noqa: E731
    own = measure({})
    if own is not None and own <= MAX_ELEMENTS:
        return None
    small = [v for name in constants for v in _ints(getattr(module, name)) if 1 < v < LARGE]
    candidates = []
    for keep in (small, []):  # keep multiples of the small constants, or not (the run decides what is valid)
        candidates += [_scaled(sizes, keep, divisor=d) for d in _DIVISORS]
        candidates += [_scaled(sizes, keep, cap=c) for c in _CAPS]
    best, best_size = None, -1
    for case in candidates:
        size = measure(case)
        if size is not None and best_size < size <= MAX_ELEMENTS:
            best, best_size = case, size
    if best is None:
        return None
    cases = [best]
    odd = {name: _odd(value) for name, value in best.items()}
    if odd != best and (size := measure(odd)) is not None and size <= MAX_ELEMENTS:
        cases.append(odd)
    smaller = _scaled(best, small, divisor=2)
    if smaller not in cases and measure(smaller) is not None:
        cases.append(smaller)
    return cases


def _is_batch(name: str, value) -> bool:
    """A batch size: shrinks whatever its value (it never shapes the computation)."""
    return "batch" in name.lower() and isinstance(value, int) and not isinstance(value, bool) and value > 2


def _is_size(value) -> bool:
    return any(v >= LARGE for v in _ints(value))


def _ints(value) -> list[int]:
    if isinstance(value, bool):
        return []
    if isinstance(value, int):
        return [value]
    if isinstance(value, tuple):
        return [v for v in value if isinstance(v, int) and not isinstance(v, bool)]
    return []


def _scaled(sizes: Case, small: list[int], divisor: int = 1, cap: int | None = None) -> Case:
    return {name: _map_ints(value, lambda v: _shrink(v, small, divisor, cap)) for name, value in sizes.items()}


def _map_ints(value, function):
    if isinstance(value, tuple):
        return tuple(function(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in value)
    return function(value)


def _shrink(value: int, small: list[int], divisor: int, cap: int | None) -> int:
    """``value`` scaled down, kept a multiple of the small constants that divide it (groups, heads)."""
    if value < LARGE:
        return value if value <= 2 else max(2, value // 4)  # only batch sizes get here
    new = max(1, value // divisor if value % divisor == 0 else round(value / divisor))
    if cap is not None:
        new = min(new, cap)
    step = math.lcm(*[k for k in small if value % k == 0] or [1])
    return max(step, new // step * step)


def _odd(value):
    return _map_ints(value, lambda v: v + 1 if v >= 4 and v % 2 == 0 else v)


def _elements(module: ModuleType, case: Case, overrides: Callable) -> int | None:
    """Elements of the inputs, parameters and outputs of ``case``, or None where the reference cannot build or
    run it. Measured on meta tensors; run for real on the CPU only when that is small (a meta run misses value
    checks, and a few ops have no meta kernel)."""
    with callers_random_state():
        return _counted_elements(module, case, overrides)


def _counted_elements(module: ModuleType, case: Case, overrides: Callable) -> int | None:
    import torch

    try:
        with overrides(case), torch.device("meta"):
            torch.manual_seed(0)
            inputs = _count(list(module.get_inputs()))
    except Exception:
        return None
    if inputs > MAX_ELEMENTS:
        return inputs
    try:
        with overrides(case), torch.device("meta"):
            torch.manual_seed(0)
            elements = _run(module)
        if elements > MAX_ELEMENTS:
            return elements
    except Exception:
        pass  # no meta kernel for some op: the real run below decides
    try:
        with overrides(case):
            torch.manual_seed(0)
            return _run(module)
    except Exception:
        return None


def _count(values) -> int:
    import torch

    return sum(v.numel() for v in values if isinstance(v, torch.Tensor))


def _run(module: ModuleType) -> int:
    import torch

    init_inputs, inputs = list(module.get_init_inputs()), list(module.get_inputs())
    model = module.Model(*init_inputs)
    with torch.no_grad():
        out = model(*inputs)
    outputs = out if isinstance(out, (tuple, list)) else [out]
    parameters = sum(p.numel() for p in model.parameters())  # they do not shrink with the sizes: counted at 1/4
    return _count(inputs) + _count(outputs) + parameters // 4
