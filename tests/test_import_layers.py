"""Imports flow one way: syntax <- model <- analyzers <- rules <- engine <- renderers <- commands.

Every source module's imports are read with :mod:`ast` -- module-level, function-level and
``if TYPE_CHECKING:`` imports alike, since a lazy import is still a dependency -- and each
module is placed in a layer. A module may import its own layer's modules (of its own part, for
the layers that hold several independent parts) and any lower layer, nothing above; and no
two modules may import each other, directly or round a longer loop. The failure names the
importing module, the line and what it imported.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterator

import pytest

SOURCE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src", "dockwise")

ROOT = "dockwise"  # the package itself, not everything in it

# (layer, part, module prefixes), lowest layer first. The most specific prefix decides, so
# ``dockwise.context.rules`` is a rule package although ``dockwise.context`` is an analyzer.
# Parts of one layer may not import each other (the context analyzer does not read images).
# A module no prefix names is in the lowest layer, which imports only itself: a new shared
# module is free to be used by every layer, and fails here the moment it reaches upwards.
LAYERS: list[tuple[str, str, tuple[str, ...]]] = [
    ("base", "base", ("dockwise._record", "dockwise._lazyre", "dockwise.errors", "dockwise.textsafe",
                      "dockwise.project_config",
                      "dockwise.inputs", "dockwise.yamlfile", "dockwise.findings", "dockwise.config",
                      "dockwise.discovery", "dockwise.knowledge", "dockwise.units")),
    ("syntax", "syntax", ("dockwise.syntax",)),
    ("model", "model", ("dockwise.model", ROOT)),  # `dockwise.parse` is the model's facade
    ("analyzers", "context", ("dockwise.context",)),
    ("analyzers", "image", ("dockwise.image",)),
    ("analyzers", "fix", ("dockwise.fix",)),  # edit algebra and the fix loop, below the engine
    ("analyzers", "build", ("dockwise.build",)),  # builder adapters: build, save, run an image
    ("rules", "rules", ("dockwise.rules", "dockwise.context.rules", "dockwise.image.rules")),
    ("engine", "engine", ("dockwise.engine", "dockwise.catalog")),
    ("renderers", "report", ("dockwise.report",)),
    ("commands", "commands", ("dockwise.commands", "dockwise.cli", "dockwise.__main__", "dockwise.api")),
]
LAYER_ORDER = list(dict.fromkeys(name for name, _, _ in LAYERS))
MAX_LINES = 800


def _modules() -> dict[str, str]:
    """Module name -> file, for every source module."""
    found = {}
    root = os.path.dirname(SOURCE)
    for directory, _, files in os.walk(SOURCE):
        for name in files:
            if name.endswith(".py"):
                path = os.path.join(directory, name)
                module = os.path.relpath(path, root)[:-3].replace(os.sep, ".")
                found[module.removesuffix(".__init__")] = path
    return found


MODULES = _modules()


def _imports(module: str) -> Iterator[tuple[int, str]]:
    """(line, imported dockwise module) for every import in ``module``, at any depth."""
    path = MODULES[module]
    with open(path, encoding="utf-8") as fh:
        source = fh.read()
    package = module if path.endswith("__init__.py") else module.rpartition(".")[0]
    return imports_in(source, package)


def imports_in(source: str, package: str) -> Iterator[tuple[int, str]]:
    """(line, imported dockwise module) for every import in ``source``, a module of ``package``."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "dockwise":
                    yield node.lineno, _known(alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[:len(parts) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            if base.split(".")[0] != "dockwise":
                continue
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                yield node.lineno, submodule if submodule in MODULES else _known(base)


def _known(name: str) -> str:
    """``name``, or the nearest enclosing module that exists (``dockwise.x.attr`` -> ``dockwise.x``)."""
    while name not in MODULES and "." in name:
        name = name.rpartition(".")[0]
    return name


def layer_of(module: str) -> tuple[int, str]:
    """(rank of the layer, part) of ``module``: its most specific prefix's."""
    best: tuple[int, str, str] | None = None
    for name, part, prefixes in LAYERS:
        for prefix in prefixes:
            if module == prefix or (prefix != ROOT and module.startswith(prefix + ".")):
                if best is None or len(prefix) > len(best[2]):
                    best = (LAYER_ORDER.index(name), part, prefix)
    return (best[0], best[1]) if best else (0, "base")


def describe(module: str) -> str:
    rank, part = layer_of(module)
    return f"{module} ({LAYER_ORDER[rank]}{'' if part == LAYER_ORDER[rank] else '/' + part})"


def test_lazy_and_type_checking_imports_count():
    source = ("from typing import TYPE_CHECKING\n"
              "if TYPE_CHECKING:\n    from dockwise.rules.base import CheckTarget\n"
              "def f():\n    from ..engine import runner\n    import dockwise.report.text\n"
              "class C:\n    def g(self):\n        from . import build\n")
    assert sorted(imports_in(source, "dockwise.model")) == [
        (3, "dockwise.rules.base"), (5, "dockwise.engine.runner"), (6, "dockwise.report.text"),
        (9, "dockwise.model.build")]


def test_layers_are_ordered_as_documented():
    assert layer_of("dockwise.model.shellcheck") < layer_of("dockwise.rules.base")
    assert layer_of("dockwise.context.rules.content")[0] == layer_of("dockwise.rules.base")[0]
    assert layer_of("dockwise.image.merge")[0] == layer_of("dockwise.context.scan")[0]
    assert layer_of("dockwise.fix.loop") < layer_of("dockwise.engine.runner")
    assert layer_of("dockwise.engine.runner") < layer_of("dockwise.report.json")
    assert layer_of("dockwise.report.json") < layer_of("dockwise.commands.check")
    assert layer_of("dockwise.a_new_helper") == (0, "base")


def test_every_layer_has_modules():
    """The map names real packages: a layer that lost all its modules is a typo or a move."""
    for _, part, prefixes in LAYERS:
        assert any(layer_of(m)[1] == part for m in MODULES), part


def upward_imports() -> list[str]:
    problems = []
    for module in sorted(MODULES):
        rank, part = layer_of(module)
        for line, imported in _imports(module):
            their_rank, their_part = layer_of(imported)
            if their_rank > rank or (their_rank == rank and their_part != part):
                problems.append(f"{MODULES[module]}:{line}: {describe(module)} imports "
                                f"{describe(imported)}")
    return problems


def test_no_module_imports_a_higher_layer():
    problems = upward_imports()
    assert not problems, (f"imports flow {' <- '.join(LAYER_ORDER)}; these go the other way:\n"
                          + "\n".join(problems))


def import_cycles() -> list[list[str]]:
    """Every loop of imports between modules (strongly connected components, Tarjan)."""
    graph = {m: sorted({imported for _, imported in _imports(m) if imported != m}) for m in MODULES}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return cycles


def test_no_import_cycles():
    cycles = import_cycles()
    details = []
    for cycle in cycles:
        members = set(cycle)
        edges = sorted({f"  {MODULES[m]}:{line}: {m} imports {imported}"
                        for m in cycle for line, imported in _imports(m)
                        if imported in members and imported != m})
        details.append("cycle between " + ", ".join(cycle) + ":\n" + "\n".join(edges))
    assert not cycles, "\n".join(details)


def _line_count(module: str) -> int:
    with open(MODULES[module], encoding="utf-8") as fh:
        return sum(1 for _ in fh)


def test_no_module_over_the_line_limit():
    over = [f"{MODULES[m]}: {_line_count(m)} lines" for m in sorted(MODULES)
            if _line_count(m) > MAX_LINES]
    assert not over, f"modules over {MAX_LINES} lines (split them by topic):\n" + "\n".join(over)
