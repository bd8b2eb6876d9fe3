"""Path templates whose literal text holds ``#`` or ``?`` (AWS specs: ``/#X-Amz-Target=...``).

A URL ends its path at ``#`` (the fragment, never sent) and ``?`` (the query), so the
client percent-encodes them in the template's literal text: ``/%23X-Amz-Target=...``
reaches the generated server, which decodes the path and routes it to the operation the
spec names. Before, every such operation was sent to ``/`` and answered 404.
"""

from __future__ import annotations

import importlib
import textwrap
from typing import Any

import httpx
import pytest
from apiforge_testkit import Built, build, mock_client
from live_server import serve

SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Targets, version: "1.0"}
    paths:
      /#X-Amz-Target=Svc_2012.GetItem:
        post:
          operationId: getItem
          requestBody:
            required: true
            content: {application/json: {schema: {type: object, properties: {key: {type: string}}}}}
          responses:
            "200": {description: ok, content: {application/json: {schema: {type: string}}}}
      /#X-Amz-Target=Svc_2012.ListItems:
        post:
          operationId: listItems
          responses:
            "200": {description: ok, content: {application/json: {schema: {type: string}}}}
      /items/{id}?Action=Describe:
        get:
          operationId: describeItem
          parameters:
            - {name: id, in: path, required: true, schema: {type: string}}
          responses:
            "200": {description: ok, content: {application/json: {schema: {type: string}}}}
    """
)


@pytest.fixture(scope="module")
def targets(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("targets"), SPEC, "targets.yaml", "fn_path_literals")


class Impl:
    """Each operation answers its own name (and what it was handed)."""

    async def get_item(self, *, body: Any, context: Any) -> str:
        return f"get_item {body.key}"

    async def list_items(self, *, context: Any) -> str:
        return "list_items"

    async def describe_item(self, id: str, *, context: Any) -> str:
        return f"describe_item {id}"


def test_the_client_encodes_hash_and_question_mark_in_literal_path_text(targets: Built) -> None:
    seen: list[httpx.URL] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url)
        return httpx.Response(200, json="ok")

    with mock_client(targets.client, handler) as client:
        client.x_amz_target_svc_2012_get_item.get_item({"key": "k"})
        client.items.describe_item("a b")
    assert seen[0].raw_path == b"/%23X-Amz-Target=Svc_2012.GetItem"
    assert seen[1].raw_path == b"/items/a%20b%3FAction=Describe"


def test_each_operation_reaches_its_own_route_on_the_generated_server(targets: Built) -> None:
    interfaces = importlib.import_module(f"{targets.generated.server}.interfaces")
    groups = {group: Impl() for group in interfaces.Implementations.__annotations__}
    with (
        serve(targets.server.create_app(**groups)) as url,
        targets.client.Client(base_url=url, max_retries=0) as client,
    ):
        assert client.x_amz_target_svc_2012_get_item.get_item({"key": "k"}) == "get_item k"
        assert client.x_amz_target_svc_2012_list_items.list_items() == "list_items"
        assert client.items.describe_item("x") == "describe_item x"
