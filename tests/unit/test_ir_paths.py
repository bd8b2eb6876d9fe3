"""Path templates split by RFC 6570 level 1 rules (generator/ir/paths.py)."""

from __future__ import annotations

import pytest

from apiforge.ir.paths import template_names, template_parts, template_problem


def test_several_names_in_one_segment() -> None:
    assert template_names("/repos/{owner}/compare/{base}...{head}") == ("owner", "base", "head")
    assert template_parts("/f/{name}.{ext}") == (("/f/", "name"), (".", "ext"), ("", None))


@pytest.mark.parametrize(
    ("path", "problem"),
    [("/a/{id", "does not delimit"), ("/a/id}", "does not delimit"), ("/a/{}", "empty")],
)
def test_malformed_templates_are_named(path: str, problem: str) -> None:
    found = template_problem(path)
    assert found is not None and problem in found


def test_a_well_formed_template_has_no_problem() -> None:
    assert template_problem("/items/v{version}-{item-id}") is None
    assert template_problem("/{id}/copy/{id}") is None  # a variable may appear twice
