"""A newer server's reply still reads: unknown keys of closed models, null for a defaulted property.

A server adds properties all the time, and that is no breaking change for its clients; yet a
closed model (``additionalProperties: false``) refused the whole reply. Now it ignores the
keys it does not know while the runtime reads a reply, and stays closed when the caller
builds it. A oneOf of closed members whose properties overlap still picks the member that
knows the reply's keys. A server's null for an optional property that may not be null but has
a default reads as the default. Replies come from a real server on uvicorn.
"""

from __future__ import annotations

import asyncio
import textwrap
from collections.abc import Iterator
from typing import Any

import pydantic
import pytest
from apiforge_testkit import Built, build
from live_server import serve
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Lenient, version: "1.0"}
    paths:
      /items/{case}:
        get:
          operationId: getItem
          parameters: [{name: case, in: path, required: true, schema: {type: string}}]
          responses:
            "200": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Item'}}}}
      /pets/{case}:
        get:
          operationId: getPet
          parameters: [{name: case, in: path, required: true, schema: {type: string}}]
          responses:
            "200": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}}
      /payments/{case}:
        get:
          operationId: getPayment
          parameters: [{name: case, in: path, required: true, schema: {type: string}}]
          responses:
            "200": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Payment'}}}}
    components:
      schemas:
        Item:
          type: object
          additionalProperties: false
          required: [name]
          properties:
            name: {type: string}
            count: {type: integer, default: 1}
            tag: {type: string}
        Card:
          type: object
          additionalProperties: false
          properties: {number: {type: string}, holder: {type: string}}
        Bank:
          type: object
          additionalProperties: false
          properties: {iban: {type: string}, holder: {type: string}}
        Cat:
          type: object
          additionalProperties: false
          required: [name]
          properties: {name: {type: string}, lives: {type: integer, default: 9}}
        Dog:
          type: object
          required: [name]
          properties: {name: {type: string}, good: {type: boolean}}
        Pet:
          oneOf: [{$ref: '#/components/schemas/Cat'}, {$ref: '#/components/schemas/Dog'}]
        Payment:
          type: object
          required: [source]
          properties:
            source:
              oneOf: [{$ref: '#/components/schemas/Card'}, {$ref: '#/components/schemas/Bank'}]
    """
)

REPLIES: dict[str, Any] = {
    "added": {"name": "a", "count": 2, "colour": "red"},
    "null": {"name": "a", "count": None, "tag": None},
    "card": {"source": {"number": "42", "holder": "h", "since": 2020}},
    "bank": {"source": {"holder": "h", "iban": "DE1", "since": 2020}},
    "plain": {"source": {"iban": "DE2"}},
    "both": {"source": {"number": "42", "iban": "DE1", "since": 2020}},
    "dog": {"name": "rex", "collar": "red"},
    "cat": {"name": "tom", "lives": 7},
}


async def reply(request: Request) -> JSONResponse:
    return JSONResponse(REPLIES[request.path_params["case"]])


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("lenient"), SPEC, "lenient.yaml", "fn_lenient")


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    routes = [Route(f"/{group}/{{case}}", reply) for group in ("items", "pets", "payments")]
    with serve(Starlette(routes=routes)) as url:
        yield url


def test_a_reply_with_keys_the_spec_lacks_reads(built: Built, base_url: str) -> None:
    with built.client.Client(base_url=base_url, max_retries=0) as client:
        item = client.items.get_item("added")
    assert (item.name, item.count) == ("a", 2)
    assert item.model_dump(exclude_unset=True) == {"name": "a", "count": 2}


def test_the_caller_still_builds_a_closed_model(built: Built) -> None:
    models = built.models()
    with pytest.raises(pydantic.ValidationError, match="extra_forbidden|Extra inputs"):
        models.Item(name="a", colour="red")
    with pytest.raises(pydantic.ValidationError):
        models.Item.model_validate({"name": "a", "colour": "red"})


def test_a_null_for_a_defaulted_property_reads_as_the_default(built: Built, base_url: str) -> None:
    with built.client.Client(base_url=base_url, max_retries=0) as client:
        item = client.items.get_item("null")
    assert (item.count, item.tag) == (1, None)
    with pytest.raises(pydantic.ValidationError):
        built.models().Item(name="a", count=None)


def test_closed_members_that_overlap_are_told_apart(built: Built, base_url: str) -> None:
    models = built.models()
    with built.client.Client(base_url=base_url, max_retries=0) as client:
        card = client.payments.get_payment("card").source
        bank = client.payments.get_payment("bank").source
    assert isinstance(card, models.Card) and card.number == "42"
    assert isinstance(bank, models.Bank) and bank.iban == "DE1"


def test_a_closed_member_does_not_take_an_open_members_reply(built: Built, base_url: str) -> None:
    """Cat is closed, Dog open: a dog's reply with a key neither declares (only the open Dog
    takes it) was read as a Cat with the key dropped and an invented ``lives``, when the
    closed member dropped unknown keys on its own."""
    models = built.models()
    with built.client.Client(base_url=base_url, max_retries=0) as client:
        dog, cat = client.pets.get_pet("dog"), client.pets.get_pet("cat")
    assert isinstance(dog, models.Dog) and dog.name == "rex"
    assert isinstance(cat, models.Cat) and cat.lives == 7


def test_a_reply_with_keys_of_both_members_is_still_refused(built: Built, base_url: str) -> None:
    with built.client.Client(base_url=base_url, max_retries=0) as client:
        assert client.payments.get_payment("plain").source.iban == "DE2"
        with pytest.raises(built.client.ResponseValidationError):
            client.payments.get_payment("both")  # a number and an iban: neither member's alone


def test_the_async_client_reads_alike(built: Built, base_url: str) -> None:
    async def read() -> tuple[Any, Any]:
        async with built.client.AsyncClient(base_url=base_url, max_retries=0) as client:
            return await client.items.get_item("added"), await client.payments.get_payment("bank")

    item, payment = asyncio.run(read())
    assert item.count == 2 and isinstance(payment.source, built.models().Bank)
