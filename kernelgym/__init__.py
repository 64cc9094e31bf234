"""KernelGym: Gym-style environments, an honest sandboxed grader and a benchmark harness for Triton kernels.

Importing the package registers every environment id with Gymnasium (names only), so ``gymnasium.make`` knows
them; ``make``, ``list_envs`` and ``register`` load their modules on first use.

>>> import gymnasium
>>> import kernelgym
>>> "kernelgym/kernel-v0" in kernelgym.list_envs() and "kernelgym/kernel-v0" in gymnasium.registry
True
"""
from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["make", "list_envs", "register"]


def __getattr__(name: str):
    if name in __all__:
        from . import registry

        return getattr(registry, name)
    raise AttributeError(f"module 'kernelgym' has no attribute {name!r}")


def _register_with_gymnasium() -> None:
    from .registry import register_with_gymnasium

    register_with_gymnasium()


_register_with_gymnasium()
