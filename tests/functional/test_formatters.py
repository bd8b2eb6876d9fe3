"""Both formatters give valid, lint-clean output; black's is black-stable.

``ruff format`` is the default, black is chosen with ``formatter = "black"`` (or
``--formatter black``). A fixture spec with many kinds of modules (models,
operations, client, server routes, interfaces) is generated once with each.
"""

from __future__ import annotations

import ast
from pathlib import Path

import black
import pytest
from apiforge_testkit import FIXTURES, generate, ruff
from black.mode import TargetVersion

from apiforge.output.format import LINE_LENGTH

SPEC = FIXTURES / "composition.yaml"
MODE = black.Mode(target_versions={TargetVersion.PY310}, line_length=LINE_LENGTH)


@pytest.mark.parametrize("formatter", ["ruff", "black"])
def test_valid_and_lint_clean(formatter: str, tmp_path: Path) -> None:
    generated = generate(SPEC, tmp_path, "fmt", formatter=formatter)
    assert generated.ok, generated.report()
    assert generated.rendered is not None
    modules = {p: t for p, t in generated.rendered.files.items() if p.endswith(".py")}
    assert len(modules) > 8
    for path, text in modules.items():
        ast.parse(text, path)
    for project in generated.projects:
        linted = ruff(project)
        assert linted.returncode == 0, linted.stdout + linted.stderr
    if formatter == "black":
        for path, text in modules.items():
            assert black.format_str(text, mode=MODE) == text, f"black would change {path}"


def test_the_formatters_differ_only_in_layout(tmp_path: Path) -> None:
    """Same code either way: the two outputs parse to the same syntax trees."""
    with_ruff = generate(SPEC, tmp_path / "ruff", "fmt")
    with_black = generate(SPEC, tmp_path / "black", "fmt", formatter="black")
    assert with_ruff.rendered is not None and with_black.rendered is not None
    assert with_ruff.rendered.files.keys() == with_black.rendered.files.keys()
    for path, text in with_ruff.rendered.files.items():
        if path.endswith(".py"):
            assert ast.dump(ast.parse(text)) == ast.dump(
                ast.parse(with_black.rendered.files[path])
            ), path
