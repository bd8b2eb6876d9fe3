"""A request spells each property as the spec does; the Python name is no wire name.

The models accept ``display_name=`` so that an implementation can build them by Python
name, but a request body (or a ``deepObject`` parameter) sending ``display_name`` instead
of ``display-name`` lacks the property: 422, as for any missing required property, and an
optional one stays unset. Nested models and lists of models are read the same way.
"""

from __future__ import annotations

import textwrap
from typing import Any

import pytest
from apiforge_testkit import Built, build, server_client

SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Wire names, version: "1.0"}
    paths:
      /things:
        post:
          operationId: makeThing
          requestBody:
            required: true
            content:
              application/json:
                schema: {$ref: "#/components/schemas/Thing"}
          responses:
            "201":
              description: ok
              content:
                application/json:
                  schema: {$ref: "#/components/schemas/Thing"}
      /batches:
        post:
          operationId: makeBatch
          requestBody:
            required: true
            content:
              application/json:
                schema: {type: array, items: {$ref: "#/components/schemas/Thing"}}
          responses: {"204": {description: ok}}
      /search:
        get:
          operationId: search
          parameters:
            - {name: filter, in: query, style: deepObject, schema: {$ref: "#/components/schemas/Filter"}}
          responses:
            "200":
              description: ok
              content:
                application/json:
                  schema: {type: object, additionalProperties: true}
      /plains:
        post:
          operationId: makePlain
          requestBody:
            required: true
            content: {application/json: {schema: {$ref: "#/components/schemas/Plain"}}}
          responses: {"204": {description: ok}}
      /holders:
        post:
          operationId: makeHolder
          requestBody:
            required: true
            content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Holder"}}}}
          responses: {"204": {description: ok}}
    components:
      schemas:
        Plain:
          type: object
          properties:
            name: {type: string}
            tags: {type: array, items: {type: string}}
        Holder:
          type: object
          properties:
            parts: {type: array, items: {$ref: "#/components/schemas/Part"}}
        Thing:
          type: object
          required: [display-name]
          properties:
            display-name: {type: string}
            class: {type: string}
            part: {$ref: "#/components/schemas/Part"}
        Part:
          type: object
          required: [part-no]
          properties:
            part-no: {type: integer}
        Filter:
          type: object
          properties:
            created-after: {type: string}
    """
)


@pytest.fixture(scope="module")
def wire(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("wire_names"), SPEC, "wire.yaml", "fn_wire_names")


class Impl:
    async def make_thing(self, *, body: Any, context: Any) -> Any:
        return body

    async def make_batch(self, *, body: Any, context: Any) -> None:
        return None

    async def search(self, *, filter: Any = None, context: Any) -> dict[str, Any]:
        return {"filter": None if filter is None else filter.model_dump(exclude_unset=True)}


def _client(wire: Built) -> Any:
    impl = Impl()
    return server_client(wire.server, things=impl, batches=impl, search=impl)


def test_wire_names_are_read(wire: Built) -> None:
    sent = {"display-name": "x", "class": "c", "part": {"part-no": 1}}
    with _client(wire) as http:
        response = http.post("/things", json=sent)
        assert http.post("/batches", json=[sent]).status_code == 204
    assert response.status_code == 201, response.text
    assert response.json() == sent


@pytest.mark.parametrize(
    ("path", "sent", "field"),
    [
        ("/things", {"display_name": "x"}, "body.display-name"),
        ("/things", {"display-name": "x", "part": {"part_no": 1}}, "body.part.part-no"),
        ("/batches", [{"display_name": "x"}], "body.0.display-name"),
    ],
)
def test_a_python_name_is_not_a_wire_name(wire: Built, path: str, sent: Any, field: str) -> None:
    with _client(wire) as http:
        response = http.post(path, json=sent)
    assert response.status_code == 422
    assert response.json()["fields"] == [field]


def test_an_optional_property_sent_by_python_name_stays_unset(wire: Built) -> None:
    with _client(wire) as http:
        response = http.post("/things", json={"display-name": "x", "class_": "c"})
        searched = http.get("/search", params={"filter[created_after]": "2020"})
    assert response.status_code == 201
    assert response.json() == {"display-name": "x"}
    assert searched.json() == {"filter": {}}  # present, without the property


def test_implementations_still_build_models_by_python_name(wire: Built) -> None:
    thing = wire.models("server").Thing(display_name="x")
    assert thing.model_dump(by_alias=True, exclude_unset=True) == {"display-name": "x"}


def test_only_bodies_whose_models_rename_say_so(wire: Built) -> None:
    """``rt.WIRE_NAMES`` acts only where a model (nested ones too) renames a property."""
    routes = {
        group: wire.generated.file(f"server/routes/{group}.py")
        for group in ("things", "batches", "plains", "holders")
    }
    assert "rt.WIRE_NAMES" in routes["things"]  # Thing renames display-name
    assert "rt.WIRE_NAMES" in routes["batches"]  # a list of Thing
    assert "rt.WIRE_NAMES" in routes["holders"]  # Holder holds Parts, which rename part-no
    assert "rt.WIRE_NAMES" not in routes["plains"]  # every wire name is its Python name
