"""A Swagger 2.0 definition whose optional property has a ``title`` and a keyword pydantic
does not know (``externalDocs``, common in large cloud providers' descriptions): the server's
``create_app()`` must build.

The cause was in the old models stage (``generator/model_flavours.py``): the server model
wrapped the field's ``json_schema_extra`` dict in ``_Extra(...)`` by cutting the field's last
``)``, which swallowed any keyword after it (``title=``) into ``_Extra``'s call
(``TypeError: _Extra.__init__() got an unexpected keyword argument 'title'``). The models are
now rendered from the IR; this test keeps it fixed.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from apiforge_testkit import generate, import_in_subprocess

SPEC = textwrap.dedent(
    """
    swagger: "2.0"
    info: {title: Titles, version: "1.0"}
    paths:
      /pools:
        post:
          operationId: addPool
          parameters:
            - {name: pool, in: body, required: true, schema: {$ref: '#/definitions/Pool'}}
          responses:
            "201": {description: Created., schema: {$ref: '#/definitions/Pool'}}
    definitions:
      Pool:
        type: object
        required: [id]
        properties:
          id: {type: string, title: Identifier}
          size: {type: integer, title: Target size, externalDocs: {url: 'https://example.com/sizes'}}
    """
)


def test_the_server_app_builds(tmp_path: Path) -> None:
    spec = tmp_path / "titles.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    generated = generate(spec, tmp_path, "fn_swagger2_titles")
    assert generated.ok, generated.report()
    result = import_in_subprocess(generated)
    assert result.returncode == 0, result.stderr[-2000:]
