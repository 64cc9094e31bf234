"""Static checks on a candidate's source, with ``ast``: the cheapest layer of defence.

Each finding is a named hack flag (``forbidden_import:os``, ``try_except``, ...). They catch the answers that reach
outside the rules before anything runs: imports beyond torch/triton/math, introspection and dynamic code, patching
of library attributes, private torch/triton APIs, the reference ``Model``, and try/except fallbacks. The runtime
checks in the sandbox remain the backstop for whatever a static check cannot see.
"""
from __future__ import annotations

import ast

from . import safe_ast
from .sandbox.audit import ALLOWED_MODULES  # one list for the static check and the child's audit hook

FORBIDDEN_CALLS = {
    "eval", "exec", "compile", "open", "__import__", "getattr", "setattr", "delattr", "globals", "locals",
    "vars", "breakpoint", "input", "memoryview", "help", "exit", "quit",
}
ALLOWED_DUNDERS = {"__init__", "__name__"}
# Public torch names that change global behaviour, reach below the dispatcher, or compute outside Triton.
FORBIDDEN_TORCH = (
    "torch.utils", "torch.use_deterministic_algorithms", "torch.backends", "torch.compile", "torch.jit",
    "torch.library", "torch.overrides", "torch.set_num_threads", "torch.from_numpy", "torch.set_default_dtype",
    "torch.set_default_device", "torch.set_flush_denormal", "torch.manual_seed", "torch.seed", "torch.random",
    "torch.cuda.Event", "torch.cuda.set_sync_debug_mode", "torch.testing",
    "torch.allclose", "torch.autograd.Function",
    # file and process access, native code
    "torch.from_file", "torch.load", "torch.save", "torch.hub", "torch.package", "torch.multiprocessing",
    "torch.distributed", "torch.ops.load_library", "torch.classes", "torch.profiler", "torch.autograd.profiler",
    "torch.cuda.memory", "torch.cuda.set_per_process_memory_fraction", "torch.UntypedStorage.from_file", "torch.TypedStorage.from_file",
    # CUDA graphs replay a captured launch on the captured buffers instead of computing on the inputs given
    "torch.cuda.CUDAGraph", "torch.cuda.graph", "torch.cuda.graphs", "torch.cuda.make_graphed_callables",
)
ALLOWED_TRITON = ("triton.jit", "triton.autotune", "triton.heuristics", "triton.Config", "triton.cdiv",
                  "triton.next_power_of_2", "triton.language")
HOST_READ_METHODS = {"numpy", "tolist", "item", "__array__", "data_ptr"}
# Methods that reach files or native code whatever object they are called on (``storage.from_file(...)``).
FORBIDDEN_METHODS = {"from_file", "load_library", "tofile", "fromfile"}
# Packages whose modules an allowed import may lead to; any other module reached through attributes is flagged.
LIBRARY_PACKAGES = ("torch", "triton")


def check_source(source: str) -> list[str]:
    """Return the hack flags found in a candidate's source (empty when clean).

    >>> check_source("import os\\nclass ModelNew: pass")
    ['forbidden_import:os']
    """
    tree = safe_ast.parse(source)  # thread-safe: gradings run static checks concurrently
    checker = _Checker()
    checker.visit(tree)
    return checker.flags


def warm() -> None:
    """Import what the checker resolves answers' names against (``triton.language`` and the allowed modules)
    now, so that the first check is as fast as the others (importing Triton costs about 0.2 s)."""
    import importlib

    for name in sorted(ALLOWED_MODULES - {"__future__"}) + ["triton.language"]:
        importlib.import_module(name)


def _module_outside_library(parts: list[str]) -> str | None:
    """``torch.os`` -> ``torch.os``, ``typing.sys`` -> ``typing.sys``: an attribute chain of an allowed module that
    reaches a module of another package (os, sys, ctypes, ... imported by that module for its own use). Resolved on
    the real modules, in the grader."""
    import importlib
    import types

    if parts[0] not in ALLOWED_MODULES or parts[0] == "__future__":
        return None
    obj = importlib.import_module(parts[0])
    for i, part in enumerate(parts[1:], start=1):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
        if isinstance(obj, types.ModuleType) and obj.__name__.split(".")[0] not in (*LIBRARY_PACKAGES, parts[0]):
            return ".".join(parts[:i + 1])
    return None


class _Checker(ast.NodeVisitor):
    def __init__(self):
        self.flags: list[str] = []
        self.aliases: dict[str, str] = {}  # local name -> dotted origin, from imports

    def flag(self, name: str) -> None:
        if name not in self.flags:
            self.flags.append(name)

    # --- imports -------------------------------------------------------------------------------------
    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._check_module(alias.name)
            local = alias.asname or alias.name.split(".")[0]
            self.aliases[local] = alias.name if alias.asname else alias.name.split(".")[0]

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level:
            self.flag("forbidden_import:relative")
            return
        self._check_module(node.module or "")
        for alias in node.names:
            if alias.name == "*":
                self.flag("forbidden_import:star")
                continue
            self.aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
            self._check_dotted(f"{node.module}.{alias.name}")

    def _check_module(self, module: str) -> None:
        root = module.split(".")[0]
        if root not in ALLOWED_MODULES:
            self.flag(f"forbidden_import:{root}")
        else:
            self._check_dotted(module)

    # --- names and attributes ------------------------------------------------------------------------
    def visit_Name(self, node: ast.Name) -> None:
        if node.id == "Model":
            self.flag("uses_reference_model")
        if node.id.startswith("__") and node.id.endswith("__") and node.id not in ALLOWED_DUNDERS:
            self.flag(f"dunder_access:{node.id}")
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr.startswith("__") and node.attr.endswith("__") and node.attr not in ALLOWED_DUNDERS:
            self.flag(f"dunder_access:{node.attr}")
        dotted = self._dotted(node)
        if dotted:
            self._check_dotted(dotted)
        if isinstance(node.ctx, (ast.Store, ast.Del)) and dotted and dotted.split(".")[0] in (
                "torch", "triton", "math", "functools", "itertools", "typing"):
            self.flag(f"monkeypatch:{dotted}")
        self.generic_visit(node)

    def _dotted(self, node: ast.AST) -> str | None:
        """``tl.sum`` -> ``triton.language.sum`` using the import aliases; None for non-name roots."""
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name) or node.id not in self.aliases:
            return None
        return ".".join([self.aliases[node.id], *reversed(parts)])

    def _check_dotted(self, dotted: str) -> None:
        parts = dotted.split(".")
        outside = _module_outside_library(parts)
        if outside:
            self.flag(f"forbidden_module_access:{outside}")
            return
        if parts[0] == "torch":
            private = [i for i, p in enumerate(parts) if p.startswith("_") and not p.endswith("__")]
            if private:
                self.flag(f"torch_private_api:{'.'.join(parts[:private[0] + 1])}")
            elif any(dotted == f or dotted.startswith(f + ".") for f in FORBIDDEN_TORCH):
                self.flag(f"forbidden_torch_api:{dotted}")
        elif parts[0] == "triton" and len(parts) > 1:
            if not any(dotted == a or dotted.startswith(a + ".") for a in ALLOWED_TRITON):
                self.flag(f"triton_internal:{dotted}")
            elif any(p.startswith("_") for p in parts):
                self.flag(f"triton_internal:{dotted}")

    # --- calls, classes, control flow -----------------------------------------------------------------
    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Name) and func.id in FORBIDDEN_CALLS:
            self.flag(f"forbidden_call:{func.id}")
        if isinstance(func, ast.Name) and func.id == "type" and len(node.args) == 3:
            self.flag("forbidden_call:type")
        if isinstance(func, ast.Attribute):
            if func.attr in HOST_READ_METHODS:
                self.flag(f"host_compute:{func.attr}")
            if func.attr in FORBIDDEN_METHODS:
                self.flag(f"forbidden_call:{func.attr}")
            if func.attr == "forward" and isinstance(func.value, ast.Call) and \
                    getattr(func.value.func, "id", "") == "super":
                self.flag("calls_super_forward")
        self.generic_visit(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        if node.name == "ModelNew":
            for base in node.bases:
                name = self._dotted(base) or getattr(base, "id", None) or ast.unparse(base)
                if name == "Model" or name.endswith(".Model"):
                    self.flag("inherits_reference")
                elif name not in ("torch.nn.Module", "torch.nn.modules.module.Module"):
                    self.flag(f"bad_base_class:{name}")
        self.generic_visit(node)

    def visit_Try(self, node: ast.Try) -> None:
        self.flag("try_except")
        self.generic_visit(node)

    visit_TryStar = visit_Try

    def visit_Global(self, node: ast.Global) -> None:
        self.flag("global_state")
        self.generic_visit(node)

    def visit_Nonlocal(self, node: ast.Nonlocal) -> None:
        self.flag("global_state")
        self.generic_visit(node)
