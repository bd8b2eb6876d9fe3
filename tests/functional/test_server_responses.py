"""The generated server documents every response of the spec and answers with what it documents.

Every status keeps all its media types in ``app.openapi()``; a ``default`` or ``2XX``
response is not shadowed by an invented ``200``; a route with inputs documents the
runtime's own 422 body; a status answers with its documented media type.
"""

from __future__ import annotations

import textwrap
from typing import Any

import pytest
from apiforge_testkit import Built, build, server_client

SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Responses, version: "1.0"}
    paths:
      /things/{id}:
        get:
          operationId: getThing
          parameters:
            - {name: id, in: path, required: true, schema: {type: integer}}
          responses:
            "200":
              description: The thing.
              content:
                application/json: {schema: {$ref: "#/components/schemas/Thing"}}
                application/xml: {schema: {$ref: "#/components/schemas/Thing"}}
            "404":
              description: No such thing.
              content:
                application/problem+json: {schema: {$ref: "#/components/schemas/Problem"}}
      /ranges:
        get:
          operationId: ranges
          responses:
            "2XX":
              description: Any success.
              content:
                application/json: {schema: {$ref: "#/components/schemas/Thing"}}
            default:
              description: Anything else.
              content:
                text/plain: {schema: {type: string}}
      /fallback:
        get:
          operationId: fallback
          responses:
            default:
              description: Whatever happens.
              content:
                application/json: {schema: {$ref: "#/components/schemas/Problem"}}
    components:
      schemas:
        Thing:
          type: object
          required: [name]
          properties:
            name: {type: string}
        Problem:
          type: object
          properties:
            title: {type: string}
    """
)


@pytest.fixture(scope="module")
def responses(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("responses"), SPEC, "responses.yaml", "fn_responses")


def _operations(built: Built) -> dict[str, dict[str, Any]]:
    document = built.runtime.routes_openapi(built.server.create_app())
    return {op["operationId"]: op for item in document["paths"].values() for op in item.values()}


def test_every_media_type_of_a_status_is_documented(responses: Built) -> None:
    operation = _operations(responses)["getThing"]["responses"]
    assert set(operation["200"]["content"]) == {"application/json", "application/xml"}
    json_schema, xml_schema = (
        operation["200"]["content"][m]["schema"] for m in ("application/json", "application/xml")
    )
    assert json_schema == xml_schema
    assert set(operation["404"]["content"]) == {"application/problem+json"}


def test_ranges_and_default_are_documented_without_an_invented_200(responses: Built) -> None:
    operations = _operations(responses)
    assert set(operations["ranges"]["responses"]) == {"2XX", "default"}
    assert operations["ranges"]["responses"]["default"]["content"] == {
        "text/plain": {"schema": {"type": "string"}}
    }
    assert set(operations["fallback"]["responses"]) == {"default"}


def test_the_validation_error_body_is_documented_where_there_are_inputs(responses: Built) -> None:
    document = responses.runtime.routes_openapi(responses.server.create_app())
    operation = document["paths"]["/things/{id}"]["get"]
    ref = operation["responses"]["422"]["content"]["application/json"]["schema"]["$ref"]
    schema = document["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert set(schema["properties"]) == {"detail", "fields", "operation_id"}
    assert (
        "422" not in document["paths"]["/ranges"]["get"]["responses"]
    )  # no inputs, nothing to validate
    assert "HTTPValidationError" not in document["components"]["schemas"]


def test_a_status_answers_with_its_documented_media_type(responses: Built) -> None:
    rt = responses.runtime
    models = responses.models("server")

    class Things:
        async def get_thing(self, id: int, *, context: Any) -> Any:
            if id == 1:
                return rt.Ok(models.Thing(name="one"))
            if id == 2:
                return rt.Ok("<thing><name>two</name></thing>", media_type="application/xml")
            return rt.NotFound(models.Problem(title="no such thing"))

    group = next(name for name in responses.server.create_app.__kwdefaults__ if "thing" in name)
    with server_client(responses.server, **{group: Things()}) as http:
        found, xml, missing, invalid = (http.get(f"/things/{i}") for i in ("1", "2", "3", "x"))
    assert (found.status_code, found.headers["content-type"], found.json()) == (
        200,
        "application/json",
        {"name": "one"},
    )
    assert xml.headers["content-type"].startswith("application/xml") and b"<name>two" in xml.content
    assert (missing.status_code, missing.headers["content-type"]) == (
        404,
        "application/problem+json",
    )
    assert missing.json() == {"title": "no such thing"}
    assert invalid.status_code == 422 and invalid.json()["fields"] == ["path.id"]
