"""The shape of the package: no import cycle (imports inside functions count), provider facts on the
ground floor, and one adapter per provider record. The layer contract itself is import-linter's
(`[tool.importlinter]` in pyproject.toml, run by .ci/run)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import costcmp

PACKAGE = Path(costcmp.__file__).parent


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """The costcmp modules `path` imports anywhere (functions included; TYPE_CHECKING blocks not)."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if candidate in modules else node.module)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return {m for m in found if m in modules}


def import_graph() -> dict[str, set[str]]:
    """Module -> the costcmp modules it imports, each import also running the packages above the target
    (importing costcmp.planner.core runs costcmp/planner/__init__.py first). The root package is left
    out: its names load lazily, on first use."""
    paths = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    modules = set(paths)
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        targets = set()
        for target in imports_of(path, modules):
            parts = target.split(".")
            for depth in range(2, len(parts) + 1):
                package = ".".join(parts[:depth])
                if not name.startswith(package + ".") and package != name:
                    targets.add(package)
        graph[name] = targets - {"costcmp"}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                component.append(item)
                if item == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def test_no_import_cycle_among_costcmp_modules() -> None:
    graph = import_graph()
    assert len(graph) > 40 and "costcmp.providers" in graph
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_provider_facts_import_nothing_of_costcmp_but_errors_and_units() -> None:
    assert import_graph()["costcmp.providers"] <= {"costcmp.errors", "costcmp.units"}


def test_the_schema_and_the_maths_do_not_load_the_cloud_package() -> None:
    code = (
        "import sys, costcmp.schema, costcmp.planner, costcmp.cluster, costcmp.describe, costcmp.story, "
        "costcmp.offers; print(sorted(m for m in sys.modules if m.startswith('costcmp.pricing')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_every_provider_record_has_an_adapter_and_back() -> None:
    from costcmp.pricing.registry import ADAPTER_BUILDERS
    from costcmp.providers import PROVIDERS

    assert tuple(ADAPTER_BUILDERS) == PROVIDERS
