"""What the generated client sends and accepts, against the generated server on uvicorn.

An optional property the spec does not let be null is left out when set to None (the
server answers 422 to a null); an operation documented only by ``default`` reads its
error bodies; ``*_all`` follows a ``next`` that is a bare cursor token through the
operation's cursor parameter, and warns where it cannot follow one.
"""

from __future__ import annotations

import asyncio
import json
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any

import httpx
import pydantic
import pytest
from apiforge_testkit import Built, build, mock_client
from live_server import serve

SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Wire, version: "1.0"}
    paths:
      /items/{id}:
        patch:
          operationId: patchItem
          parameters:
            - {name: id, in: path, required: true, schema: {type: integer}}
          requestBody:
            required: true
            content:
              application/json:
                schema: {$ref: "#/components/schemas/ItemPatch"}
          responses:
            "200":
              description: ok
              content:
                application/json:
                  schema: {$ref: "#/components/schemas/Item"}
        get:
          operationId: getItem
          parameters:
            - {name: id, in: path, required: true, schema: {type: integer}}
          responses:
            default:
              description: the item, or what went wrong
              content:
                application/json:
                  schema: {$ref: "#/components/schemas/Item"}
    components:
      schemas:
        Owner:
          type: object
          properties:
            name: {type: string}
        Item:
          type: object
          required: [id]
          properties:
            id: {type: integer}
            name: {type: string}
            at: {type: string, format: date-time}
            seen: {type: array, items: {type: string, format: date-time}}
            link: {type: string, format: uri}
        ItemPatch:
          type: object
          properties:
            name: {type: string}
            class: {type: integer}
            note: {type: string, nullable: true}
            owner: {$ref: "#/components/schemas/Owner"}
            owners: {type: array, items: {$ref: "#/components/schemas/Owner"}}
            link: {type: string, format: uri}
    """
)


@contextmanager
def _live(b: Built, **implementations: Any) -> Iterator[Any]:
    """A generated client talking to the generated server (bound to ``implementations``) on uvicorn."""
    with (
        serve(b.server.create_app(**implementations)) as url,
        b.client.Client(base_url=url, max_retries=0) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def wire(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("wire"), SPEC, "wire.yaml", "wire")


class _Items:
    def __init__(self) -> None:
        self.seen: list[Any] = []

    async def patch_item(self, id: int, *, body: Any, context: Any) -> Any:
        self.seen.append(body.model_dump())
        return {"id": id} if body.name is None else {"id": id, "name": body.name}

    async def get_item(self, id: int, *, context: Any) -> Any:
        from starlette.responses import JSONResponse

        if id == 404:
            return JSONResponse({"id": 0, "name": "missing"}, status_code=404)
        # Replies the spec does not allow, from a server other than the generated one (which
        # validates what it returns): sent as they are.
        if id == 2:  # a server that writes its local time without an offset
            at = "2024-05-06T07:08:09"
            return JSONResponse({"id": id, "at": at, "seen": ["2024-05-06T07:08:09Z"]})
        if id == 3:  # a link relative to the API (a URI reference)
            return JSONResponse({"id": id, "link": "/items/3?page=2"})
        return {"id": id}


def test_none_for_an_optional_non_nullable_property_is_left_out(wire: Built) -> None:
    models = wire.models()
    patch = models.ItemPatch(
        name=None, class_=None, note=None, owner=None, owners=[models.Owner(name=None)]
    )
    assert json.loads(patch.model_dump_json(by_alias=True)) == {"note": None, "owners": [{}]}
    items = _Items()
    with _live(wire, items=items) as client:
        assert client.items.patch_item(1, patch).id == 1
        assert client.items.patch_item(2, {"name": "n"}).name == "n"
    assert items.seen[0] == {"note": None, "owners": [{}]}  # the server's dump omits as well


def test_a_set_property_is_still_sent_under_its_wire_name(wire: Built) -> None:
    models = wire.models()
    seen: list[bytes] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.content)
        return httpx.Response(200, json={"id": 1})

    with mock_client(wire.client, handler) as client:
        client.items.patch_item(1, models.ItemPatch(class_=3, name="n", owner={"name": None}))
    assert json.loads(seen[0]) == {"class": 3, "name": "n", "owner": {}}


def test_an_operation_documented_only_by_default_reads_its_error_body(wire: Built) -> None:
    with _live(wire, items=_Items()) as client:
        assert client.items.get_item(1).id == 1
        with pytest.raises(wire.client.NotFoundError) as caught:
            client.items.get_item(404)
    assert caught.value.parsed == wire.models().Item(id=0, name="missing")


PAGES_SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Pages, version: "1.0"}
    paths:
      /things:
        get:
          operationId: listThings
          parameters:
            - {name: kind, in: query, schema: {type: string}}
            - {name: page_token, in: query, schema: {type: string}}
          responses:
            "200":
              description: one page
              content:
                application/json:
                  schema: {$ref: "#/components/schemas/ThingPage"}
      /others:
        get:
          operationId: listOthers
          responses:
            "200":
              description: one page
              content:
                application/json:
                  schema: {$ref: "#/components/schemas/ThingPage"}
      /numbers:
        get:
          operationId: listNumbers
          parameters:
            - {name: page, in: query, schema: {type: integer}}
          responses:
            "200":
              description: one page
              content:
                application/json:
                  schema: {$ref: "#/components/schemas/NumberPage"}
    components:
      schemas:
        NumberPage:
          type: object
          required: [results]
          properties:
            next: {type: integer, nullable: true, description: the number of the next page}
            results: {type: array, items: {type: integer}}
        ThingPage:
          type: object
          required: [results]
          properties:
            next: {type: string, nullable: true, description: the token of the next page}
            results: {type: array, items: {type: string}}
    """
)

# standard base64 tokens may hold "/" and "+", and start with "/"
_TOKENS = {None: (["a", "b"], "t/2+="), "t/2+=": (["c"], "/t3="), "/t3=": (["d"], None)}


class _Things:
    def __init__(self) -> None:
        self.seen: list[tuple[str | None, str | None]] = []

    async def list_things(self, *, kind: str | None, page_token: str | None, context: Any) -> Any:
        self.seen.append((kind, page_token))
        results, following = _TOKENS[page_token]
        return {"results": results, "next": following}

    async def list_others(self, *, context: Any) -> Any:
        return {"results": ["x"], "next": "opaque"}

    async def list_numbers(self, *, page: int | None, context: Any) -> Any:
        page = page or 1
        return {"results": [page * 10], "next": page + 1 if page < 3 else None}


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("pages"), PAGES_SPEC, "pages.yaml", "pages")


def test_a_bare_token_or_page_number_next_is_sent_as_the_cursor_parameter(pages: Built) -> None:
    things = _Things()
    with serve(pages.server.create_app(things=things, others=things, numbers=things)) as url:
        with pages.client.Client(base_url=url, max_retries=0) as client:
            assert list(client.things.list_things_all(kind="k")) == ["a", "b", "c", "d"]
            assert list(client.numbers.list_numbers_all()) == [10, 20, 30]

        async def every_thing() -> list[str]:
            async with pages.client.AsyncClient(base_url=url, max_retries=0) as client:
                return [item async for item in client.things.list_things_all(kind="a")]

        assert asyncio.run(every_thing()) == ["a", "b", "c", "d"]
    assert things.seen == [("k", None), ("k", "t/2+="), ("k", "/t3=")] + [
        ("a", None),
        ("a", "t/2+="),
        ("a", "/t3="),
    ]


def test_a_next_the_client_cannot_follow_warns(pages: Built) -> None:
    things = _Things()
    with _live(pages, others=things) as client, pytest.warns(RuntimeWarning, match="'opaque'"):
        assert list(client.others.list_others_all()) == ["x"]


def test_the_client_reads_a_date_time_without_an_offset_but_does_not_build_one(
    wire: Built,
) -> None:
    """A server's timestamp without an offset reads as a naive datetime (one such value
    does not fail the whole response); a model the caller builds still needs an aware one."""
    with _live(wire, items=_Items()) as client:
        item = client.items.get_item(2)
    assert item.at == datetime(2024, 5, 6, 7, 8, 9)
    assert item.seen == [datetime(2024, 5, 6, 7, 8, 9, tzinfo=timezone.utc)]
    Item = wire.models().Item
    with pytest.raises(pydantic.ValidationError, match="timezone"):
        Item(id=1, at=datetime(2024, 5, 6))
    with pytest.raises(pydantic.ValidationError, match="timezone"):
        Item.model_validate({"id": 1, "seen": ["2024-05-06T07:08:09"]})
    assert Item(id=1, at=datetime(2024, 5, 6, tzinfo=timezone.utc)).at is not None


def test_the_client_sends_a_uri_as_given_and_reads_a_relative_one(wire: Built) -> None:
    """``format: uri`` is the caller's string on the wire (pydantic's URL type would add a
    slash to ``https://example.com`` and lower-case the host); a reply's relative link reads,
    a model the caller builds still needs an absolute URI."""
    models = wire.models()
    seen: list[bytes] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.content)
        return httpx.Response(200, json={"id": 1, "link": "https://Example.com"})

    with mock_client(wire.client, handler) as client:
        item = client.items.patch_item(1, models.ItemPatch(link="https://Example.com"))
    assert json.loads(seen[0]) == {"link": "https://Example.com"}
    assert str(item.link) == "https://Example.com"
    with _live(wire, items=_Items()) as client:
        assert str(client.items.get_item(3).link) == "/items/3?page=2"
    with pytest.raises(pydantic.ValidationError, match="URL"):
        models.ItemPatch(link="/relative")
