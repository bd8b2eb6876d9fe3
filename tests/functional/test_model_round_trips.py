"""Values the generated client sends reach the generated server (real uvicorn) and come back
as they were sent, and the server refuses what the spec forbids.

``Level`` is an enum of ``0``, ``1``, ``true``, ``false`` and ``"auto"``: a Python ``Enum``
would make ``true`` an alias of ``1`` (equal values), so it is a RootModel that keeps
each scalar as sent, open on the client, closed on the server. ``Thing.tags`` has
``uniqueItems``: the server answers 422 to a repeated item and documents the keyword.
``Thing.ratio`` is a number enum: the client keeps a value it does not list, an integral
one too, as a member that prints. ``Pet`` is a discriminated union whose members leave
their tag optional: a member built without it still sends it, both ways.
"""

from __future__ import annotations

import json
import textwrap
from typing import Any

import httpx
import pytest
from apiforge_testkit import Built, build, mock_client
from live_server import serve

SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Round trips, version: "1.0"}
    paths:
      /things:
        post:
          operationId: things_echo
          requestBody:
            required: true
            content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}
          responses:
            "200":
              description: the body
              content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}
      /pets:
        post:
          operationId: pets_echo
          requestBody:
            required: true
            content: {application/json: {schema: {$ref: '#/components/schemas/Owner'}}}
          responses:
            "200":
              description: the body
              content: {application/json: {schema: {$ref: '#/components/schemas/Owner'}}}
    components:
      schemas:
        Cat: {type: object, properties: {kind: {type: string}, meow: {type: boolean}}}
        Dog: {type: object, properties: {kind: {type: string}, bark: {type: boolean}}}
        Pet:
          oneOf: [{$ref: '#/components/schemas/Cat'}, {$ref: '#/components/schemas/Dog'}]
          discriminator:
            propertyName: kind
            mapping: {cat: '#/components/schemas/Cat', dog: '#/components/schemas/Dog'}
        Owner:
          type: object
          properties:
            pet: {$ref: '#/components/schemas/Pet'}
            pets: {type: array, items: {$ref: '#/components/schemas/Pet'}}
        Level:
          enum: [0, 1, true, false, auto]
        Thing:
          type: object
          properties:
            level: {$ref: '#/components/schemas/Level'}
            levels: {type: array, items: {$ref: '#/components/schemas/Level'}}
            fallback:
              allOf: [{$ref: '#/components/schemas/Level'}]
              default: true
            tags: {type: array, items: {type: string}, uniqueItems: true}
            ratio: {type: number, enum: [0.5, 1]}
            points:
              type: array
              uniqueItems: true
              items: {type: object, properties: {x: {type: number}}}
    """
)


@pytest.fixture(scope="module")
def trips(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(
        tmp_path_factory.mktemp("model_round_trips"), SPEC, "round_trips.yaml", "fn_round_trips"
    )


class Things:
    def __init__(self) -> None:
        self.seen: list[Any] = []

    async def echo(self, *, body: Any, context: Any) -> Any:
        self.seen.append(body)
        return body


def test_booleans_and_numbers_of_one_enum_come_back_as_sent_over_uvicorn(trips: Built) -> None:
    models = trips.models()
    things = Things()
    sent = {"level": True, "levels": [1, True, 0, False, "auto"]}
    with (
        serve(trips.server.create_app(things=things)) as base_url,
        trips.client.Client(base_url=base_url, max_retries=0) as client,
    ):
        echoed = client.things.echo(models.Thing.model_validate(sent))
        built = client.things.echo(models.Thing(level=models.Level(False)))
        raw = httpx.post(f"{base_url}/things", json=sent)
        closed = httpx.post(f"{base_url}/things", json={"level": 2})
    assert echoed.model_dump(mode="json", exclude_unset=True) == sent
    assert [type(v.root) for v in echoed.levels] == [int, bool, int, bool, str]
    assert built.level is not None and built.level.root is False
    assert things.seen[1].level.root is False  # the server read false, not 0
    assert raw.status_code == 200 and raw.json() == sent
    assert type(raw.json()["level"]) is bool
    assert closed.status_code == 422, closed.text
    assert echoed.fallback.root is True  # the default: true, not 1


def test_the_client_keeps_an_unknown_value_of_such_an_enum(trips: Built) -> None:
    models = trips.models()
    thing = models.Thing.model_validate({"level": 2.5, "levels": ["new"]})
    assert thing.model_dump(mode="json", exclude_unset=True) == {"level": 2.5, "levels": ["new"]}


def test_the_server_refuses_repeated_items_where_the_spec_says_unique(trips: Built) -> None:
    things = Things()
    with serve(trips.server.create_app(things=things)) as base_url:
        unique = httpx.post(f"{base_url}/things", json={"tags": ["a", "b"], "points": [{"x": 1}]})
        repeated = httpx.post(f"{base_url}/things", json={"tags": ["a", "a"]})
        equal_points = httpx.post(f"{base_url}/things", json={"points": [{"x": 1}, {"x": 1.0}]})
        documented = httpx.get(f"{base_url}/openapi.json").json()
    assert unique.status_code == 200 and unique.json() == {"tags": ["a", "b"], "points": [{"x": 1}]}
    for refused in (repeated, equal_points):
        assert refused.status_code == 422, refused.text
        assert refused.json()["detail"][0]["type"] == "unique_items"
    assert len(things.seen) == 1
    schemas = documented["components"]["schemas"]
    assert schemas["Thing"]["properties"]["tags"]["uniqueItems"] is True


def test_the_client_keeps_an_unlisted_integral_value_of_a_number_enum(trips: Built) -> None:
    models = trips.models()
    reply = {"ratio": 7, "level": 1}
    with mock_client(trips.client, lambda request: httpx.Response(200, json=reply)) as client:
        thing = client.things.echo(models.Thing())
    assert thing.ratio == 7 and "UNKNOWN_7" in repr(thing)  # the repr used to raise TypeError
    assert json.loads(thing.model_dump_json(exclude_unset=True)) == reply
    assert models.Thing.model_validate({"ratio": 1}).ratio is models.ThingRatio.int_1


class Pets:
    def __init__(self, models: Any) -> None:
        self.models = models

    async def echo(self, *, body: Any, context: Any) -> Any:
        pets = [type(pet)() for pet in body.pets]  # rebuilt with the tag left to its default
        return self.models.Owner(pet=self.models.Dog(bark=True), pets=pets)


def test_a_union_member_built_without_its_optional_tag_still_sends_it(trips: Built) -> None:
    models = trips.models()
    with (
        serve(trips.server.create_app(pets=Pets(trips.models("server")))) as url,
        trips.client.Client(base_url=url, max_retries=0) as client,
    ):
        owner = client.pets.echo(models.Owner(pet=models.Cat(meow=True), pets=[models.Dog()]))
    assert owner.model_dump(mode="json", exclude_unset=True) == {
        "pet": {"kind": "dog", "bark": True},
        "pets": [{"kind": "dog"}],
    }
    assert type(owner.pet) is models.Dog and type(owner.pets[0]) is models.Dog
