"""The generated sync and async classes are twins: the same methods, differing only in ``await``.

Both flavours are rendered from one template macro and one view per class
(render/client_classes.py); this reads the committed client (``generated/``, which
tests/golden keeps equal to a fresh generation) and compares each ``X``/``AsyncX``
pair structurally: after erasing ``async``/``await`` and the flavour's names, the
syntax trees must be equal.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CLIENT = Path(__file__).resolve().parents[2] / "generated/posthog_client/posthog_client/client"
MODULES = sorted(p for p in CLIENT.glob("*.py") if p.name != "__init__.py")

# Names that differ between the flavours (sync -> async), besides the Async prefix of classes.
FLAVOUR_NAMES = {
    "Iterator": "AsyncIterator",
    "SyncClientBase": "AsyncClientBase",
    "Client": "AsyncClient",
    "BaseTransport": "AsyncBaseTransport",
}


class _Erase(ast.NodeTransformer):
    """Turn an async class into what its sync twin must be."""

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> ast.AST:
        self.generic_visit(node)
        return ast.FunctionDef(**{f: getattr(node, f) for f in node._fields})

    def visit_Await(self, node: ast.Await) -> ast.AST:
        return self.visit(node.value)

    def visit_Name(self, node: ast.Name) -> ast.AST:
        return ast.Name(_sync_name(node.id), node.ctx)

    def visit_alias(self, node: ast.alias) -> ast.AST:
        return ast.alias(_sync_name(node.name), node.asname)

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        self.generic_visit(node)
        return ast.Attribute(node.value, _sync_name(node.attr), node.ctx)


def _sync_name(name: str) -> str:
    for sync, flavoured in FLAVOUR_NAMES.items():
        if name == flavoured:
            return sync
    return name.removeprefix("Async") if name.startswith("Async") and name[5:6].isupper() else name


def _classes(path: Path) -> dict[str, ast.ClassDef]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}


def _body(cls: ast.ClassDef) -> str:
    """The class without its docstring (the async one points at its twin's)."""
    body = [
        s for s in cls.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
    ]
    return ast.dump(ast.Module(body=body, type_ignores=[]))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_every_class_has_an_async_twin_that_differs_only_in_await(path: Path) -> None:
    classes = _classes(path)
    sync = sorted(name for name in classes if not name.startswith("Async"))
    assert sync and sorted(classes) == sorted(sync + ["Async" + name for name in sync])
    for name in sync:
        twin = _Erase().visit(classes["Async" + name])
        assert _body(twin) == _body(classes[name]), f"{path.name}: Async{name} drifted from {name}"


def test_the_comparison_notices_a_drift() -> None:
    classes = _classes(MODULES[0])
    name = next(n for n in classes if not n.startswith("Async"))
    twin = _Erase().visit(classes["Async" + name])
    twin.body.append(ast.parse("def extra(self) -> None: ...").body[0])
    assert _body(twin) != _body(classes[name])
