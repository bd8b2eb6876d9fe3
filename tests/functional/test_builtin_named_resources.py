"""A client resource named after a builtin (``vars``) keeps ``models/__init__.py`` working.

Importing a model's module binds the module's name in ``models/__init__.py``, so the
lazy loader there must not call the builtins through bare names: the second model of a
``vars`` resource would otherwise call the module ``vars``.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from apiforge_testkit import generate

SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Builtins, version: "1"}
    paths:
      /vars:
        get:
          operationId: vars_list
          responses:
            "200":
              description: ok
              content:
                application/json:
                  schema: {$ref: "#/components/schemas/Variable"}
        post:
          operationId: vars_create
          requestBody:
            content:
              application/json:
                schema: {$ref: "#/components/schemas/NewVariable"}
          responses:
            "204": {description: created}
    components:
      schemas:
        Variable:
          type: object
          properties: {name: {type: string}}
        NewVariable:
          type: object
          properties: {name: {type: string}}
    """
)

PROGRAM = """
from builtins_client import models
assert (models.Variable.__name__, models.NewVariable.__name__) == ("Variable", "NewVariable")
assert {"Variable", "NewVariable"} <= set(dir(models))
try:
    models.Missing
except AttributeError:
    pass
else:
    raise SystemExit("models.Missing did not raise AttributeError")
"""


def test_models_of_a_resource_named_vars_load_lazily(tmp_path: Path) -> None:
    spec = tmp_path / "builtins.yaml"
    spec.write_text(SPEC)
    generated = generate(spec, tmp_path, "builtins")
    assert generated.ok, generated.report()
    assert (generated.projects[0] / "builtins_client" / "models" / "vars.py").is_file()
    result = subprocess.run(
        [sys.executable, "-c", PROGRAM],
        cwd=generated.projects[0],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
