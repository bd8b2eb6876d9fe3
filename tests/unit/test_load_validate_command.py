"""``apiforge validate``: diagnostics on stderr (JSON: alone on stdout), a one-line summary, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from apiforge.cli.main import main

SPEC = """\
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /pets:
    get:
      operationId: list_pets
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
    post:
      operationId: create_pet
      responses:
        "201": {}
components:
  schemas:
    Pet: {type: object}
    Tag: {type: string}
"""


def invoke(tmp_path: Path, text: str, *args: str) -> tuple[int, str, str]:
    path = tmp_path / "api.yaml"
    path.write_text(text)
    result = CliRunner().invoke(main, ["validate", str(path), *args])
    return result.exit_code, result.stdout, result.stderr


def test_summary_with_warnings(tmp_path: Path) -> None:
    code, out, err = invoke(tmp_path, SPEC)
    assert code == 0
    assert out == f"{tmp_path / 'api.yaml'}: OpenAPI 3.0.3, 2 operations, 2 schemas, 1 warning\n"
    assert "warning[invalid-spec]: missing required field 'description'" in err
    assert f"{tmp_path / 'api.yaml'}:16:9 #/paths/~1pets/post/responses/201" in err


def test_clean_spec_prints_only_the_summary(tmp_path: Path) -> None:
    code, out, err = invoke(tmp_path, SPEC.replace('"201": {}', '"201": {description: made}'))
    assert (code, err) == (0, "")
    assert out.endswith("OpenAPI 3.0.3, 2 operations, 2 schemas\n")


def test_errors_exit_1(tmp_path: Path) -> None:
    code, out, err = invoke(tmp_path, SPEC.replace("schemas/Pet'", "schemas/Dog'"))
    assert code == 1
    assert out == ""
    assert "error[ref-not-found]" in err
    assert err.strip().endswith("1 error, 1 warning")


def test_json_format(tmp_path: Path) -> None:
    code, out, err = invoke(tmp_path, "openapi: 9.9.9\n", "--format", "json")
    assert code == 1 and "1 error" in err
    [diagnostic] = json.loads(out)  # the JSON alone on stdout
    assert diagnostic["code"] == "unsupported-version"
    assert (diagnostic["line"], diagnostic["pointer"]) == (1, "/openapi")
