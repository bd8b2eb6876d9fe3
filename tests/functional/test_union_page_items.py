"""A paginated operation whose page items are a union component (``Pet``: ``Cat | Dog``).

The page model's ``results`` field holds the members themselves (``Cat``, ``Dog``), as
every field of a union component does; ``*_all`` yields the very same items, typed
``Cat | Dog``, instead of wrapping each again in the ``Pet`` RootModel (where
``isinstance(item, Cat)`` was False and ``item.root`` was needed).
"""

from __future__ import annotations

import asyncio
import textwrap
from typing import Any

import httpx
import pytest
from apiforge_testkit import Built, build, mock_client

SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Pets, version: "1.0"}
    paths:
      /pets:
        get:
          operationId: listPets
          parameters: [{name: cursor, in: query, schema: {type: string}}]
          responses:
            "200":
              description: one page
              content:
                application/json:
                  schema:
                    type: object
                    required: [results]
                    properties:
                      next: {type: string, nullable: true}
                      results: {type: array, items: {$ref: "#/components/schemas/Pet"}}
    components:
      schemas:
        Pet:
          oneOf: [{$ref: "#/components/schemas/Cat"}, {$ref: "#/components/schemas/Dog"}]
          discriminator: {propertyName: kind}
        Cat: {type: object, required: [kind], properties: {kind: {type: string, enum: [cat]}}}
        Dog: {type: object, required: [kind], properties: {kind: {type: string, enum: [dog]}}}
    """
)

PAGES = {
    "": {"next": "https://api.test/pets?cursor=b", "results": [{"kind": "cat"}, {"kind": "dog"}]},
    "b": {"next": None, "results": [{"kind": "dog"}]},
}


@pytest.fixture(scope="module")
def pets(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("union_pages"), SPEC, "pets.yaml", "fn_union_page_items")


def handler(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json=PAGES[request.url.params.get("cursor", "")])


def test_the_iterators_yield_the_members(pets: Built) -> None:
    module = pets.generated.file("client/client/pets.py")
    assert "-> Iterator[Cat | Dog]:" in module
    assert "-> AsyncIterator[Cat | Dog]:" in module


def test_sync_items_are_the_page_results(pets: Built) -> None:
    models = pets.models()
    with mock_client(pets.client, handler) as client:
        items = list(client.pets.list_pets_all())
        first_page = client.pets.list_pets().results
    assert [type(item) for item in items] == [models.Cat, models.Dog, models.Dog]
    assert items[:2] == first_page


def test_async_items_are_the_page_results(pets: Built) -> None:
    models = pets.models()

    async def collect() -> list[Any]:
        transport = httpx.MockTransport(handler)
        async with pets.client.AsyncClient(base_url="https://api.test", transport=transport) as c:
            return [item async for item in c.pets.list_pets_all()]

    items = asyncio.run(collect())
    assert [type(item) for item in items] == [models.Cat, models.Dog, models.Dog]
