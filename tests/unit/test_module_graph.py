"""The import graph of ``apiforge`` (the generator/ folder) has no cycle.

Every ``import``/``from ... import`` counts, at module level and inside functions alike
(a function-level import only hides a cycle, it does not break it); imports under
``if TYPE_CHECKING:`` do not run and do not count. A function-level import must say on
its line (or the line above) why it is not at the top: each one exists to keep a heavy
or rarely needed module off the start-up path, and says so with a comment.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = "apiforge"
SOURCE = Path(__file__).resolve().parents[2] / "generator"


def module_name(path: Path) -> str:
    parts = [PACKAGE, *path.relative_to(SOURCE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(SOURCE.rglob("*.py"))}


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Every import that runs, with whether it sits inside a function."""

    def walk(
        node: ast.AST, in_function: bool
    ) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking_only(child):
                for other in child.orelse:
                    yield from walk(other, in_function)
                continue
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                yield child, in_function
            inner = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            yield from walk(child, inner)

    yield from walk(tree, False)


def _targets(node: ast.Import | ast.ImportFrom, importer: str) -> set[str]:
    """The apiforge modules an import statement loads (a package's ``__init__`` included)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            package = importer.split(".")
            if MODULES[importer].name != "__init__.py":
                package = package[:-1]
            package = package[: len(package) - node.level + 1]
            base = ".".join([*package, *([base] if base else [])])
        names = [base] + [f"{base}.{alias.name}" for alias in node.names]
    found: set[str] = set()
    for name in names:
        parts = name.split(".")
        for end in range(1, len(parts) + 1):  # importing a.b.c runs a and a.b first
            prefix = ".".join(parts[:end])
            if prefix in MODULES and prefix != importer:
                found.add(prefix)
    return found


def graph() -> dict[str, set[str]]:
    """Module -> the apiforge modules it imports when it runs."""
    edges: dict[str, set[str]] = {}
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        edges[name] = set()
        for node, _ in _imports(tree):
            edges[name] |= _targets(node, name)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_the_module_graph_has_no_cycle() -> None:
    edges = graph()
    assert len(edges) > 50 and "apiforge.pipeline" in edges
    assert not cycles(edges), "\n".join(" <-> ".join(c) for c in cycles(edges))


# Modules whose function-level imports predate this rule and belong to work in flight on
# other branches; each owner adds the comments (or hoists the imports) and empties its line.
KNOWN_SILENT: dict[str, str] = {}


def _explained(lines: list[str], node: ast.Import | ast.ImportFrom) -> bool:
    """A comment on the import's lines, or on the line above its run of imports."""
    if any("#" in line for line in lines[node.lineno - 1 : (node.end_lineno or node.lineno)]):
        return True
    above = node.lineno - 2
    while above >= 0 and lines[above].strip().startswith(("from ", "import ")):
        above -= 1
    return above >= 0 and lines[above].strip().startswith("#")


def silent_imports() -> dict[str, list[int]]:
    """Module path -> lines of its function-level imports that do not say why."""
    found: dict[str, list[int]] = {}
    for path in MODULES.values():
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for node, in_function in _imports(ast.parse(text)):
            if in_function and not _explained(lines, node):
                found.setdefault(path.relative_to(SOURCE).as_posix(), []).append(node.lineno)
    return found


def test_every_function_level_import_says_why() -> None:
    """Each one exists to keep something off the start-up path; its comment says what."""
    silent = silent_imports()
    unexcused = {k: v for k, v in silent.items() if k not in KNOWN_SILENT}
    assert not unexcused, f"function-level imports without a comment saying why: {unexcused}"
    stale = sorted(set(KNOWN_SILENT) - set(silent))
    assert not stale, f"no longer silent, remove from KNOWN_SILENT: {stale}"


def test_no_module_imports_the_public_facade() -> None:
    """``apiforge/__init__`` loads the API lazily; importing it from inside would be a cycle."""
    for name, path in MODULES.items():
        for node, _ in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == PACKAGE and node.level == 0:
                names = {alias.name for alias in node.names}
                assert names <= {"__version__"}, f"{name} imports {names} from {PACKAGE}"


def test_the_cycle_finder_finds_cycles() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
