"""The folders draw the architecture: imports may only point the way the layers allow.

    lib.core     pure domain: imports lib.core and the standard library, nothing else
    lib.present  pure presentation: core and presentation libraries; never edge, web or pages
    lib.edge     I/O: core, and present only to build export bytes
    lib.cli      the command line: anything in lib
    web, pages   the Streamlit shell; nothing in lib imports them

Every import counts, also one inside a function or under ``TYPE_CHECKING``; and no two
modules may import each other in a cycle.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STDLIB = set(sys.stdlib_module_names) | {"__future__"}
SHELL_ONLY = ("streamlit",)
NETWORK = ("gspread", "google", "requests", "httpx", "urllib3", "tenacity", "starlette", "uvicorn")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """Every module ``path`` imports, absolute names, wherever the import statement is."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)  # ``from lib.core import model``
    return found


def project_modules() -> dict[str, set[str]]:
    files = [*ROOT.glob("lib/**/*.py"), *ROOT.glob("web/**/*.py"), *ROOT.glob("pages/**/*.py"),
             *ROOT.glob("*.py")]
    return {module_name(f): imports_of(f) for f in files}


def _top(name: str) -> str:
    return name.split(".")[0]


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def violations(graph: Mapping[str, Iterable[str]]) -> list[str]:
    """Every import that breaks a layer rule, as "importer -> imported: why"."""
    known = set(graph)
    found = []
    for importer, imported in graph.items():
        for name in imported:
            own = _within(name, "lib") or _top(name) in ("web", "pages", "app", "serve")
            if own and name not in known and name.rpartition(".")[0] in known:
                continue  # ``from lib.core.model import Kind``: the module itself is checked
            why = None
            if _within(importer, "lib") and _top(name) in ("web", "pages", "app", "serve"):
                why = "lib never imports the shell"
            elif _within(importer, "lib.core") and not (_within(name, "lib.core") or _top(name) in STDLIB):
                why = "core imports only core and the standard library"
            elif _within(importer, "lib.present") and (
                _within(name, "lib.edge") or _within(name, "lib.cli") or _top(name) in SHELL_ONLY + NETWORK
            ):
                why = "present never imports edge, the CLI, Streamlit or a network client"
            elif _within(importer, "lib.edge") and (_within(name, "lib.cli") or _top(name) in SHELL_ONLY):
                why = "edge never imports the CLI or Streamlit"
            if why:
                found.append(f"{importer} -> {name}: {why}")
    return sorted(found)


def cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Import cycles among the project's own modules (strongly connected components > 1)."""
    edges = {m: {n for n in graph[m] if n in graph and n != m} for m in graph}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_the_project_keeps_its_layers():
    assert violations(project_modules()) == []


def test_no_import_cycles():
    assert cycles(project_modules()) == []


@pytest.mark.parametrize(("importer", "imported"), [
    ("lib.core.scoring", "streamlit"),
    ("lib.core.scoring", "lib.edge.store"),
    ("lib.core.parse", "lib.present.catalogue"),
    ("lib.core.review", "pandas"),
    ("lib.present.charts", "lib.edge.reader"),
    ("lib.present.tables", "streamlit"),
    ("lib.edge.store", "web.data"),
    ("lib.edge.reader", "streamlit"),
])
def test_the_check_fails_on_a_forbidden_import(importer, imported):
    graph = {"lib.core.scoring": set(), "lib.core.parse": set(), "lib.core.review": set(),
             "lib.present.charts": set(), "lib.present.tables": set(), "lib.present.catalogue": set(),
             "lib.edge.store": set(), "lib.edge.reader": set(), "web.data": set()}
    graph[importer] = {imported}
    assert violations(graph), f"{importer} -> {imported} should be refused"


def test_the_cycle_check_sees_a_type_checking_cycle(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from lib.core.votes import Vote\n")
    assert "lib.core.votes" in imports_of_outside(module)
    assert cycles({"lib.core.model": {"lib.core.votes"}, "lib.core.votes": {"lib.core.model"}})


def imports_of_outside(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
