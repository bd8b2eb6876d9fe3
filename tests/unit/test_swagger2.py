"""Swagger 2.0 -> OpenAPI 3.0.3 conversion."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate as validate_openapi

from apiforge.diagnostics import Sink
from apiforge.load.load import load
from apiforge.load.swagger2 import convert, convert_schema, rewrite_ref

SWAGGER = """\
swagger: "2.0"
info: {title: Shop, version: "1"}
host: api.example.com
basePath: /v1
schemes: [https, http]
consumes: [application/json]
produces: [application/json]
securityDefinitions:
  basic: {type: basic}
  key: {type: apiKey, name: X-Key, in: header}
  oauth:
    type: oauth2
    flow: accessCode
    authorizationUrl: https://example.com/auth
    tokenUrl: https://example.com/token
    scopes: {read: read things}
  machine: {type: oauth2, flow: application, tokenUrl: https://example.com/token, scopes: {}}
parameters:
  Limit: {name: limit, in: query, type: integer, maximum: 100}
  Item: {name: item, in: body, required: true, schema: {$ref: '#/definitions/Item'}}
responses:
  NotFound:
    description: not found
    schema: {$ref: '#/definitions/Error'}
paths:
  /items/{id}:
    parameters:
      - {name: id, in: path, type: string}
    get:
      operationId: getItem
      parameters:
        - $ref: '#/parameters/Limit'
        - {name: tags, in: query, type: array, items: {type: string}, collectionFormat: multi}
        - {name: ids, in: query, type: array, items: {type: integer}}
        - {name: X-Trace, in: header, type: array, items: {type: string}}
      responses:
        "200":
          description: the item
          schema: {$ref: '#/definitions/Item'}
          headers:
            X-Rate: {type: integer, description: calls left}
          examples:
            application/json: {id: "1"}
        "404": {$ref: '#/responses/NotFound'}
    put:
      parameters:
        - $ref: '#/parameters/Item'
      responses:
        "204": {description: done}
  /upload:
    post:
      consumes: [multipart/form-data]
      produces: [application/octet-stream]
      parameters:
        - {name: file, in: formData, type: file, required: true}
        - {name: note, in: formData, type: string}
      responses:
        "200": {description: raw, schema: {type: file}}
  /login:
    post:
      parameters:
        - {name: user, in: formData, type: string, required: true}
      responses:
        "200": {description: ok}
definitions:
  Item:
    type: object
    discriminator: kind
    required: [id, kind]
    properties:
      id: {type: string}
      kind: {type: string}
      note: {type: string, x-nullable: true}
      children: {type: array, items: {$ref: '#/definitions/Item'}}
  Error: {type: object, properties: {message: {type: string}}}
"""


def line_of(fragment: str) -> int:
    return next(n for n, line in enumerate(SWAGGER.splitlines(), 1) if fragment in line)


@pytest.fixture(scope="module")
def converted() -> tuple[dict[str, Any], dict[str, str], list[tuple[str, str, str]]]:
    warnings: list[tuple[str, str, str]] = []
    document, origins = convert(yaml.safe_load(SWAGGER), lambda c, m, p: warnings.append((c, m, p)))
    return document, origins, warnings


def test_the_result_is_valid_openapi_3(converted: Any) -> None:
    document, _, warnings = converted
    assert document["openapi"] == "3.0.3"
    assert warnings == []
    validate_openapi(document)


def test_servers(converted: Any) -> None:
    assert converted[0]["servers"] == [
        {"url": "https://api.example.com/v1"},
        {"url": "http://api.example.com/v1"},
    ]


def test_components(converted: Any) -> None:
    components = converted[0]["components"]
    item = components["schemas"]["Item"]
    assert item["discriminator"] == {"propertyName": "kind"}
    assert item["properties"]["note"] == {"type": "string", "nullable": True}
    assert item["properties"]["children"]["items"] == {"$ref": "#/components/schemas/Item"}
    assert components["parameters"] == {
        "Limit": {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 100}}
    }
    body = components["requestBodies"]["Item"]
    assert body["content"] == {
        "application/json": {"schema": {"$ref": "#/components/schemas/Item"}}
    }
    assert body["required"] is True
    assert components["responses"]["NotFound"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }


def test_security_schemes(converted: Any) -> None:
    schemes = converted[0]["components"]["securitySchemes"]
    assert schemes["basic"] == {"type": "http", "scheme": "basic"}
    assert schemes["key"] == {"type": "apiKey", "name": "X-Key", "in": "header"}
    assert schemes["oauth"]["flows"] == {
        "authorizationCode": {
            "authorizationUrl": "https://example.com/auth",
            "tokenUrl": "https://example.com/token",
            "scopes": {"read": "read things"},
        }
    }
    assert list(schemes["machine"]["flows"]) == ["clientCredentials"]


def test_parameters_get_schemas_and_styles(converted: Any) -> None:
    item = converted[0]["paths"]["/items/{id}"]
    assert item["parameters"] == [
        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
    ]
    params = item["get"]["parameters"]
    assert params[0] == {"$ref": "#/components/parameters/Limit"}
    assert params[1]["style"] == "form" and params[1]["explode"] is True
    assert params[1]["schema"] == {"type": "array", "items": {"type": "string"}}
    assert (params[2]["style"], params[2]["explode"]) == ("form", False)  # csv is the default
    assert (params[3]["style"], params[3]["explode"]) == ("simple", False)


def test_responses_get_content(converted: Any) -> None:
    responses = converted[0]["paths"]["/items/{id}"]["get"]["responses"]
    ok = responses["200"]
    assert ok["content"]["application/json"] == {
        "schema": {"$ref": "#/components/schemas/Item"},
        "example": {"id": "1"},
    }
    assert ok["headers"]["X-Rate"] == {"description": "calls left", "schema": {"type": "integer"}}
    assert responses["404"] == {"$ref": "#/components/responses/NotFound"}
    raw = converted[0]["paths"]["/upload"]["post"]["responses"]["200"]["content"]
    assert raw == {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}


def test_bodies(converted: Any) -> None:
    paths = converted[0]["paths"]
    assert paths["/items/{id}"]["put"]["requestBody"] == {"$ref": "#/components/requestBodies/Item"}
    upload = paths["/upload"]["post"]["requestBody"]
    assert upload["required"] is True
    assert upload["content"]["multipart/form-data"]["schema"] == {
        "type": "object",
        "properties": {
            "file": {"type": "string", "format": "binary"},
            "note": {"type": "string"},
        },
        "required": ["file"],
    }
    login = paths["/login"]["post"]["requestBody"]
    assert list(login["content"]) == ["application/x-www-form-urlencoded"]
    assert "parameters" not in paths["/login"]["post"]


def test_origins_point_at_the_swagger_document(converted: Any) -> None:
    origins = converted[1]
    assert origins["/components/schemas"] == "/definitions"
    assert origins["/paths/~1items~1{id}/put/requestBody"] == "/parameters/Item"
    assert origins["/paths/~1items~1{id}/get/parameters/0"] == "/parameters/Limit"
    assert origins["/paths/~1upload/post/requestBody"] == "/paths/~1upload/post/parameters/0"
    key = "/paths/~1items~1{id}/get/responses/200/content/application~1json/schema"
    assert origins[key] == "/paths/~1items~1{id}/get/responses/200/schema"


def test_tsv_is_reported_as_lossy() -> None:
    doc = {
        "swagger": "2.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/a": {
                "get": {
                    "parameters": [
                        {
                            "name": "q",
                            "in": "query",
                            "type": "array",
                            "items": {"type": "string"},
                            "collectionFormat": "tsv",
                        }
                    ],
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
    }
    warnings: list[tuple[str, str, str]] = []
    convert(doc, lambda c, m, p: warnings.append((c, m, p)))
    assert warnings == [
        (
            "swagger-2-lossy",
            "collectionFormat 'tsv' has no OpenAPI 3 equivalent",
            "/paths/~1a/get/parameters/0",
        )
    ]


def test_helpers() -> None:
    assert rewrite_ref("#/definitions/A") == "#/components/schemas/A"
    assert rewrite_ref("#/responses/R") == "#/components/responses/R"
    assert convert_schema({"type": "file"}) == {"type": "string", "format": "binary"}


def test_load_converts_with_a_warning_and_keeps_original_lines(tmp_path: Path) -> None:
    path = tmp_path / "swagger.yaml"
    path.write_text(SWAGGER)
    sink = Sink()
    loaded = load(path, sink)
    assert loaded is not None
    assert [d.code for d in sink] == ["converted-swagger-2"]
    assert loaded.openapi_version == "3.0.3" and loaded.converted_from == "2.0"
    where = loaded.locate(loaded.origin("/components/schemas/Item/properties/id"))
    assert (where.pointer, where.line) == ("/definitions/Item/properties/id", line_of("id: {type"))
    body = loaded.locate(loaded.origin("/paths/~1upload/post/requestBody"))
    assert body.line == line_of("{name: file")


def test_swagger_version_other_than_2_0(tmp_path: Path) -> None:
    path = tmp_path / "swagger.yaml"
    path.write_text(textwrap.dedent('swagger: "1.2"\ninfo: {title: t, version: "1"}\n'))
    sink = Sink()
    assert load(path, sink) is None
    assert [(d.code, d.location.pointer) for d in sink] == [("unsupported-version", "/swagger")]


@pytest.mark.parametrize(
    "relative",
    [
        "oai-examples/examples/v2.0/yaml/petstore-separate/spec/swagger.yaml",
        "openapi-directory-2020/APIs/launchdarkly.com/2.0.5/swagger.yaml",
    ],
)
def test_shared_swagger_specs(relative: str, spec_corpus: Path) -> None:
    path = spec_corpus / relative
    sink = Sink()
    loaded = load(path, sink)
    assert loaded is not None
    assert [d.code for d in sink] == ["converted-swagger-2"]
    validate_openapi(loaded.document)
