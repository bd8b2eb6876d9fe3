"""``apiforge validate``: the checks ``generate`` runs, machine-readable JSON, ``--strict``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from apiforge.cli.main import main

TODOS = """\
openapi: 3.0.3
info: {title: Todo API, version: "1"}
paths:
  /todos/{todo_id}:
    get:
      operationId: get_todo
      parameters:
        - {name: verbose, in: query}
      responses:
        "204": {description: Done.}
  /todos/{todo_id}/done:
    post:
      operationId: get_todo
      parameters:
        - {name: todo_id, in: path, required: true, schema: {type: integer}}
      responses:
        "204": {description: Done.}
"""

SWAGGER = """\
swagger: "2.0"
info: {title: Old, version: "1"}
paths:
  /pets:
    get:
      operationId: list_pets
      responses:
        "200": {description: The pets., schema: {type: array, items: {type: string}}}
"""


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "cache"))


def validate(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["validate", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_validate_reports_what_generate_reports() -> None:
    """IR-stage warnings (not only the loader's) come out of validate, and it writes nothing."""
    Path("todos.yaml").write_text(TODOS)
    code, out, err = validate("todos.yaml")
    assert code == 0, err
    for expected in (
        "missing-path-parameter",
        "duplicate-operation-id",
        "parameter-without-schema",
    ):
        assert f"warning[{expected}]" in err
    assert "parameter 'verbose' has neither 'schema' nor 'content'" in err
    assert out.startswith("todos.yaml: OpenAPI 3.0.3, 2 operations, 0 schemas")
    assert sorted(p.name for p in Path().iterdir()) == ["cache", "todos.yaml"]


def test_diagnostics_are_sorted_by_file_and_line() -> None:
    Path("todos.yaml").write_text(TODOS)
    _, _, err = validate("todos.yaml")
    lines = [int(line.split(":")[1]) for line in err.splitlines() if line.startswith("todos.yaml:")]
    assert lines == sorted(lines) and len(lines) >= 3


def test_json_is_alone_on_stdout() -> None:
    """``apiforge validate x --format json | jq`` works: stdout parses, the summary is on stderr."""
    Path("todos.yaml").write_text(TODOS)
    code, out, err = validate("todos.yaml", "--format", "json")
    assert code == 0
    codes = {d["code"] for d in json.loads(out)}
    assert {"missing-path-parameter", "duplicate-operation-id"} <= codes
    assert "2 operations" in err


def test_json_through_a_real_pipe() -> None:
    Path("bad.yaml").write_text(TODOS.replace("type: integer", "type: integr"))
    ran = subprocess.run(
        [sys.executable, "-m", "apiforge", "validate", "bad.yaml", "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ran.returncode == 1
    (typo,) = [d for d in json.loads(ran.stdout) if d["severity"] == "error"]
    assert "(did you mean 'integer'?)" in typo["message"]
    assert "bad.yaml: 1 error" in ran.stderr


def test_strict_names_the_warnings_that_failed_it() -> None:
    Path("todos.yaml").write_text(TODOS)
    code, _, err = validate("--strict", "todos.yaml")
    assert code == 1
    assert "error[duplicate-operation-id]" in err and "--strict makes it an error" in err
    assert (
        "todos.yaml: --strict: 3 warnings failed it (duplicate-operation-id, missing-path-parameter, parameter-without-schema)"
        in err
    )


def test_swagger_2_conversion_is_information_not_a_warning() -> None:
    Path("old.yaml").write_text(SWAGGER)
    code, out, err = validate("--strict", "old.yaml")
    assert code == 0, err
    assert "info[converted-swagger-2]" in err
    assert "(converted from Swagger 2.0)" in out


def test_quiet_hides_information_but_not_warnings() -> None:
    """``-q`` on every regeneration of a Swagger 2.0 spec printed its conversion note."""
    Path("old.yaml").write_text(SWAGGER)
    Path("todos.yaml").write_text(TODOS)
    quiet = CliRunner().invoke(main, ["generate", "-q", "old.yaml", "--output", "a"])
    assert quiet.exit_code == 0, quiet.stderr
    assert quiet.stderr == ""
    loud = CliRunner().invoke(main, ["generate", "old.yaml", "--output", "b"])
    assert "info[converted-swagger-2]" in loud.stderr
    warned = CliRunner().invoke(main, ["generate", "-q", "todos.yaml", "--output", "c"])
    assert "warning[parameter-without-schema]" in warned.stderr
    as_json = CliRunner().invoke(
        main, ["generate", "-q", "--format", "json", "old.yaml", "--output", "d"]
    )
    assert [d["code"] for d in json.loads(as_json.stdout)] == ["converted-swagger-2"]


def test_generate_prints_one_line_per_stage_with_counts() -> None:
    """Not a terminal (CI logs): one line per pipeline stage, each with its counts."""
    Path("todos.yaml").write_text(TODOS)
    result = CliRunner().invoke(main, ["generate", "todos.yaml"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    stages = [line.split("] ", 1)[1] for line in result.stderr.splitlines() if line.startswith("[")]
    assert any(s.startswith("formatting ") and s.endswith(" modules") for s in stages)
    assert stages[-1].startswith("todos.yaml: writing ") and stages[-1].endswith(" files")
    assert stages[:7] == [
        "todos.yaml: regenerating because generated/todo_client has no manifest",
        "todos.yaml: rendering",
        "loading todos.yaml",
        "building the IR: 1 file read",
        "models: 0 schemas",
        "rendering todo_client: 2 operations, 1 resource group",
        "rendering todo_server: 2 operations",
    ]
    quiet = CliRunner().invoke(main, ["generate", "-q", "--force", "todos.yaml"]).stderr
    assert "] " not in quiet and "warning[" in quiet  # -q: no progress, diagnostics still
