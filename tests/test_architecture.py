"""The house's shape: no import cycle between modules, no import from a lower layer to a higher one.

Reads every module of the ``gongjiang`` package with ``ast`` (imports inside functions count too:
they run, just later) and the layer order from the fenced ``layers`` block in docs/architecture.md.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "gongjiang"
DOC = ROOT / "docs" / "architecture.md"
PROJECT = "(project)"  # settings, urls, wsgi: the package's own top-level modules


@dataclass(frozen=True)
class Import:
    source: str  # the importing module
    target: str  # the imported module of the package
    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line} imports {self.target}"


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph(root: Path, package: str = PACKAGE) -> dict[str, list[Import]]:
    """Every module of ``package`` under ``root`` and the package modules it imports."""
    files = {module_name(p, root): p for p in sorted((root / package).rglob("*.py"))}
    graph: dict[str, list[Import]] = {}
    for name, path in files.items():
        is_package = path.name == "__init__.py"
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        found: list[Import] = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                candidates = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = name.split(".") if is_package else name.split(".")[:-1]
                    base = base[: len(base) - (node.level - 1)]
                    module = ".".join(base + ([node.module] if node.module else []))
                else:
                    module = node.module or ""
                # ``from pkg import mod`` imports the module ``pkg.mod``; ``from mod import name`` imports ``mod``
                candidates = [f"{module}.{a.name}" if f"{module}.{a.name}" in files else module for a in node.names]
            else:
                continue
            for candidate in candidates:
                target = candidate
                while target and target not in files:  # ``import a.b.c`` of a name inside a module
                    target = target.rpartition(".")[0]
                if target and target != name and (target + ".").startswith(package + "."):
                    edge = Import(name, target, path.relative_to(root).as_posix(), node.lineno)
                    if edge not in found:
                        found.append(edge)
        graph[name] = found
    return graph


def cycles(graph: dict[str, list[Import]]) -> list[list[Import]]:
    """One cycle (as its chain of imports) for each strongly connected group of modules."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(node: str) -> None:  # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for edge in graph.get(node, ()):
            if edge.target not in index:
                visit(edge.target)
                low[node] = min(low[node], low[edge.target])
            elif edge.target in on_stack:
                low[node] = min(low[node], index[edge.target])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    found = []
    for group in groups:
        start = min(group)
        # the shortest way back to ``start`` inside the group, breadth first
        paths: dict[str, list[Import]] = {start: []}
        queue = [start]
        while queue:
            node = queue.pop(0)
            for edge in graph[node]:
                if edge.target == start:
                    found.append(paths[node] + [edge])
                    queue = []
                    break
                if edge.target in group and edge.target not in paths:
                    paths[edge.target] = paths[node] + [edge]
                    queue.append(edge.target)
    return found


def read_layers(doc: Path = DOC) -> list[set[str]]:
    """The fenced ``layers`` block: one layer a line, lowest first; apps on one line share a layer."""
    match = re.search(r"```layers\n(.*?)```", doc.read_text(encoding="utf-8"), re.DOTALL)
    assert match, f"{doc} has no ```layers block"
    return [set(re.split(r"[\s,/]+", line.split("#")[0].strip())) for line in match[1].splitlines() if line.strip()]


def app_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and (ROOT / PACKAGE / parts[1]).is_dir()) else PROJECT


def layer_violations(graph: dict[str, list[Import]], layers: list[set[str]], app=app_of) -> list[str]:
    rank = {name: i for i, layer in enumerate(layers) for name in layer}
    problems = []
    for source in sorted(graph):
        for edge in graph[source]:
            a, b = app(edge.source), app(edge.target)
            if a == b:
                continue
            if a not in rank or b not in rank:
                missing = a if a not in rank else b
                problems.append(f"{edge}: the app {missing!r} is in no layer of docs/architecture.md")
            elif rank[a] < rank[b]:
                problems.append(f"{edge}: {a} (layer {rank[a]}) may not import {b}, a higher layer ({rank[b]})")
            elif rank[a] == rank[b]:
                problems.append(f"{edge}: {a} and {b} share layer {rank[a]} and may not import each other")
    return problems


def describe(cycle: list[Import]) -> str:
    return (
        "import cycle "
        + " -> ".join([cycle[0].source, *(e.target for e in cycle)])
        + "\n"
        + "\n".join(f"    {edge}" for edge in cycle)
    )


def test_no_import_cycle_between_modules():
    found = cycles(import_graph(ROOT))
    assert not found, "\n".join(describe(c) for c in found)


def test_no_import_runs_up_the_layers():
    problems = layer_violations(import_graph(ROOT), read_layers())
    assert not problems, "\n".join(problems)


def test_every_app_has_a_layer():
    apps = {p.name for p in (ROOT / PACKAGE).iterdir() if (p / "__init__.py").exists() and p.name != "locale"}
    placed = set().union(*read_layers())
    assert apps - placed == set(), "place these apps in docs/architecture.md's layers block"


# The checker itself: a test that cannot fail is a defect.


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / PACKAGE / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def test_the_checker_finds_a_cycle_through_a_function_level_import(tmp_path):
    root = _package(
        tmp_path,
        {
            "__init__.py": "",
            "low/__init__.py": "",
            "low/a.py": "from . import b\n",
            "low/b.py": "def f():\n    from gongjiang.low.c import x\n",
            "low/c.py": "from .a import y\n",
            "low/d.py": "import gongjiang.low.a\n",
        },
    )
    found = cycles(import_graph(root))
    assert [[str(e) for e in c] for c in found] == [
        [
            "gongjiang/low/a.py:1 imports gongjiang.low.b",
            "gongjiang/low/b.py:2 imports gongjiang.low.c",
            "gongjiang/low/c.py:1 imports gongjiang.low.a",
        ]
    ]
    assert describe(found[0]).startswith("import cycle gongjiang.low.a -> gongjiang.low.b -> gongjiang.low.c -> ")


def test_the_checker_names_an_import_up_the_layers(tmp_path):
    root = _package(
        tmp_path,
        {
            "__init__.py": "",
            "low/__init__.py": "",
            "low/a.py": "import os\n\n\ndef f():\n    from gongjiang.high.b import g\n",
            "high/__init__.py": "",
            "high/b.py": "from gongjiang.low import a\n",
            "side/__init__.py": "",
            "side/c.py": "from ..high import b\n",
            "other/__init__.py": "",
            "other/d.py": "from gongjiang.side.c import x\n",
        },
    )
    layers = [{"low"}, {"high"}, {"side", "other"}]
    problems = layer_violations(import_graph(root), layers, app=lambda m: m.split(".")[1])
    assert problems == [
        "gongjiang/low/a.py:5 imports gongjiang.high.b: low (layer 0) may not import high, a higher layer (1)",
        "gongjiang/other/d.py:1 imports gongjiang.side.c: other and side share layer 2 and may not import each other",
    ]
