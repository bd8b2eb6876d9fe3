"""OpenAPI 3.1 keywords as written in the wild: each generates working code, or a warning
names the keyword and says what the generated code does instead.

``unevaluatedProperties: false`` is valid 3.1 (no ``invalid-spec``) and closes the object;
``type`` arrays, ``const``, ``examples`` and ``$defs`` just work; ``prefixItems``,
``contentEncoding``, keywords beside ``$ref`` and another dialect get their own warnings.
"""

from __future__ import annotations

import textwrap
from typing import Any

import pytest
from apiforge_testkit import Built, build, server_client

SPEC = textwrap.dedent(
    """
    openapi: 3.1.0
    jsonSchemaDialect: http://json-schema.org/draft-07/schema#
    info: {title: Keywords, version: "1.0"}
    paths:
      /things:
        post:
          operationId: createThing
          requestBody:
            required: true
            content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}
          responses:
            "200": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}}
    components:
      schemas:
        Thing:
          $schema: https://json-schema.org/draft/2020-12/schema
          type: object
          unevaluatedProperties: false
          required: [kind]
          properties:
            kind: {const: thing}
            name: {type: [string, "null"], examples: [a, b]}
            point:
              type: array
              prefixItems: [{type: number}, {type: number}]
            unset: {const: null}
            row:
              type: array
              prefixItems: [{type: integer}, {type: string}]
              items: {type: boolean}
            pair:
              type: array
              prefixItems: [{type: integer}, {type: string}]
              items: false
            picture: {type: string, contentMediaType: image/png, contentEncoding: base64}
            label: {$ref: '#/components/schemas/Label', maxLength: 3, description: Short.}
            local: {$ref: '#/components/schemas/Thing/$defs/Local'}
          $defs:
            Local: {type: integer}
        Label: {$schema: 'http://json-schema.org/draft-04/schema#', type: string}
    """
)


@pytest.fixture(scope="module")
def keywords(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(
        tmp_path_factory.mktemp("keywords"), SPEC, "keywords.yaml", "fn_openapi31_keywords"
    )


def test_each_keyword_that_is_not_applied_as_written_is_named(keywords: Built) -> None:
    found = sorted((d.code, d.location.pointer) for d in keywords.generated.diagnostics)
    assert found == [
        ("content-encoding-kept", "/components/schemas/Thing/properties/picture/contentEncoding"),
        ("prefix-items-loose", "/components/schemas/Thing/properties/pair/prefixItems"),
        ("prefix-items-loose", "/components/schemas/Thing/properties/point/prefixItems"),
        ("prefix-items-loose", "/components/schemas/Thing/properties/row/prefixItems"),
        ("ref-siblings-ignored", "/components/schemas/Thing/properties/label"),
        ("schema-dialect", "/components/schemas/Label/$schema"),
        ("schema-dialect", "/jsonSchemaDialect"),
    ]
    messages = {d.code: d.message for d in keywords.generated.diagnostics}
    assert "maxLength" in messages["ref-siblings-ignored"]
    assert (
        "prefixItems" in messages["prefix-items-loose"]
        and "contentEncoding" in messages["content-encoding-kept"]
    )


class Things:
    async def create_thing(self, *, body: Any, context: Any) -> Any:
        return body


def test_the_generated_code_applies_the_rest(keywords: Built) -> None:
    thing = {
        "kind": "thing",
        "name": None,
        "point": [1.5, 2],
        "picture": "aGk=",
        "label": "ab",
        "local": 3,
    }
    with server_client(keywords.server, things=Things()) as http:
        assert http.post("/things", json=thing).status_code == 200
        assert (
            http.post("/things", json={**thing, "other": 1}).status_code == 422
        )  # unevaluatedProperties
        assert http.post("/things", json={**thing, "kind": "other"}).status_code == 422  # const
        assert http.post("/things", json={**thing, "name": 3}).status_code == 422  # type: [string, null]
    model = keywords.models().Thing.model_validate(thing)
    assert (model.name, model.local.root if hasattr(model.local, "root") else model.local) == (
        None,
        3,
    )


def test_a_tuple_takes_its_members_types_and_the_tail_items_type(keywords: Built) -> None:
    """``prefixItems`` beside ``items``: an item may be of any member's type or of the
    tail's (positions unchecked, as the warning says), never only the tail's."""
    thing = {"kind": "thing", "row": [1, "a", True, False], "pair": [2, "b"]}
    with server_client(keywords.server, things=Things()) as http:
        accepted = http.post("/things", json=thing)
        refused = [
            http.post("/things", json={**thing, **change})
            for change in ({"row": [1, "a", 2.5]}, {"pair": [1, {"x": 1}]})
        ]
    assert accepted.status_code == 200, accepted.text
    assert accepted.json() == thing  # 1 stays 1: it was read as the tail's boolean, true
    assert [r.status_code for r in refused] == [422, 422]
    model = keywords.models().Thing.model_validate(thing)
    assert model.model_dump(mode="json", exclude_unset=True) == thing


def test_a_null_const_admits_null_alone(keywords: Built) -> None:
    thing = {"kind": "thing", "unset": None}
    with server_client(keywords.server, things=Things()) as http:
        accepted = http.post("/things", json=thing)
        refused = http.post("/things", json={**thing, "unset": 1})
    assert accepted.status_code == 200 and accepted.json() == thing
    assert refused.status_code == 422, refused.text
