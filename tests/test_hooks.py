"""The launch hooks' per-kernel cache: the signature and fingerprint are computed once per kernel object, and
again whenever a binding the fingerprint walked changes; while timing, launches are counted and not recorded."""
import importlib.util
import sys
import textwrap

import pytest

from kernelgym.sandbox import hooks as hooks_module
from kernelgym.sandbox.hooks import Instrumentation, kernel_fingerprint

KERNELS = textwrap.dedent('''
    import triton
    import triton.language as tl


    @triton.jit
    def helper(x):
        return x + 1


    @triton.jit
    def other_helper(x):
        return x + 2


    @triton.jit
    def kernel(x_ptr, n, BLOCK: tl.constexpr):
        offs = tl.arange(0, BLOCK)
        tl.store(x_ptr + offs, helper(tl.load(x_ptr + offs, mask=offs < n)), mask=offs < n)
''')


@pytest.fixture
def kernels(tmp_path):
    path = tmp_path / "hooked_kernels.py"
    path.write_text(KERNELS)
    spec = importlib.util.spec_from_file_location("hooked_kernels", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["hooked_kernels"] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop("hooked_kernels", None)


def test_fingerprint_and_signature_are_cached_per_kernel(kernels, monkeypatch):
    hooks = Instrumentation()
    first = hooks.kernel_info(kernels.kernel)
    calls = []
    real = hooks_module.kernel_fingerprint
    monkeypatch.setattr(hooks_module, "kernel_fingerprint", lambda *a: calls.append(1) or real(*a))
    assert hooks.kernel_info(kernels.kernel) is first and calls == []
    assert first.fingerprint == kernel_fingerprint(kernels.kernel)
    assert list(first.signature.parameters) == ["x_ptr", "n", "BLOCK"]


def test_rebinding_a_helper_recomputes_the_fingerprint(kernels):
    """As strict as hashing on every launch: a helper swapped after the first launch changes the fingerprint."""
    hooks = Instrumentation()
    before = hooks.kernel_info(kernels.kernel).fingerprint
    kernels.helper = kernels.other_helper
    after = hooks.kernel_info(kernels.kernel)
    assert after.fingerprint != before and after.fingerprint == kernel_fingerprint(kernels.kernel)
    kernels.other_helper.fn.__code__ = (lambda x: x + 3).__code__  # a code object swapped in place
    assert hooks.kernel_info(kernels.kernel).fingerprint not in (before, after.fingerprint)


def test_timing_counts_launches_without_recording_them(kernels):
    class Launcher:
        def run(self, *args, grid, warmup, **kwargs):
            return grid

    kernels.kernel.pre_run_hooks = []
    hooks = Instrumentation()
    hooks._wrap_run(Launcher)
    assert Launcher.run(kernels.kernel, None, 4, grid=(1,), warmup=False, BLOCK=16) == (1,)
    log = hooks.reset()
    assert log.launches == 1 and len(log.specs) == 1 and log.specs[0]["fingerprint"]
    hooks.timing = True
    for _ in range(3):
        Launcher.run(kernels.kernel, None, 4, grid=lambda meta: (meta["n"],), warmup=False, BLOCK=16)
    log = hooks.reset()
    assert log.launches == 3 and log.specs == []
