"""Compile-check outcomes kept by the grader, one per kernel specialization, shared by answers with the same kernel.

The compile check (CPU machines) compiles every kernel specialization an answer launched for a real GPU target in a
sandboxed child. Its outcome depends on the kernel's code, on whatever the kernel reaches (helper ``@triton.jit``
functions, module constants, anything the module does when imported), on the specialization and on the target, not
on the rest of the answer. :func:`kernel_key` computes that dependency from the answer's text, in the trusted
process, with :mod:`ast`: the module with the body of every function that can neither run on import nor be reached
from the kernel blanked out. Two samples of a GRPO group that differ only in ``ModelNew.forward`` therefore share
their kernel's check; a changed helper, constant, decorator or class body does not.

The cache lives in the grader's process, never in a directory a sandboxed child could write: a shared on-disk
Triton cache would let one answer plant a fake "compiled" artifact for another. The specialization recorded by the
run child (untrusted) is part of the key, so a child that lies about it only misses the cache.
"""
from __future__ import annotations

import ast
import collections
import copy
import hashlib
import json
import threading

from . import safe_ast
from .sandbox.protocol import CompileOutcome, Spec

# Names through which code can reach a function without naming it: where kept code uses any of them, nothing is
# blanked out and the key is the whole answer.
_INDIRECT_NAMES = frozenset({"globals", "locals", "vars", "eval", "exec", "compile", "getattr", "setattr", "delattr",
                             "__import__", "__builtins__", "sys", "inspect", "importlib", "builtins", "__name__",
                             "__dict__", "__globals__", "__code__", "__class__", "__subclasses__", "super"})

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def kernel_key(source: str, qualname: str) -> str:
    """A digest of everything in ``source`` that the kernel ``qualname``'s compiled code can depend on.

    Args:
        source: The answer's Python source.
        qualname: The kernel's qualified name in the module (``my_kernel`` or ``Holder.my_kernel``).

    Returns:
        A hex digest; the digest of the whole source where the answer does not parse, the kernel is not a top-level
        definition, or kept code reaches names indirectly (``globals()``, ``getattr`` ...).
    """
    try:
        tree = safe_ast.parse(source)  # gradings run in threads: see kernelgym.safe_ast
    except (SyntaxError, ValueError):
        return _digest(source)
    functions = _functions(tree)
    if qualname not in functions:
        return _digest(source)
    decorated = {name for name, function in functions.items() if function.decorator_list}  # may run on import
    kept = _reachable(tree, functions, {qualname} | decorated)
    if kept is None:
        return _digest(source)
    return _digest(ast.dump(_blanked(tree, set(functions) - kept)))


def _functions(tree: ast.Module) -> dict[str, ast.AST]:
    """Module-level functions and the methods of module-level classes, by qualified name."""
    found: dict[str, ast.AST] = {}
    for node in tree.body:
        if isinstance(node, _FUNCTIONS):
            found[node.name] = node
        elif isinstance(node, ast.ClassDef):
            found.update({f"{node.name}.{item.name}": item for item in node.body if isinstance(item, _FUNCTIONS)})
    return found


def _reachable(tree: ast.Module, functions: dict[str, ast.AST], kept: set[str]) -> set[str] | None:
    """Grow ``kept`` until closed: a function stays whole when its name (or its class's) is used by code that runs
    on import or by a kept function. ``None`` where that code uses a name that reaches functions indirectly."""
    classes = {name.split(".")[0] for name in functions if "." in name}
    while True:
        names = _names(_blanked(tree, set(functions) - kept))
        if names & _INDIRECT_NAMES:
            return None
        grown = set(kept)
        for name in functions:
            owner, _, method = name.rpartition(".")
            if name in names or owner in names & classes or (owner and method in names):
                grown.add(name)
        if grown == kept:
            return kept
        kept = grown


def _blanked(tree: ast.Module, blank: set[str]) -> ast.Module:
    """A copy of the module with the bodies of the named functions replaced by ``...`` (their decorators, defaults
    and annotations, which run on import, stay)."""
    tree = copy.deepcopy(tree)
    for node in tree.body:
        members = [(node.name, node)] if isinstance(node, _FUNCTIONS) else []
        if isinstance(node, ast.ClassDef):
            members = [(f"{node.name}.{item.name}", item) for item in node.body if isinstance(item, _FUNCTIONS)]
        for name, function in members:
            if name in blank:
                function.body = [ast.Expr(ast.Constant(...))]
    return tree


def _names(tree: ast.AST) -> set[str]:
    """Every bare name and attribute name the code uses."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
    return names


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class CompileCache:
    """Compile-check outcomes keyed by the kernel's :func:`kernel_key`, the specialization and the target, so that
    the same kernel is not compiled twice (repeated or near-identical samples in a GRPO group, suite checks).
    Bounded (least recently used out first) and thread-safe."""

    def __init__(self, capacity: int = 4096):
        self._items: collections.OrderedDict[str, CompileOutcome] = collections.OrderedDict()
        self._capacity = capacity
        self._lock = threading.Lock()

    @staticmethod
    def key(source: str, spec: Spec, target: tuple) -> str:
        """The cache key of one specialization of one of the answer's kernels."""
        kernel = kernel_key(source, spec.qualname)
        return _digest(json.dumps([kernel, spec.to_header(), list(target)], sort_keys=True, default=str))

    def get(self, key: str) -> CompileOutcome | None:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        return None

    def put(self, key: str, outcome: CompileOutcome) -> None:
        with self._lock:
            self._items[key] = outcome
            while len(self._items) > self._capacity:
                self._items.popitem(last=False)
