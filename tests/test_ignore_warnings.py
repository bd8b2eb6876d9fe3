"""``ignore-warnings`` / ``--ignore-warning CODE``: warnings a user chose not to see.

An ignored code is neither printed nor counted by ``--strict``; every other diagnostic
is, errors always. Codes are checked (a typo is an error, not a silent no-op), ignoring
regenerates nothing, and the caches that replay warnings keep them for the next run
that does not ignore them.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

import apiforge
from apiforge.cli.main import main
from apiforge.config.targets import Overrides

# An operation without operationId and a default outside its enum (reported by the IR);
# a pattern the server cannot enforce (by the server's views) and a date default that is no date
# (by the models): the last two are replayed from the content cache by a later run.
SPEC = """\
openapi: 3.0.3
info: {title: Shop, version: "1"}
paths:
  /items:
    get:
      parameters:
        - {name: kind, in: query, schema: {type: string, enum: [a, b], default: c}}
      responses:
        "200": {description: ok}
  /things:
    get:
      operationId: list_things
      parameters:
        - {name: q, in: query, schema: {type: string, pattern: "^(?=a)a$"}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Thing"}
components:
  schemas:
    Thing:
      type: object
      properties:
        day: {type: string, format: date, default: someday}
"""
MISSING_ID = "warning[missing-operation-id]"
NOT_IN_ENUM = "warning[default-not-in-enum]"
CACHED = ("server-parameter-keyword", "default-dropped")
IGNORE_CACHED = ("--ignore-warning", CACHED[0], "--ignore-warning", CACHED[1])


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    Path("shop.yaml").write_text(SPEC, encoding="utf-8")


def run(*args: str) -> tuple[int, str]:
    """(exit code, everything printed)."""
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout + result.stderr


def test_an_ignored_code_is_not_printed_and_the_others_are() -> None:
    code, err = run("generate", "shop.yaml", "--ignore-warning", "missing-operation-id")
    assert code == 0
    assert MISSING_ID not in err
    assert NOT_IN_ENUM in err


def test_strict_fails_only_on_warnings_not_ignored() -> None:
    flags = ("--strict", "--ignore-warning", "missing-operation-id", *IGNORE_CACHED)
    code, err = run("generate", "shop.yaml", *flags)
    assert code == 1
    assert "--strict: 1 warning(s) failed the run (default-not-in-enum)" in err
    assert not Path("generated").exists()
    both = ("--ignore-warning", "missing-operation-id", "--ignore-warning", "default-not-in-enum")
    code, err = run("generate", "shop.yaml", "--strict", *both, *IGNORE_CACHED)
    assert code == 0, err
    assert "warning[" not in err
    assert Path("generated/shop_client/shop_client/__init__.py").is_file()


def test_ignoring_regenerates_nothing_and_cached_warnings_come_back() -> None:
    code, err = run(
        "generate", "shop.yaml", "--ignore-warning", "missing-operation-id", *IGNORE_CACHED
    )
    assert code == 0
    assert not any(f"warning[{c}]" in err for c in CACHED)
    code, err = run("generate", "shop.yaml")
    assert code == 0
    assert "up to date" in err  # the ignored codes are not among the options that regenerate
    # A forced run reuses the views and models that the ignoring run cached: their
    # warnings must still be there for a run that does not ignore them.
    code, err = run("generate", "shop.yaml", "--force")
    assert "server views unchanged: reusing" in err
    for warning in (MISSING_ID, NOT_IN_ENUM, *(f"warning[{c}]" for c in CACHED)):
        assert warning in err


def test_the_config_key_works_per_target(tmp_path: Path) -> None:
    Path("pyproject.toml").write_text(
        textwrap.dedent(
            """\
            [tool.apiforge]
            [[tool.apiforge.targets]]
            spec = "shop.yaml"
            strict = true
            ignore-warnings = [
                "missing-operation-id", "default-not-in-enum", "server-parameter-keyword",
                "default-dropped",
            ]
            """
        ),
        encoding="utf-8",
    )
    code, err = run("generate")
    assert code == 0, err
    assert "warning[" not in err


def test_a_code_in_the_config_that_is_no_warning_is_an_error_at_its_line() -> None:
    Path("pyproject.toml").write_text(
        '[tool.apiforge]\n\n[[tool.apiforge.targets]]\nspec = "shop.yaml"\n'
        'ignore-warnings = ["missing-operationid"]\n',
        encoding="utf-8",
    )
    code, err = run("generate")
    assert code == 1
    assert "pyproject.toml:5" in err
    assert "'missing-operationid' is not a warning apiforge reports" in err
    assert "did you mean 'missing-operation-id'?" in err


@pytest.mark.parametrize("command", ["generate", "check", "validate", "watch"])
def test_a_flag_naming_no_warning_is_a_usage_error(command: str) -> None:
    code, err = run(command, "shop.yaml", "--ignore-warning", "ref-not-found")
    assert code == 2
    assert "'ref-not-found' is not a warning apiforge reports" in err
    assert "errors cannot be ignored" in err


def test_errors_are_never_ignored() -> None:
    Path("shop.yaml").write_text(SPEC + "components: {schemas: {A: {$ref: '#/nope'}}}\n")
    code, err = run("validate", "shop.yaml", "--ignore-warning", "missing-operation-id")
    assert code == 1
    assert "error[ref-not-found]" in err


def test_the_library_takes_the_codes_and_checks_them() -> None:
    result = apiforge.validate("shop.yaml", ignore_warnings=["missing-operation-id", *CACHED])
    assert [d.code for d in result.diagnostics] == ["default-not-in-enum"]
    assert result.warnings == 1
    with pytest.raises(ValueError, match="'nope' is not a warning"):
        apiforge.validate("shop.yaml", ignore_warnings=["nope"])
    with pytest.raises(ValueError, match="'nope' is not a warning"):
        Overrides(ignore_warnings=["nope"])
    overrides = Overrides(output="out", ignore_warnings="missing-operation-id")
    result = apiforge.generate("shop.yaml", overrides=overrides)
    assert sorted(d.code for d in result.diagnostics) == sorted(["default-not-in-enum", *CACHED])


def test_a_retired_code_is_still_accepted() -> None:
    """``client-parameter-clash`` is no longer reported; a config naming it keeps working."""
    code, err = run("generate", "shop.yaml", "--ignore-warning", "client-parameter-clash")
    assert code == 0, err
    assert "is not a warning" not in err
