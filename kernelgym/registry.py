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

# Environments that modules register when imported, by id: their ids are known (to Gymnasium too) without
# importing the modules, which load on first use.
PLUGIN_ENVS: dict[str, str] = {
    "kernelgym/repeat-digit-v0": "kernelgym.envs.toy",
    "kernelgym/countdown-v0": "kernelgym.envs.countdown",
    "kernelgym/math-v0": "kernelgym.envs.maths",
    "kernelgym/multilabel-v0": "kernelgym.envs.multilabel",
    "kernelgym/ifeval-v0": "kernelgym.envs.ifeval",
    "kernelgym/kernel-cloze-v0": "kernelgym.envs.cloze",
}
PLUGIN_MODULES: list[str] = list(dict.fromkeys(PLUGIN_ENVS.values()))


def builtin_problems() -> Path:
    """The folder of the built-in problem suite (``problems/`` of the checkout, or of the installed package)."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "problems", here / "problems"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("the built-in problems/ folder is missing from this installation")


def default_problems() -> Path:
    """The suite a command uses when none is named: ``./problems`` where there is one (a checkout), else the
    built-in suite of the installed package."""
    local = Path("problems")
    return local if local.is_dir() else builtin_problems()


def register(env_id: str, factory: Callable[..., Any], override: bool = False) -> None:
    """Register a factory (a class or function returning an environment) under ``env_id``.

    Raises:
        ValueError: The id is malformed, or already taken and ``override`` is False.
    """
    from .envs.core import env_id_problem

    if env_id_problem(env_id):
        raise ValueError(env_id_problem(env_id))
    with _lock:
        if env_id in _factories and not override:
            raise ValueError(f"{env_id} is already registered")
        _factories[env_id] = factory
    _to_gymnasium(env_id)


def _make_spec_env(path: str | Path, **kwargs):
    """The environment of a spec file; a spec with an ``id`` is registered under it, so that the id makes it again."""
    from .envs.spec import make_from_spec

    env = make_from_spec(path, **kwargs)
    if env.spec.register_id is not None:
        spec_path = env.spec.path

        def factory(**kwargs):
            return make_from_spec(spec_path, **kwargs)

        factory.__doc__ = f"The environment of the spec {spec_path}."
        register(env.spec.register_id, factory, override=True)
    return env


def register_with_gymnasium() -> None:
    """Make every KernelGym id known to Gymnasium, so that ``gymnasium.make(env_id)`` works after ``import
    kernelgym``. Only names are registered: each entry point is :func:`make` for its id, so no environment module
    is imported and no problem file is read until Gymnasium makes one. Ids registered later with
    :func:`register` join them."""
    ids = ["kernelgym/kernel-v0", "kernelgym/kernels-v0", *PLUGIN_ENVS]
    try:
        from .problem import discover, level_of

        ids += [problem_env_id(level_of(path), path.stem) for path in discover(builtin_problems())]
    except (FileNotFoundError, OSError):
        pass  # no built-in suite in this installation: only the other ids
    for env_id in ids:
        _to_gymnasium(env_id)


def _to_gymnasium(env_id: str) -> None:
    import functools

    from gymnasium.envs.registration import register as gymnasium_register, registry as gymnasium_registry

    if env_id not in gymnasium_registry:
        gymnasium_register(id=env_id, entry_point=functools.partial(make, env_id))


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

    _check_arguments("kernelgym/kernels-v0", KernelEnv, kwargs, fixed=("problem", "env_id"))
    return KernelEnv(problems=problems or builtin_problems(), env_id="kernelgym/kernels-v0", **kwargs)


def _problem_factory(path: Path, env_id: str):
    def factory(**kwargs):
        from .envs.kernel import KernelEnv

        _check_arguments(env_id, KernelEnv, kwargs, fixed=("problem", "problems", "env_id"))
        return KernelEnv(problem=path, env_id=env_id, **kwargs)

    factory.__doc__ = f"The built-in problem {path.parent.name}/{path.name}."
    return factory


def list_envs() -> list[str]:
    """Every registered environment id, sorted."""
    _load()
    return sorted(_factories)


def make(env_id: str, *, url: str | None = None, token: str | None = None, **kwargs):
    """Build an environment from its id (or from the path of a YAML/JSON spec); with ``url``, connect to that id
    on a ``kernelgym serve`` server instead (:class:`kernelgym.serve.client.RemoteEnv`, the same API; the
    environment's arguments are the server's, ``token`` its bearer token).

    Raises:
        KeyError: Unknown id; the message lists close matches.
        TypeError: An argument the environment does not take; the message lists those it takes.
        ValueError: A bad value, such as a split that does not exist; the message lists the valid ones.
    """
    if url is not None:
        if kwargs:
            raise TypeError(f"a served environment takes its arguments from the server, not from make(): "
                            f"{', '.join(sorted(kwargs))}; pass them to `kernelgym serve '{env_id}?KEY=VALUE'`")
        from .serve.client import RemoteEnv

        return RemoteEnv(env_id, url, token=token)
    if token is not None:
        raise TypeError("token= goes with url=, for a served environment")
    _load()
    if env_id.endswith((".yaml", ".yml", ".json")):
        return _make_spec_env(env_id, **kwargs)
    if env_id not in _factories:
        import difflib

        close = difflib.get_close_matches(env_id, list(_factories), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else "; kernelgym.list_envs() lists them"
        raise KeyError(f"no environment {env_id!r}{hint}")
    factory = _factories[env_id]
    _check_arguments(env_id, factory, kwargs)
    return factory(**kwargs)


def _check_arguments(env_id: str, factory: Callable[..., Any], kwargs: dict[str, Any], fixed: tuple = ()) -> None:
    """Refuse keyword arguments that ``factory`` does not take (or that are ``fixed`` by the id), naming the ones
    it does."""
    import inspect

    try:
        parameters = inspect.signature(factory).parameters
    except (TypeError, ValueError):
        return
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
        return  # it passes them on; the environment itself checks them
    allowed = [name for name, p in parameters.items()
               if p.kind is not inspect.Parameter.VAR_POSITIONAL and name not in fixed]
    unknown = sorted(set(kwargs) - set(allowed))
    if unknown:
        takes = ", ".join(allowed)
        raise TypeError(f"{env_id} takes no argument {', '.join(map(repr, unknown))}; it takes: {takes or 'none'}")


def parse_env_argument(text: str) -> tuple[str, dict[str, Any]]:
    """Read ``ID[?KEY=VALUE[&KEY=VALUE...]]``: an id (or spec path) and keyword arguments of :func:`make`, values
    as JSON (``1``, ``0.5``, ``true``) or else text.

    >>> parse_env_argument("kernelgym/countdown-v0?difficulty=1&use_all=true")
    ('kernelgym/countdown-v0', {'difficulty': 1, 'use_all': True})

    Raises:
        ValueError: An argument is not ``KEY=VALUE``.
    """
    import json

    env_id, _, query = text.partition("?")
    kwargs: dict[str, Any] = {}
    for pair in query.split("&") if query else []:
        key, equals, value = pair.partition("=")
        if not key.isidentifier() or not equals:
            raise ValueError(f"{text!r}: expected KEY=VALUE after '?', not {pair!r}")
        try:
            kwargs[key] = json.loads(value)
        except ValueError:
            kwargs[key] = value
    return env_id, kwargs
