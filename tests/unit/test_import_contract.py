"""The import contract of seedreader: which of its modules may import which.

1. The core (every module of seedreader outside `seedreader.ui`) never imports `seedreader.ui`,
   Textual or Rich: it stays usable from the shell commands and testable without a terminal.
   One import is allowed, by name: `seedreader.cli` starts the reader (`seedreader.ui.app`)
   inside the function that opens it; it is where the program is put together.
2. The widgets (`seedreader.ui.widgets`) never import the screens (`seedreader.ui.screens`),
   directly or through another module: screens are built from widgets, not the other way round.
3. No import cycle between any two modules of seedreader.

Why a test that reads the source with `ast` rather than import-linter: the code imports lazily on
purpose (the CLI imports the UI inside a function so the shell commands start fast), and those
imports must count; imports under `if TYPE_CHECKING:` must not; and rule 3 is about single
modules, where import-linter's `acyclic_siblings` contract reasons about packages with their
descendants folded in. Fifty lines of `ast` say exactly that, need no extra tool, and run both in
`make check` and with the rest of the tests. Imports made from strings (`importlib`) are not seen.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SRC = REPO / "src"
ROOT_PACKAGE = "seedreader"
UI = "seedreader.ui"
WIDGETS = "seedreader.ui.widgets"
SCREENS = "seedreader.ui.screens"
FORBIDDEN_IN_CORE = ("textual", "rich")
ALLOWED_CORE_TO_UI = {("seedreader.cli", "seedreader.ui.app")}


@dataclass(frozen=True)
class Import:
    """One import statement's target, as the module (or package) that it loads."""

    source: str
    target: str
    line: int

    def where(self, modules: dict[str, Path]) -> str:
        path = modules[self.source]
        shown = path.relative_to(REPO) if path.is_relative_to(REPO) else path
        return f"{shown}:{self.line}"


def module_files(src: Path = SRC) -> dict[str, Path]:
    """Every module of seedreader by dotted name (a package by the name of its folder)."""
    modules: dict[str, Path] = {}
    for path in sorted((src / ROOT_PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def _import_nodes(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import under `node`, in functions too, except in `if TYPE_CHECKING:` blocks."""
    if isinstance(node, ast.If) and _is_type_checking(node.test):
        for child in node.orelse:
            yield from _import_nodes(child)
        return
    if isinstance(node, ast.Import | ast.ImportFrom):
        yield node
        return
    for child in ast.iter_child_nodes(node):
        yield from _import_nodes(child)


def _resolve(name: str, modules: dict[str, Path]) -> str:
    """The longest prefix of `name` that is a module of seedreader, else its top-level name."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in modules:
            return candidate
    return parts[0]


def imports_of(module: str, modules: dict[str, Path]) -> list[Import]:
    path = modules[module]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    found: list[Import] = []
    for node in _import_nodes(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.append(Import(module, _resolve(alias.name, modules), node.lineno))
            continue
        if node.level:
            # Relative: `from . import x` in a package's __init__ is relative to the package.
            anchor = module.split(".")
            if not is_package:
                anchor.pop()
            anchor = anchor[: len(anchor) - (node.level - 1)]
            base = ".".join([*anchor, node.module] if node.module else anchor)
        else:
            assert node.module is not None
            base = node.module
        for alias in node.names:
            # `from package import submodule` loads the submodule; `from module import name`
            # loads the module.
            found.append(Import(module, _resolve(f"{base}.{alias.name}", modules), node.lineno))
    return found


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


@pytest.fixture(scope="module")
def graph() -> tuple[dict[str, Path], dict[str, list[Import]]]:
    modules = module_files()
    assert "seedreader.cli" in modules and "seedreader.ui" in modules, "sources not found"
    return modules, {module: imports_of(module, modules) for module in modules}


def test_core_never_imports_the_ui_textual_or_rich(
    graph: tuple[dict[str, Path], dict[str, list[Import]]],
) -> None:
    modules, edges = graph
    broken = [
        f"{imp.where(modules)}: {imp.source} imports {imp.target}"
        for module, imports in edges.items()
        if not _within(module, UI)
        for imp in imports
        if (_within(imp.target, UI) and (module, imp.target) not in ALLOWED_CORE_TO_UI)
        or imp.target in FORBIDDEN_IN_CORE
    ]
    assert not broken, "the core must not import the UI, Textual or Rich:\n" + "\n".join(broken)


def test_widgets_never_import_screens(
    graph: tuple[dict[str, Path], dict[str, list[Import]]],
) -> None:
    modules, edges = graph
    broken: list[str] = []
    for widget in (m for m in modules if _within(m, WIDGETS)):
        chain = _path_to(widget, lambda m: _within(m, SCREENS), edges)
        if chain:
            steps = " -> ".join(f"{imp.target} ({imp.where(modules)})" for imp in chain)
            broken.append(f"{widget} -> {steps}")
    assert not broken, "widgets must not import screens:\n" + "\n".join(broken)


def _path_to(
    start: str, goal: Callable[[str], bool], edges: dict[str, list[Import]]
) -> list[Import]:
    """The shortest chain of imports from `start` to a module where `goal(module)`, if any."""
    came_by: dict[str, Import | None] = {start: None}
    queue = [start]
    while queue:
        current = queue.pop(0)
        for imp in edges.get(current, []):
            if goal(imp.target):
                chain = [imp]
                while (previous := came_by[chain[0].source]) is not None:
                    chain.insert(0, previous)
                return chain
            if imp.target in came_by or imp.target not in edges:
                continue
            came_by[imp.target] = imp
            queue.append(imp.target)
    return []


def test_no_import_cycles(graph: tuple[dict[str, Path], dict[str, list[Import]]]) -> None:
    modules, edges = graph
    reported: list[str] = []
    for component in _cycles(edges):
        first = min(component)
        chain = _path_to(first, first.__eq__, _restrict(edges, component))
        steps = " -> ".join(f"{imp.target} ({imp.where(modules)})" for imp in chain)
        reported.append(f"{first} -> {steps}  [cycle among: {', '.join(sorted(component))}]")
    assert not reported, "import cycles between seedreader's modules:\n" + "\n".join(reported)


def _restrict(edges: dict[str, list[Import]], component: set[str]) -> dict[str, list[Import]]:
    return {
        module: [imp for imp in edges[module] if imp.target in component] for module in component
    }


def _cycles(edges: dict[str, list[Import]]) -> list[set[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[set[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work: list[tuple[str, Iterator[Import]]] = [(root, iter(edges[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            advanced = False
            for imp in successors:
                target = imp.target
                if target not in edges or target == node:
                    continue
                if target not in index:
                    index[target] = low[target] = counter
                    counter += 1
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(edges[target])))
                    advanced = True
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component: set[str] = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(component)
    return found


# --- the checker checks itself on sources it writes ----------------------------------------------


def _fake_tree(tmp_path: Path, files: dict[str, str]) -> dict[str, list[Import]]:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    modules = module_files(tmp_path)
    return {module: imports_of(module, modules) for module in modules}


def test_checker_counts_lazy_imports_and_skips_type_checking(tmp_path: Path) -> None:
    edges = _fake_tree(
        tmp_path,
        {
            "seedreader/__init__.py": "",
            "seedreader/a.py": (
                "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n"
                "    from seedreader import c\n"
                "else:\n"
                "    import rich\n"
                "def f():\n"
                "    from seedreader.b import thing\n"
            ),
            "seedreader/b.py": "from . import a\nthing = 1\n",
            "seedreader/c.py": "",
        },
    )
    assert {imp.target for imp in edges["seedreader.a"]} == {"typing", "rich", "seedreader.b"}
    assert [imp.target for imp in edges["seedreader.b"]] == ["seedreader.a"]
    assert _cycles(edges) == [{"seedreader.a", "seedreader.b"}]


def test_checker_resolves_packages_and_relative_imports(tmp_path: Path) -> None:
    edges = _fake_tree(
        tmp_path,
        {
            "seedreader/__init__.py": "",
            "seedreader/ui/__init__.py": "from .widgets import bars\n",
            "seedreader/ui/widgets/__init__.py": "",
            "seedreader/ui/widgets/bars.py": "from ..screens.help import Help\n",
            "seedreader/ui/screens/__init__.py": "",
            "seedreader/ui/screens/help.py": "import seedreader.ui.widgets.bars as bars\n",
        },
    )
    assert [imp.target for imp in edges["seedreader.ui"]] == ["seedreader.ui.widgets.bars"]
    assert [imp.target for imp in edges["seedreader.ui.widgets.bars"]] == [
        "seedreader.ui.screens.help"
    ]
    assert _cycles(edges) == [{"seedreader.ui.widgets.bars", "seedreader.ui.screens.help"}]
