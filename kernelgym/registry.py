"""A flat registry of environment ids: ``kernelgym.make(env_id, **kwargs)`` and ``kernelgym.list_envs()``.

Ids follow Gymnasium's ``namespace/name-vN`` form, and the version is bumped when a task or its grader changes:

- ``kernelgym/kernel-v0``: any problem file, ``make("kernelgym/kernel-v0", problem=PATH)``;
- ``kernelgym/kernels-v0``: a whole folder, ``make("kernelgym/kernels-v0", problems=DIR, split="train")``
  (default: the built-in suite);
- one id per built-in problem, ``kernelgym/level1-softmax-v0`` for ``problems/level1/03_softmax.py``;
- environments registered by other modules with :func:`register` (the text environments, for example);
- a path to a YAML or JSON environment spec, ``make("path/to/spec.yaml")``, where spec support is installed.

``make`` returns the environment itself, with no wrappers added.
"""
from __future__ import annotations

import importlib
import re
import threading
from pathlib import Path
from typing import Any, Callable

_factories: dict[str, Callable[..., Any]] = {}
_lock = threading.Lock()
_loaded = False

# Modules that register environments when imported (kept lazy: importing kernelgym costs nothing).
PLUGIN_MODULES: list[str] = ["kernelgym.envs.toy", "kernelgym.envs.countdown", "kernelgym.envs.maths",
                             "kernelgym.envs.multilabel", "kernelgym.envs.ifeval"]


def builtin_problems() -> Path:
    """The folder of the built-in problem suite (``problems/`` of the checkout, or of the installed package)."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "problems", here / "problems"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("the built-in problems/ folder is missing from this installation")


def register(env_id: str, factory: Callable[..., Any], override: bool = False) -> None:
    """Register a factory (a class or function returning an environment) under ``env_id``.

    Raises:
        ValueError: The id is malformed, or already taken and ``override`` is False.
    """
    if not re.fullmatch(r"[\w.-]+/[\w.-]+-v\d+", env_id):
        raise ValueError(f"environment ids look like 'namespace/name-v0', not {env_id!r}")
    with _lock:
        if env_id in _factories and not override:
            raise ValueError(f"{env_id} is already registered")
        _factories[env_id] = factory


def problem_env_id(level: int | None, name: str) -> str:
    """The id of one built-in problem: ``03_softmax`` at level 1 -> ``kernelgym/level1-softmax-v0``.

    >>> problem_env_id(1, "03_softmax")
    'kernelgym/level1-softmax-v0'
    """
    stem = re.sub(r"^\d+_", "", name).replace("_", "-")
    return f"kernelgym/level{level}-{stem}-v0" if level else f"kernelgym/{stem}-v0"


def _load() -> None:
    global _loaded
    if _loaded:
        return
    from .envs.kernel import KernelEnv
    from .problem import discover, level_of

    _loaded = True
    register("kernelgym/kernel-v0", KernelEnv, override=True)
    register("kernelgym/kernels-v0", _suite_env, override=True)
    try:
        root = builtin_problems()
    except FileNotFoundError:
        root = None
    for path in discover(root) if root else []:
        env_id = problem_env_id(level_of(path), path.stem)
        if env_id not in _factories:
            register(env_id, _problem_factory(path, env_id))
    for module in PLUGIN_MODULES:
        importlib.import_module(module)


def _suite_env(problems: str | Path | None = None, **kwargs):
    from .envs.kernel import KernelEnv

    return KernelEnv(problems=problems or builtin_problems(), env_id="kernelgym/kernels-v0", **kwargs)


def _problem_factory(path: Path, env_id: str):
    def factory(**kwargs):
        from .envs.kernel import KernelEnv

        return KernelEnv(problem=path, env_id=env_id, **kwargs)

    factory.__doc__ = f"The built-in problem {path.parent.name}/{path.name}."
    return factory


def list_envs() -> list[str]:
    """Every registered environment id, sorted."""
    _load()
    return sorted(_factories)


def make(env_id: str, **kwargs):
    """Build an environment from its id (or from the path of a YAML/JSON spec).

    Raises:
        KeyError: Unknown id; the message lists close matches.
    """
    _load()
    if env_id.endswith((".yaml", ".yml", ".json")):
        from .envs.spec import make_from_spec

        return make_from_spec(env_id, **kwargs)
    if env_id not in _factories:
        import difflib

        close = difflib.get_close_matches(env_id, list(_factories), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else "; kernelgym.list_envs() lists them"
        raise KeyError(f"no environment {env_id!r}{hint}")
    return _factories[env_id](**kwargs)
