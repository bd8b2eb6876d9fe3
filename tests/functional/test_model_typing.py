"""Generated models type-check as users write them, in pyright (Pylance) and ``mypy --strict``.

Both checkers build a model's ``__init__`` from its fields (PEP 681): a field's
``alias=`` would become the keyword, and a positional ``Field(None, ...)`` default would
be no default at all. So a property named ``class`` or ``with-dash`` must be passed as
``class_=`` / ``with_dash=`` (the attribute's name, which the models accept at run time
too), and an optional one may be left out.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from apiforge_testkit import FIXTURES, generate
from typecheckers import Finding, mypy, pyright


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    out = tmp_path_factory.mktemp("keywords")
    generated = generate(FIXTURES / "keywords_names.yaml", out, "kwtyping")
    assert generated.ok, generated.report()
    return generated.projects


USER = """
from __future__ import annotations

from typing_extensions import assert_type

from kwtyping_client.models import Keywords
from kwtyping_server.models import Keywords as ServerKeywords

required_only = Keywords(class_="c", from_=1)
everything = Keywords(
    class_="c", from_=1, import_=True, None_="n", self="s", type="t", id=1, list_=["l"],
    model_config_="m", schema_="s", json_="j", dict_="d", copy_="c", field_private="p",
    field__dunder__="d", field_1st="1", with_dash="-", with_space=" ",
)
assert_type(everything.class_, str)
assert_type(everything.with_dash, str | None)
ServerKeywords(class_="c", from_=1, with_space="s")

Keywords(from_=1)  # wrong: class_ is required
Keywords(class_="c", from_="1")  # wrong: from_ is an int
"""

WRONG_LINES = {n + 1 for n, line in enumerate(USER.splitlines()) if "# wrong" in line}


def _by_file(findings: list[Finding], program: Path) -> tuple[list[str], set[int]]:
    """Errors outside ``program`` (there should be none), and the lines of those inside it."""
    return [str(f) for f in findings if f.file != program], {
        f.line for f in findings if f.file == program
    }


def test_models_construct_by_attribute_name_in_pyright(
    projects: list[Path], tmp_path: Path
) -> None:
    program = tmp_path / "user.py"
    program.write_text(USER)
    elsewhere, lines = _by_file(pyright([program], tmp_path, projects), program)
    assert not elsewhere and lines == WRONG_LINES, (elsewhere, lines)


def test_models_construct_by_attribute_name_in_mypy_strict(
    projects: list[Path], tmp_path: Path
) -> None:
    program = tmp_path / "user.py"
    program.write_text(USER)
    elsewhere, lines = _by_file(mypy([program], tmp_path, projects), program)
    assert not elsewhere and lines == WRONG_LINES, (elsewhere, lines)
