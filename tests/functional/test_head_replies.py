"""A ``HEAD`` operation whose spec documents response content (often its ``GET``'s).

A reply to ``HEAD`` never carries a body (RFC 9110), so the client reads none: the
method returns None (its headers come with ``with_raw_response``) instead of failing to
validate an empty body as the documented model. Checked against the generated server
over real uvicorn, which answers ``HEAD`` with the ``GET``'s headers and no body.
"""

from __future__ import annotations

import asyncio
import textwrap
from typing import Any

import pytest
from apiforge_testkit import Built, build
from live_server import serve

SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Heads, version: "1.0"}
    paths:
      /items/{id}:
        head:
          operationId: headItem
          parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
          responses:
            "200": {description: exists, content: {application/json: {schema: {$ref: "#/components/schemas/Item"}}}}
            "404": {description: missing, content: {application/json: {schema: {$ref: "#/components/schemas/Missing"}}}}
        get:
          operationId: getItem
          parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
          responses:
            "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Item"}}}}
    components:
      schemas:
        Item: {type: object, required: [id], properties: {id: {type: integer}}}
        Missing: {type: object, required: [reason], properties: {reason: {type: string}}}
    """
)


@pytest.fixture(scope="module")
def heads(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("heads"), SPEC, "heads.yaml", "fn_head_replies")


@pytest.fixture(scope="module")
def base_url(heads: Built) -> Any:
    runtime, models = heads.runtime, heads.models("server")

    class Items:
        async def head_item(self, id: int, *, context: Any) -> Any:
            if id == 404:
                return runtime.NotFound(models.Missing(reason="gone"))
            return models.Item(id=id)

        async def get_item(self, id: int, *, context: Any) -> Any:
            return models.Item(id=id)

    with serve(heads.server.create_app(items=Items())) as url:
        yield url


def test_the_head_method_returns_none(heads: Built) -> None:
    assert "HEAD_ITEM: rt.Operation[None]" in heads.generated.file("client/client/items.py")


def test_sync_head_reads_no_body(heads: Built, base_url: str) -> None:
    rt = heads.client._runtime
    with heads.client.Client(base_url=base_url) as client:
        assert client.items.get_item(7).id == 7
        assert client.items.head_item(7) is None
        raw = rt.with_raw_response(client.items.head_item)(7)
        assert (raw.status_code, raw.http_response.content) == (200, b"")
        assert raw.headers["content-type"] == "application/json"
        with pytest.raises(rt.NotFoundError) as caught:
            client.items.head_item(404)
        assert caught.value.parsed is None


def test_async_head_reads_no_body(heads: Built, base_url: str) -> None:
    rt = heads.client._runtime

    async def run() -> None:
        async with heads.client.AsyncClient(base_url=base_url) as client:
            assert (await client.items.get_item(7)).id == 7
            assert await client.items.head_item(7) is None
            with pytest.raises(rt.NotFoundError):
                await client.items.head_item(404)

    asyncio.run(run())
