"""Parameter values as text: enums listing non-strings, and arrays whose items must differ.

A parameter arrives as text, so ``?mixed=1`` must reach the member ``1`` of the enum
``[1, "two"]`` (pydantic alone matches only the string member); and ``uniqueItems: true``
on an array parameter answers 422 for a repeated item, however the array is spelt
(repeated ``?tags=``, a comma list, a header, an inline JSON body).
"""

from __future__ import annotations

import textwrap
from typing import Any

import pytest
from apiforge_testkit import Built, build, server_client

SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Parameter values, version: "1.0"}
    paths:
      /items/{kind}:
        get:
          operationId: getItems
          parameters:
            - {name: kind, in: path, required: true, schema: {$ref: "#/components/schemas/Mixed"}}
            - {name: mixed, in: query, schema: {$ref: "#/components/schemas/Mixed"}}
            - {name: X-Mixed, in: header, schema: {$ref: "#/components/schemas/Mixed"}}
            - {name: many, in: query, schema: {type: array, items: {$ref: "#/components/schemas/Mixed"}}}
            - {name: flag, in: query, schema: {enum: [true, "auto"]}}
            - {name: tags, in: query, schema: {type: array, uniqueItems: true, items: {type: string}}}
            - {name: ids, in: query, explode: false, schema: {type: array, uniqueItems: true, items: {type: integer}}}
            - {name: X-Ids, in: header, schema: {type: array, uniqueItems: true, items: {type: integer}}}
          responses:
            "200":
              description: Echo.
              content:
                application/json:
                  schema: {type: object, additionalProperties: true}
      /batch:
        post:
          operationId: postBatch
          requestBody:
            required: true
            content:
              application/json:
                schema: {type: array, uniqueItems: true, items: {type: integer}}
          responses: {"204": {description: ok}}
      /anything:
        post:
          operationId: postAnything
          requestBody:
            required: true
            content:
              application/json:
                schema: {type: array, uniqueItems: true}
          responses: {"204": {description: ok}}
    components:
      schemas:
        Mixed: {enum: [1, "two", 2.5]}
    """
)


@pytest.fixture(scope="module")
def values(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(
        tmp_path_factory.mktemp("parameter_values"), SPEC, "values.yaml", "fn_parameter_values"
    )


class Echo:
    async def get_items(self, kind: Any, *, context: Any, **params: Any) -> dict[str, Any]:
        def plain(value: Any) -> Any:
            if isinstance(value, list):
                return [plain(item) for item in value]
            return getattr(value, "value", value)

        return {"kind": plain(kind), **{name: plain(value) for name, value in params.items()}}

    async def post_batch(self, *, body: Any, context: Any) -> None:
        return None


def _get(values: Built, path: str, **kwargs: Any) -> Any:
    with server_client(values.server, items=Echo(), batch=Echo()) as http:
        return http.get(path, **kwargs)


def test_text_reaches_the_non_string_members_of_an_enum(values: Built) -> None:
    response = _get(
        values,
        "/items/1",
        params=[("mixed", "2.5"), ("many", "1"), ("many", "two"), ("flag", "true")],
        headers={"X-Mixed": "1"},
    )
    assert response.status_code == 200, response.text
    echoed = response.json()
    assert echoed["kind"] == 1
    assert echoed["mixed"] == 2.5
    assert echoed["x_mixed"] == 1
    assert echoed["many"] == [1, "two"]
    assert echoed["flag"] is True


def test_string_members_and_unknown_values_are_as_before(values: Built) -> None:
    assert _get(values, "/items/two", params={"flag": "auto"}).json()["flag"] == "auto"
    response = _get(values, "/items/3", params={"mixed": "True"})
    assert response.status_code == 422
    assert response.json()["fields"] == ["path.kind", "query.mixed"]


@pytest.mark.parametrize(
    ("params", "headers", "field"),
    [
        ([("tags", "a"), ("tags", "a")], {}, "query.tags"),
        ({"ids": "1,2,1"}, {}, "query.ids"),
        ({}, {"X-Ids": "3,3"}, "header.X-Ids"),
    ],
)
def test_a_repeated_item_of_a_unique_array_answers_422(
    values: Built, params: Any, headers: dict[str, str], field: str
) -> None:
    response = _get(values, "/items/two", params=params, headers=headers)
    assert response.status_code == 422
    assert response.json()["fields"] == [field]


def test_distinct_items_pass(values: Built) -> None:
    response = _get(
        values,
        "/items/two",
        params=[("tags", "a"), ("tags", "b"), ("ids", "1,2")],
        headers={"X-Ids": "3,4"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["tags"] == ["a", "b"]
    assert response.json()["ids"] == [1, 2]
    assert response.json()["x_ids"] == [3, 4]


def test_a_unique_array_body_refuses_a_repeated_item(values: Built) -> None:
    with server_client(values.server, batch=Echo()) as http:
        assert http.post("/batch", json=[1, 2]).status_code == 204
        refused = http.post("/batch", json=[1, 2, 1])
    assert refused.status_code == 422
    assert refused.json()["fields"] == ["body"]


def test_unique_items_compare_as_json(values: Built) -> None:
    """``1`` and ``1.0`` are one JSON value (and ``true`` another); a long array of distinct
    items passes (the check keeps a set of keys: it used to compare every pair)."""

    class Anything:
        async def post_anything(self, *, body: Any, context: Any) -> None:
            return None

    with server_client(values.server, anything=Anything()) as http:
        assert http.post("/anything", json=[1, 1.0]).status_code == 422
        assert http.post("/anything", json=[{"a": [1]}, {"a": [1.0]}]).status_code == 422
        assert http.post("/anything", json=[1, True, "1", [1], {"1": 1}]).status_code == 204
        assert http.post("/anything", json=list(range(20_000))).status_code == 204
