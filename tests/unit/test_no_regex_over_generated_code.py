"""No regular expression in ``generator/`` reads generated code (a rule of the house).

Every use of :mod:`re` in the package (a call on ``re`` or on a pattern compiled at
module level) is listed here with the input it reads; each reads spec, config or
file input, never text apiforge generated. A new use fails this test until it is
listed with its reason; a listed use that disappeared fails it too, so the list stays
exact. ``from re import ...`` and ``import re as ...`` are refused: they would hide a
use from the scan.
"""

from __future__ import annotations

import ast
from pathlib import Path

GENERATOR = Path(__file__).resolve().parents[2] / "generator"

ALLOWED: dict[tuple[str, str], str] = {
    (
        "load/bundle.py",
        "_Bundler._fresh_name",
    ): "a component key from a $ref'd file name (spec input)",
    ("config/schema.py", "<module>"): "pattern of environment variable names (config input)",
    (
        "config/schema.py",
        "_check_env",
    ): "an environment variable name from pyproject.toml (config input)",
    ("config/targets.py", "key_line"): "the line of a key in pyproject.toml (config input)",
    ("load/json_reader.py", "<module>"): "JSON tokens (spec file text)",
    ("load/json_reader.py", "_skip"): "whitespace in a JSON spec file",
    ("load/json_reader.py", "JsonPositions.line_column"): "line starts of a JSON spec file",
    ("load/json_reader.py", "_scan"): "tokens of a JSON spec file",
    ("load/json_reader.py", "pointer_before"): "tokens of a JSON spec file, up to a syntax error",
    ("load/json_reader.py", "parse_json"): "NaN/Infinity in a JSON spec file, for the diagnostic",
    ("load/load.py", "<module>"): "pattern of the spec's openapi version",
    ("load/load.py", "_family"): "the spec's openapi field",
    ("naming/words.py", "<module>"): "word pattern for names minted from spec text",
    ("naming/words.py", "_words"): "spec text (operation ids, schema keys, paths) split into words",
    (
        "naming/schemas.py",
        "<module>",
    ): "pattern of a Django REST framework choice line (spec description)",
    ("naming/schemas.py", "enum_member_names"): "an enum's description in the spec",
    ("naming/schemas.py", "package_stem"): "the spec's info.title split into words",
    ("render/common.py", "<module>"): "pattern of a PEP 440 release number",
    ("render/common.py", "package_version"): "info.version of the spec",
    ("render/client_views.py", "_row"): "the spec's method and path, stripped of Markdown markup",
    ("render/escape.py", "<module>"): "Markdown markup characters",
    ("render/escape.py", "markdown_line"): "spec text escaped for Markdown",
    (
        "render/model_constraints.py",
        "regex_engine",
    ): "a schema's pattern: does Python's engine compile it",
    ("load/yaml_compose.py", "<module>"): "YAML nesting and flow brackets (spec file text)",
    ("load/yaml_compose.py", "_flow_openers"): "flow brackets of a YAML spec file",
    ("load/yaml_compose.py", "may_be_deep"): "indentation depth of a YAML spec file",
    ("load/yaml_reader.py", "<module>"): "YAML scalars and anchors (spec file text)",
    ("load/yaml_reader.py", "resolve_plain"): "a plain YAML scalar of the spec",
    ("load/yaml_reader.py", "anchor_names"): "anchors of a YAML spec file",
    ("load/yaml_reader.py", "names_used"): "anchors and aliases of a YAML spec file",
    ("load/yaml_split.py", "_shallow_line"): "indentation of a YAML spec file's lines",
    (
        "code_cache.py",
        "_pattern_compiler.compile_pattern",
    ): "re's DEBUG flag, to leave debug compilations alone (reads no text)",
}


def regex_uses(path: Path) -> tuple[set[str], list[str]]:
    """(the scopes that use ``re`` in ``path``, problems such as ``from re import``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    problems: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "re":
            problems.append(f"from re import (line {node.lineno})")
        if isinstance(node, ast.Import) and any(a.name == "re" and a.asname for a in node.names):
            problems.append(f"import re as (line {node.lineno})")
    compiled = {
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign) and _is_re_call(node.value)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    scopes: set[str] = set()

    def visit(node: ast.AST, scope: str) -> None:
        for child in ast.iter_child_nodes(node):
            inner = scope
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                inner = f"{scope}.{child.name}" if scope else child.name
            if (
                isinstance(child, ast.Attribute)
                and isinstance(child.value, ast.Name)
                and child.value.id in {"re", *compiled}
            ):
                scopes.add(scope or "<module>")
            visit(child, inner)

    visit(tree, "")
    return scopes, problems


def _is_re_call(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "re"
    )


def test_every_regex_reads_input_not_generated_code() -> None:
    found: dict[tuple[str, str], Path] = {}
    problems: list[str] = []
    for path in sorted(GENERATOR.rglob("*.py")):
        relative = path.relative_to(GENERATOR).as_posix()
        scopes, hidden = regex_uses(path)
        problems += [f"{relative}: {p}" for p in hidden]
        found.update({(relative, scope): path for scope in scopes})
    assert not problems
    unlisted = sorted(set(found) - set(ALLOWED))
    assert not unlisted, f"regex uses not listed (is the text generated code?): {unlisted}"
    assert not sorted(set(ALLOWED) - set(found)), "listed regex uses that no longer exist"


def test_the_scan_sees_a_regex_over_annotations(tmp_path: Path) -> None:
    """The scan finds the forms the rule is about: a call on ``re`` and on a compiled pattern."""
    module = tmp_path / "views.py"
    module.write_text(
        "import re\n_NAME = re.compile('x')\n"
        "def note(text):\n    return re.findall('[a-z]+', text)\n"
        "class V:\n    def fix(self, text):\n        return _NAME.sub('y', text)\n",
        encoding="utf-8",
    )
    assert regex_uses(module) == ({"<module>", "note", "V.fix"}, [])
    module.write_text("from re import sub\nimport re as r\n", encoding="utf-8")
    assert len(regex_uses(module)[1]) == 2


def test_annotation_imports_and_unshadowing_read_the_expression() -> None:
    """What replaced the regexes: Python's parser, so a Literal's text is never a name."""
    from apiforge.render.common import unshadow
    from apiforge.render.types import annotation_names

    text = "Literal['list', 'Pet'] | list[Pet] | dict[str, int] | datetime.date | None"
    assert unshadow(text, {"list", "get"}) == (
        "Literal['list', 'Pet'] | builtins.list[Pet] | dict[str, int] | datetime.date | None"
    )
    assert unshadow(text, {"get"}) == text
    assert unshadow("Literal['é'] | int", {"int"}) == "Literal['é'] | builtins.int"
    names, modules = annotation_names(text)
    assert names == {"Literal", "list", "Pet", "dict", "str", "int"}  # None is a constant
    assert modules == {"datetime"}
