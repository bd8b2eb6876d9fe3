"""Templates quote nothing themselves: escaping belongs to ``generator/render/escape.py``.

A reviewer's check that no template interpolates raw spec text, in two parts: the
views hand templates finished strings (``escape.literal``/``docstring``/``comment``/
``markdown_line`` results or names from ``generator/naming/``), which the canary and
fuzz tests prove on the output; and the templates cannot escape or quote on their own,
which this file checks: the Jinja environment registers only layout filters plus
``literal``, and no template uses another filter. It also checks that the
view modules (``generator/render/``) quote nothing themselves: no ``repr()``,
``json.dumps`` or ``!r`` outside diagnostics and text handed to ``docstring()``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import jinja2
from jinja2 import nodes

from apiforge.render import env as render_env
from apiforge.render.escape import literal
from apiforge.resources import templates_dir


def _filters(source: str) -> set[str]:
    tree = jinja2.Environment().parse(source)
    return {node.name for node in tree.find_all(nodes.Filter)}


def _templates(suffix: str) -> list[Path]:
    return sorted(p for p in templates_dir().rglob("*" + suffix) if "runtime" not in p.parts)


def test_the_environment_has_a_fixed_filter_set() -> None:
    environment = render_env.environment()
    assert set(environment.filters) == set(render_env.FILTERS)
    assert environment.filters["literal"] is literal
    assert environment.autoescape is False and environment.undefined is jinja2.StrictUndefined


def test_templates_use_no_escaping_filter_of_their_own() -> None:
    templates = _templates(".jinja")
    assert templates
    for path in templates:
        assert _filters(path.read_text(encoding="utf-8")) <= set(render_env.FILTERS), path


def test_a_filter_outside_the_set_is_refused() -> None:
    try:
        render_env.environment().from_string("{{ value | tojson }}")
    except jinja2.TemplateAssertionError:
        return
    raise AssertionError("tojson should not be available to templates")


RENDER = Path(render_env.__file__).parent
QUOTERS = {"repr", "dumps", "tojson", "escape_docstring", "quote"}


def _outside_messages(tree: ast.AST) -> list[ast.AST]:
    """Nodes that are not inside a diagnostic (``sink.*``/``*.warning``) or ``docstring(...)`` call."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = (
                func.attr
                if isinstance(func, ast.Attribute)
                else func.id
                if isinstance(func, ast.Name)
                else ""
            )
            if name in ("warning", "error", "docstring", "comment", "markdown_line"):
                inside.update(
                    id(child) for arg in [*node.args, *node.keywords] for child in ast.walk(arg)
                )
    return [node for node in ast.walk(tree) if id(node) not in inside]


def test_views_quote_only_through_the_escape_module() -> None:
    """No ``repr()``, ``json.dumps`` or ``!r`` builds code in generator/render/ (messages and docstrings aside)."""
    problems = []
    for path in sorted(RENDER.glob("*.py")):
        if path.name == "escape.py":
            continue
        for node in _outside_messages(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                name = (
                    func.attr
                    if isinstance(func, ast.Attribute)
                    else func.id
                    if isinstance(func, ast.Name)
                    else ""
                )
                if name in QUOTERS:
                    problems.append(f"{path.name}:{node.lineno}: {name}()")
            if isinstance(node, ast.FormattedValue) and node.conversion == ord("r"):
                problems.append(f"{path.name}:{node.lineno}: !r")
    assert not problems, problems
