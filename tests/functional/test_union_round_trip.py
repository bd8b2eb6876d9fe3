"""Unions between the generated client and the generated server, over uvicorn.

A caller who built a valid instance of one member of a ``oneOf`` can send it, even where
another member accepts the same object (open objects sharing their required properties,
an integer that is a number too): the server reads the spec's oneOf as the union of its
members, and still refuses a value no member accepts and still picks a discriminated
member by its tag. A ``number | string`` parameter sent as ``1.5`` reaches the
implementation as the number ``1.5`` (not the text ``"1.5"``), in every location and
style, and so does a form body's field; a text that spells no number stays text.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from apiforge_testkit import Built, build
from live_server import serve

SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Unions, version: "1.0"}
    paths:
      /pets:
        post:
          operationId: addPet
          requestBody:
            required: true
            content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}
          responses:
            "200": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}}
      /tagged:
        post:
          operationId: addTagged
          requestBody:
            required: true
            content: {application/json: {schema: {$ref: '#/components/schemas/Tagged'}}}
          responses: {"204": {description: ok}}
      /counts:
        post:
          operationId: addCount
          requestBody:
            required: true
            content: {application/json: {schema: {$ref: '#/components/schemas/Counted'}}}
          responses: {"204": {description: ok}}
      /quotes:
        post:
          operationId: addQuote
          requestBody:
            required: true
            content: {application/x-www-form-urlencoded: {schema: {$ref: '#/components/schemas/Quote'}}}
          responses: {"204": {description: ok}}
      /uploads:
        post:
          operationId: addUpload
          requestBody:
            required: true
            content: {multipart/form-data: {schema: {$ref: '#/components/schemas/Quote'}}}
          responses: {"204": {description: ok}}
      /prices/{price}:
        get:
          operationId: getPrice
          parameters:
            - {name: price, in: path, required: true, schema: {$ref: '#/components/schemas/Amount'}}
            - {name: at, in: query, schema: {anyOf: [{type: number}, {type: string}]}}
            - {name: X-Amount, in: header, schema: {$ref: '#/components/schemas/Amount'}}
            - {name: amount, in: cookie, schema: {$ref: '#/components/schemas/Amount'}}
            - {name: amounts, in: query, explode: false, schema: {type: array, items: {$ref: '#/components/schemas/Amount'}}}
            - name: range
              in: query
              style: deepObject
              schema:
                type: object
                properties:
                  low: {$ref: '#/components/schemas/Amount'}
                  open: {oneOf: [{type: boolean}, {type: string}]}
          responses: {"204": {description: ok}}
    components:
      schemas:
        Amount: {oneOf: [{type: number}, {type: string}]}
        Cat:
          type: object
          required: [name]
          properties: {name: {type: string}, lives: {type: integer}}
        Dog:
          type: object
          required: [name]
          properties: {name: {type: string}, barks: {type: boolean}}
        Pet:
          oneOf: [{$ref: '#/components/schemas/Cat'}, {$ref: '#/components/schemas/Dog'}]
        TaggedCat:
          type: object
          required: [kind, name]
          properties: {kind: {type: string}, name: {type: string}}
        TaggedDog:
          type: object
          required: [kind, name]
          properties: {kind: {type: string}, name: {type: string}}
        Tagged:
          oneOf: [{$ref: '#/components/schemas/TaggedCat'}, {$ref: '#/components/schemas/TaggedDog'}]
          discriminator: {propertyName: kind, mapping: {cat: TaggedCat, dog: TaggedDog}}
        Quote:
          type: object
          required: [price]
          properties:
            price: {$ref: '#/components/schemas/Amount'}
            meta:
              type: object
              properties: {label: {$ref: '#/components/schemas/Amount'}}
        Counted:
          type: object
          required: [count]
          properties:
            count: {oneOf: [{type: integer}, {type: number}]}
    """
)


class Recorder:
    """Every group's implementation: records each call's arguments, answers the body back."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def __getattr__(self, name: str) -> Any:
        async def method(*path: Any, context: Any, **kwargs: Any) -> Any:
            self.calls.append({**dict(zip(("price",), path)), **kwargs})  # getPrice's path
            return kwargs.get("body") if name == "add_pet" else None

        return method


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(
        tmp_path_factory.mktemp("union_round_trip"), SPEC, "unions.yaml", "fn_union_round_trip"
    )


@pytest.fixture(scope="module")
def live(built: Built) -> Iterator[tuple[str, Recorder]]:
    recorder = Recorder()
    groups = dict.fromkeys(("pets", "tagged", "counts", "prices", "quotes", "uploads"), recorder)
    with serve(built.server.create_app(**groups)) as url:
        yield url, recorder


def test_a_member_another_member_also_accepts_can_be_sent(
    built: Built, live: tuple[str, Recorder]
) -> None:
    url, recorder = live
    models = built.models()
    with built.client.Client(base_url=url, max_retries=0) as client:
        reply = client.pets.add_pet(models.Dog(name="rex", barks=True))
        assert reply.model_dump(exclude_unset=True) == {"name": "rex", "barks": True}
        client.tagged.add_tagged(models.TaggedDog(kind="dog", name="rex"))
        client.counts.add_count(models.Counted(count=2))
    pet, tagged, counted = (call["body"] for call in recorder.calls[-3:])
    assert pet.model_dump(exclude_unset=True) == {"name": "rex", "barks": True}
    assert type(tagged).__name__ == "TaggedDog"  # the discriminator picks the member
    assert counted.count == 2 and type(counted.count) is int


def test_a_value_no_member_accepts_is_still_refused(live: tuple[str, Recorder]) -> None:
    url, _ = live
    with httpx.Client(base_url=url) as http:
        assert http.post("/pets", json={"lives": 9}).status_code == 422
        assert http.post("/tagged", json={"kind": "bird", "name": "tweety"}).status_code == 422
        assert http.post("/counts", json={"count": "two"}).status_code == 422


def test_a_number_in_a_union_parameter_reaches_the_server_as_the_number(
    built: Built, live: tuple[str, Recorder]
) -> None:
    url, recorder = live
    with built.client.Client(base_url=url, max_retries=0) as client:
        client.prices.get_price(
            1.5,
            at=2.5,
            x_amount=-3,
            amount=4e20,
            amounts=[5.5, "six"],
            range={"low": 7.0, "open": True},
        )
        client.prices.get_price(
            "one", at="two", x_amount="three", amount="four", range={"open": "no"}
        )
    typed, texts = recorder.calls[-2:]
    received = {name: _plain(value) for name, value in typed.items()}
    assert received == {
        "price": 1.5,
        "at": 2.5,
        "x_amount": -3,
        "amount": 4e20,
        "amounts": [5.5, "six"],
        "range": {"low": 7.0, "open": True},
    }
    assert type(received["range"]["open"]) is bool
    assert {name: _plain(value) for name, value in texts.items() if value is not None} == {
        "price": "one",
        "at": "two",
        "x_amount": "three",
        "amount": "four",
        "range": {"open": "no"},
    }


def _plain(value: Any) -> Any:
    """A parameter's value as data (a union component arrives as its RootModel)."""
    if hasattr(value, "model_dump"):
        return value.model_dump(exclude_unset=True)
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def test_a_number_in_a_form_field_reaches_the_server_as_the_number(
    built: Built, live: tuple[str, Recorder]
) -> None:
    url, recorder = live
    models = built.models()
    with built.client.Client(base_url=url, max_retries=0) as client:
        client.quotes.add_quote(models.Quote(price=2.5, meta={"label": 3}))
        client.uploads.add_upload(models.Quote(price=2.5, meta={"label": "1.5"}))
    form, multipart = (_plain(call["body"]) for call in recorder.calls[-2:])
    assert form == {"price": 2.5, "meta": {"label": 3}}
    assert multipart == {"price": 2.5, "meta": {"label": "1.5"}}  # a JSON part: data, not text
