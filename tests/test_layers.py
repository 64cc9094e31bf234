"""The package's layers, read from its source with ``ast`` (every import, also those inside functions), so that the
layout cannot drift back: the sandbox's side never imports the trusted side, the library never imports the
applications (command line, training recipes), only the applications parse arguments or print, no recipe imports
another, and no modules import each other in a cycle."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Installed package name -> folder (pyproject.toml's package-dir).
PACKAGES = {"kernelgym": ROOT / "kernelgym", "kernelgym.sandbox": ROOT / "sandbox", "kernelgym.agents": ROOT / "agents"}
APPLICATIONS = ("kernelgym.cli", "kernelgym.agents")
RECIPES = ("kernelgym.agents.train", "kernelgym.agents.sft")  # each a command of its own; they share agents.common


def _modules() -> dict[str, Path]:
    found = {}
    for package, folder in PACKAGES.items():
        for path in folder.rglob("*.py"):
            parts = list(path.relative_to(folder).with_suffix("").parts)
            if "__pycache__" in parts:
                continue
            found[".".join([package] + [p for p in parts if p != "__init__"])] = path
    return found


MODULES = _modules()


def _under_type_checking(node: ast.AST, parents: dict) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If) and ast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING"):
            return True
    return False


def _imports(name: str) -> set[str]:
    """The package's modules that ``name`` imports, at its top or inside functions (not for type checking only)."""
    path = MODULES[name]
    tree = ast.parse(path.read_text())
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    targets = set()
    for node in ast.walk(tree):
        if _under_type_checking(node, parents):
            continue
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package[:len(package) - node.level + 1] + [node.module or ""]).strip(".") \
                if node.level else node.module
            submodules = [f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in MODULES]
            targets.update(submodules)
            if len(submodules) < len(node.names):
                targets.add(base)
    resolved = set()
    for target in targets:
        while target and target not in MODULES:
            target = target.rpartition(".")[0]
        if target and target != name:
            resolved.add(target)
    return resolved


GRAPH = {name: _imports(name) for name in MODULES}


def _outside_imports(name: str) -> set[str]:
    """The top-level names of what ``name`` imports from outside the package (``argparse``, ``rich``, ...)."""
    found = set()
    for node in ast.walk(ast.parse(MODULES[name].read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name.partition(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level:
            found.add(node.module.partition(".")[0])
    return found - {"kernelgym"}


def _main_block(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and ast.unparse(node.test) == "__name__ == '__main__'"


def _output_calls(name: str) -> list[str]:
    """Where ``name`` prints (``print(...)``, ``sys.stdout`` / ``sys.stderr``), outside its ``__main__`` block."""
    tree = ast.parse(MODULES[name].read_text())
    skipped = {id(inner) for node in ast.walk(tree) if _main_block(node) for inner in ast.walk(node)}
    found = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print":
            found.append(f"print at line {node.lineno}")
        elif isinstance(node, ast.Attribute) and node.attr in ("stdout", "stderr") and \
                isinstance(node.value, ast.Name) and node.value.id == "sys":
            found.append(f"sys.{node.attr} at line {node.lineno}")
    return found


def _is_application(name: str) -> bool:
    return any(name == app or name.startswith(app + ".") for app in APPLICATIONS)


def test_the_graph_sees_the_package():
    """The checks below are only as good as the graph: it must find the modules and their known imports."""
    assert {"kernelgym.grader", "kernelgym.sandbox.child", "kernelgym.agents.train"} <= set(MODULES)
    assert "kernelgym.sandbox.protocol" in GRAPH["kernelgym.grader"]


def _in_sandbox(name: str) -> bool:
    return name == "kernelgym.sandbox" or name.startswith("kernelgym.sandbox.")


@pytest.mark.parametrize("name", sorted(n for n in MODULES if _in_sandbox(n)))
def test_the_sandbox_side_imports_nothing_of_the_trusted_side(name):
    outside = sorted(m for m in GRAPH[name] if not _in_sandbox(m))
    assert not outside, f"{name} imports {outside}: the child side must not load the grader's code"


@pytest.mark.parametrize("name", sorted(n for n in MODULES if not _is_application(n) and n != "kernelgym"))
def test_the_library_does_not_import_the_applications(name):
    applications = sorted(m for m in GRAPH[name] if _is_application(m))
    assert not applications, f"{name} imports {applications}: the library must not know its applications"


LIBRARY = sorted(n for n in MODULES if not _is_application(n) and not _in_sandbox(n))


@pytest.mark.parametrize("name", LIBRARY)
def test_only_the_applications_parse_arguments_or_draw_on_the_terminal(name):
    """argparse and rich's terminal displays belong to kernelgym.cli and the recipes; the library returns records."""
    assert not {"argparse", "rich"} & _outside_imports(name), \
        f"{name} imports argparse or rich: options and displays belong in kernelgym.cli"


@pytest.mark.parametrize("name", LIBRARY)
def test_the_library_does_not_print(name):
    """What the library has to say comes back as records, exceptions or ``logging`` warnings (which the command
    line shows); only a module's ``__main__`` block may print."""
    assert not _output_calls(name), f"{name} prints ({', '.join(_output_calls(name))}): move it to kernelgym.cli"


def test_the_layer_checks_see_arguments_and_printing():
    """The two checks above are only as good as their readers: they must find what the command line does."""
    assert "argparse" in _outside_imports("kernelgym.cli.options")
    assert _output_calls("kernelgym.cli.output") and not _output_calls("kernelgym.envs.multilabel")


@pytest.mark.parametrize("recipe", RECIPES)
def test_no_recipe_imports_another(recipe):
    """``kernelgym train`` and ``kernelgym sft`` share their helpers through kernelgym.agents.common, so that a
    change to one recipe never reaches into the other."""
    assert recipe in MODULES
    others = sorted(GRAPH[recipe] & (set(RECIPES) - {recipe}))
    assert not others, f"{recipe} imports the recipe {others}: move what they share to kernelgym.agents.common"


def test_no_import_cycles():
    cycles = []
    for start in GRAPH:
        stack, seen = [(start, [start])], set()
        while stack:
            node, path = stack.pop()
            for nxt in GRAPH[node]:
                if nxt == start:
                    cycles.append(" -> ".join(path + [start]))
                elif nxt not in seen and nxt > start:  # each cycle once, from its smallest module
                    seen.add(nxt)
                    stack.append((nxt, path + [nxt]))
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_every_parse_takes_the_one_parse_lock():
    """CPython 3.11's parser is not thread-safe (kernelgym.safe_ast): every ``ast.parse`` goes through its lock."""
    unlocked = []
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "parse"
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "ast"
                    and name != "kernelgym.safe_ast"):
                unlocked.append(f"{name}:{node.lineno}")
    assert not unlocked, f"ast.parse without kernelgym.safe_ast's lock at {unlocked}"
