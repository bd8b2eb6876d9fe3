"""A response body documented for a status that cannot carry one (1xx, 204, 205, 304).

Real specs (Swagger 2.0 ones especially) document a schema for ``204`` or ``304``. HTTP
sends those statuses without content and FastAPI refuses to build such a route, so the
content is dropped with a ``body-on-bodiless-status`` warning at its location: the server
starts, the route answers the status with no body, and the client reads none.
"""

from __future__ import annotations

import textwrap
from typing import Any

import httpx
import pytest
from apiforge_testkit import Built, build, mock_client, server_client

SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Bodiless, version: "1.0"}
    paths:
      /things/{id}:
        delete:
          operationId: deleteThing
          parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
          responses:
            "204":
              description: Deleted.
              content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}
        get:
          operationId: getThing
          parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
          responses:
            "200": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}}
            "304": {description: Unchanged., content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}}
      /socket:
        get:
          operationId: upgrade
          responses:
            "101": {description: Switching., content: {text/plain: {schema: {type: string}}}}
    components:
      schemas:
        Thing: {type: object, properties: {id: {type: integer}}}
    """
)


@pytest.fixture(scope="module")
def bodiless(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("bodiless"), SPEC, "bodiless.yaml", "fn_bodiless")


def test_each_ignored_body_is_a_located_warning(bodiless: Built) -> None:
    found = {(d.code, d.location.pointer) for d in bodiless.generated.diagnostics}
    assert found == {
        ("body-on-bodiless-status", "/paths/~1things~1{id}/delete/responses/204/content"),
        ("body-on-bodiless-status", "/paths/~1things~1{id}/get/responses/304/content"),
        ("body-on-bodiless-status", "/paths/~1socket/get/responses/101/content"),
    }
    assert all(d.location.line for d in bodiless.generated.diagnostics)


def test_the_server_starts_and_answers_without_a_body(bodiless: Built) -> None:
    runtime = bodiless.runtime

    class Things:
        async def delete_thing(self, id: int, *, context: Any) -> None:
            return None

        async def get_thing(self, id: int, *, context: Any) -> Any:
            return runtime.NotModified(None) if id == 1 else {"id": id}

    with server_client(bodiless.server, things=Things()) as http:
        deleted = http.delete("/things/5")
        assert (deleted.status_code, deleted.content) == (204, b"")
        unchanged = http.get("/things/1")
        assert (unchanged.status_code, unchanged.content) == (304, b"")
        assert http.get("/things/2").json() == {"id": 2}
    document = bodiless.runtime.routes_openapi(bodiless.server.create_app())
    assert "content" not in document["paths"]["/things/{id}"]["delete"]["responses"]["204"]


def test_the_client_reads_no_body(bodiless: Built) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(204)

    with mock_client(bodiless.client, handler) as client:
        assert client.things.delete_thing(5) is None
