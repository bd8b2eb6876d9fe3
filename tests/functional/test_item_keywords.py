"""Validation keywords below the top of a schema are checked, not dropped.

An inline array's items and a map's values (``{type: array, items: {type: integer,
maximum: 10}}``) in a request body or a query parameter are spelt
``list[Annotated[int, pydantic.Field(le=10)]]`` by the server's routes, so a value the
spec rules out answers 422 naming the item. A property of several types
(``type: [integer, string]``) checks each bound on the member it applies to, and an
untyped property with bounds (``_Bounds``) checks a number's numeric bounds and a
string's string bounds, letting any other JSON value through, as JSON Schema says. An
object model counts its keys (``minProperties``/``maxProperties``), and an untyped schema
spelt as a list (``items``) or a dict (``additionalProperties``) keeps its bounds.
"""

from __future__ import annotations

import textwrap
from typing import Any

import httpx
import pydantic
import pytest
from apiforge_testkit import Built, build
from live_server import serve

SPEC = textwrap.dedent(
    """
    openapi: 3.1.0
    info: {title: Item keywords, version: "1.0"}
    paths:
      /grids:
        put:
          operationId: putGrid
          parameters:
            - name: sizes
              in: query
              schema: {type: array, items: {type: integer, minimum: 1, maximum: 10}}
            - name: codes
              in: query
              style: form
              explode: false
              schema: {type: array, items: {type: string, maxLength: 3, pattern: "^[a-z]+$"}}
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  additionalProperties:
                    type: array
                    items: {type: array, minItems: 1, items: {type: integer, maximum: 10}}
          responses:
            "204": {description: Stored.}
      /labels:
        put:
          operationId: putLabel
          requestBody:
            required: true
            content:
              application/json:
                schema: {$ref: "#/components/schemas/Label"}
          responses:
            "204": {description: Stored.}
    components:
      schemas:
        Label:
          type: object
          maxProperties: 2
          properties:
            either: {type: [integer, string], minimum: 1, maxLength: 3}
            untyped: {minimum: 1, maxLength: 3}
            spread: {items: {type: integer}, minItems: 1}
            sizes: {additionalProperties: {type: integer}, maxProperties: 1}
    """
)


@pytest.fixture(scope="module")
def items(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("item_keywords"), SPEC, "items.yaml", "fn_item_keywords")


class _Impl:
    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []

    async def put_grid(self, **arguments: Any) -> None:
        arguments.pop("context")
        self.received.append(arguments)

    async def put_label(self, **arguments: Any) -> None:
        arguments.pop("context")
        self.received.append(arguments)


@pytest.fixture(scope="module")
def served(items: Built) -> Any:
    impl = _Impl()
    app = items.server.create_app(grids=impl, labels=impl)
    with serve(app) as url:
        yield url, impl


@pytest.mark.parametrize(
    ("params", "body", "error", "loc"),
    [
        ({"sizes": [1, 11]}, {}, "less_than_equal", ["query", "sizes", 1]),
        ({"sizes": [0]}, {}, "greater_than_equal", ["query", "sizes", 0]),
        ({"codes": "ab,abcd"}, {}, "string_too_long", ["query", "codes", 1]),
        ({"codes": "ab,C"}, {}, "string_pattern_mismatch", ["query", "codes", 1]),
        ({}, {"a": [[1, 50]]}, "less_than_equal", ["body", "a", 0, 1]),
        ({}, {"a": [[]]}, "too_short", ["body", "a", 0]),
    ],
)
def test_an_item_the_spec_rules_out_answers_422(
    served: Any, params: dict[str, Any], body: Any, error: str, loc: list[Any]
) -> None:
    url, impl = served
    before = len(impl.received)
    response = httpx.put(f"{url}/grids", params=params, json=body)
    assert response.status_code == 422, response.text
    assert (response.json()["detail"][0]["type"], response.json()["detail"][0]["loc"]) == (
        error,
        loc,
    )
    assert len(impl.received) == before


def test_items_within_the_keywords_reach_the_implementation(served: Any) -> None:
    url, impl = served
    response = httpx.put(
        f"{url}/grids", params={"sizes": [1, 10], "codes": "ab,c"}, json={"a": [[10, 0]]}
    )
    assert response.status_code == 204, response.text
    assert impl.received[-1] == {"sizes": [1, 10], "codes": ["ab", "c"], "body": {"a": [[10, 0]]}}


@pytest.mark.parametrize(
    ("label", "error"),
    [
        ({"either": 0}, "greater_than_equal"),
        ({"either": "abcd"}, "string_too_long"),
        ({"untyped": 0.5}, "greater_than_equal"),
        ({"untyped": "abcd"}, "string_too_long"),
        ({"spread": []}, "too_short"),  # an untyped list's minItems
        ({"sizes": {"a": 1, "b": 2}}, "too_long"),  # an untyped map's maxProperties
        ({"either": 1, "untyped": 1, "spread": [1]}, "too_many_properties"),
    ],
)
def test_each_bound_checks_the_type_it_applies_to(
    served: Any, items: Built, label: dict[str, Any], error: str
) -> None:
    url, _impl = served
    response = httpx.put(f"{url}/labels", json=label)
    assert response.status_code == 422, response.text
    assert error in {d["type"] for d in response.json()["detail"]}
    with pytest.raises(pydantic.ValidationError, match=error):  # the client's model as well
        items.models().Label.model_validate(label)


@pytest.mark.parametrize(
    "label",
    [
        {"either": 1},
        {"either": "abc"},
        {"untyped": 2},
        {"untyped": "ab"},
        {"untyped": True},
        {"untyped": None},
        {"untyped": [0]},
        {"untyped": {"a": "long text"}},
    ],
)
def test_a_bound_lets_other_types_and_values_within_it_through(
    served: Any, items: Built, label: dict[str, Any]
) -> None:
    url, impl = served
    response = httpx.put(f"{url}/labels", json=label)
    assert response.status_code == 204, response.text
    assert impl.received[-1]["body"].model_dump(exclude_unset=True) == label
    assert items.models().Label.model_validate(label).model_dump(exclude_unset=True) == label
