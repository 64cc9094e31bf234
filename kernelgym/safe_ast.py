"""``ast.parse`` under one process-wide lock.

CPython 3.11 keeps the AST conversion's recursion depth in interpreter-global state, so two threads parsing at once
can fail with ``SystemError: AST constructor recursion depth mismatch`` (gh-106905, fixed in later versions).
Every ``ast.parse`` that may run while gradings are in flight in other threads (answer parsing, static checks,
problem loading, prompts, the check command's cheats) goes through :func:`parse`. Walking or visiting a parsed
tree is plain Python and needs no lock.
"""
from __future__ import annotations

import ast
import threading

AST_LOCK = threading.RLock()


def parse(source: str, filename: str = "<unknown>", mode: str = "exec") -> ast.AST:
    """``ast.parse(source, filename, mode)``, holding :data:`AST_LOCK`."""
    with AST_LOCK:
        return ast.parse(source, filename=filename, mode=mode)
