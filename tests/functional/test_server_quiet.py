"""A generated server adds nothing to its users' logs: no pydantic warning on a body route's
first request or in ``app.openapi()`` (the server runtime's ``build_body_validator``).

FastAPI silences pydantic's ``UnsupportedFieldAttributeWarning`` while it builds a body's type
adapter; the generated models are deferred, which moved that build past the silence."""

from __future__ import annotations

import importlib
import textwrap
import warnings
from typing import Any

import pytest
from apiforge_testkit import Built, build, server_client

UnsupportedFieldAttributeWarning = getattr(
    importlib.import_module("pydantic.warnings"), "UnsupportedFieldAttributeWarning", None
)

SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Notes, version: "1.0"}
    paths:
      /notes:
        post:
          operationId: addNote
          requestBody:
            required: true
            content:
              application/json: {schema: {$ref: "#/components/schemas/Note"}}
          responses:
            "201":
              description: Added.
              content:
                application/json: {schema: {$ref: "#/components/schemas/Note"}}
        patch:
          operationId: touchNotes
          requestBody:
            content:
              application/json: {schema: {$ref: "#/components/schemas/Note"}}
          responses:
            "204": {description: Touched.}
    components:
      schemas:
        Note:
          type: object
          required: [text]
          properties:
            text: {type: string}
    """
)


@pytest.fixture(scope="module")
def notes(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("notes"), SPEC, "notes.yaml", "fn_quiet")


class _Notes:
    async def add_note(self, *, body: Any, context: Any) -> Any:
        return body

    async def touch_notes(self, *, body: Any, context: Any) -> None:
        return None


@pytest.mark.skipif(UnsupportedFieldAttributeWarning is None, reason="pydantic < 2.12 never warns")
def test_body_routes_and_the_document_raise_no_pydantic_warning(notes: Built) -> None:
    http = server_client(notes.server, notes=_Notes())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        added = http.post("/notes", json={"text": "hi"})
        touched = http.patch("/notes", json={"text": "again"})
        refused = http.post("/notes", json={})
        document = http.app.openapi()
    assert (added.status_code, added.json()) == (201, {"text": "hi"})
    assert touched.status_code == 204
    assert refused.status_code == 422
    assert "/notes" in document["paths"]
    pydantic_warnings = [
        w for w in caught if issubclass(w.category, UnsupportedFieldAttributeWarning)
    ]
    assert not pydantic_warnings, [str(w.message) for w in pydantic_warnings]
