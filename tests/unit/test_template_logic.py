"""Templates only loop, branch on precomputed booleans and interpolate finished strings.

Read from Jinja's own syntax tree (not from the text), so a ``+`` inside a string
constant or a Python ``+`` in the template's output is not mistaken for template
logic. Code built in a template (``"Iterator[" + op.item + "]"``, ``a ~ b``), a
``{% set %}``, a comparison or an inline ``x if c else y`` means the view should have
precomputed the finished string or the boolean.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2 import nodes

from apiforge.render.env import environment
from apiforge.resources import templates_dir

TEMPLATES = sorted(templates_dir().rglob("*.jinja"))

# Building values: never allowed.
BUILDING = (
    nodes.Add,
    nodes.Sub,
    nodes.Mul,
    nodes.Div,
    nodes.Concat,
    nodes.Assign,
    nodes.AssignBlock,
)
# Deciding on values the view did not reduce to a boolean.
DECIDING = (nodes.Compare, nodes.CondExpr)


def _name(path: Path) -> str:
    return path.relative_to(templates_dir()).as_posix()


def _findings(path: Path) -> list[tuple[str, int, str]]:
    """(node kind, line, line text) of every piece of logic beyond loops and boolean branches."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    tree = environment().parse(text)
    found = []
    for node in tree.find_all(BUILDING + DECIDING + (nodes.Call,)):
        if isinstance(node, nodes.Call) and _macro_call(node, tree):
            continue
        found.append((type(node).__name__, node.lineno, lines[node.lineno - 1].strip()))
    return found


def _macro_call(call: nodes.Call, tree: nodes.Template) -> bool:
    """A call of a macro of this template or an imported one (``m.methods(cls)``, ``signature(op)``)."""
    macros = {m.name for m in tree.find_all(nodes.Macro)}
    for names in tree.find_all(nodes.FromImport):
        macros.update(n if isinstance(n, str) else n[1] for n in names.names)
    imported = {i.target for i in tree.find_all(nodes.Import)}
    target = call.node
    if isinstance(target, nodes.Name):
        return target.name in macros
    return (
        isinstance(target, nodes.Getattr)
        and isinstance(target.node, nodes.Name)
        and target.node.name in imported
    )


@pytest.mark.parametrize("path", TEMPLATES, ids=_name)
def test_templates_build_no_values(path: Path) -> None:
    building = [f for f in _findings(path) if f[0] not in ("Compare", "CondExpr")]
    assert building == [], f"{_name(path)}: precompute these in the view: {building}"


@pytest.mark.parametrize("path", TEMPLATES, ids=_name)
def test_templates_branch_only_on_precomputed_booleans(path: Path) -> None:
    deciding = [f for f in _findings(path) if f[0] in ("Compare", "CondExpr")]
    assert deciding == [], f"{_name(path)}: make these booleans of the view: {deciding}"


def test_the_scan_sees_template_logic(tmp_path: Path) -> None:
    """The checks fire on the forms they forbid (so an empty finding means something)."""
    template = tmp_path / "t.jinja"
    template.write_text(
        '{% set x = "a" %}{{ "Iterator[" + item + "]" }}{{ a ~ b }}{{ x.upper() }}'
        '{% if kind == "enum" %}{{ "y" if c else "n" }}{% endif %}\n',
        encoding="utf-8",
    )
    tree = environment().parse(template.read_text(encoding="utf-8"))
    kinds = sorted(
        type(n).__name__
        for n in tree.find_all(BUILDING + DECIDING + (nodes.Call,))
        if not (isinstance(n, nodes.Call) and _macro_call(n, tree))
    )
    assert kinds == ["Add", "Add", "Assign", "Call", "Compare", "Concat", "CondExpr"]
