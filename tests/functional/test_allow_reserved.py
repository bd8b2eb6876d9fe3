"""A query parameter with ``allowReserved: true`` sends its reserved characters as they are.

``next=https://x.test/a?b`` goes on the wire as written (not ``https%3A%2F%2F...``),
while ``&``, ``=``, ``#`` and ``+`` are still escaped so the query keeps its shape; the
generated server, over real uvicorn, receives the very value sent.
"""

from __future__ import annotations

import textwrap
from typing import Any

import httpx
import pytest
from apiforge_testkit import Built, build, mock_client
from live_server import serve

SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Reserved, version: "1.0"}
    paths:
      /login:
        get:
          operationId: login
          parameters:
            - {name: next, in: query, allowReserved: true, schema: {type: string}}
            - {name: plain, in: query, schema: {type: string}}
          responses:
            "200":
              description: The values received.
              content: {application/json: {schema: {type: object}}}
    """
)

VALUE = "https://x.test/a?b=c&d#e+f"


@pytest.fixture(scope="module")
def reserved(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("reserved"), SPEC, "reserved.yaml", "fn_allow_reserved")


def test_reserved_characters_stay_literal(reserved: Built) -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={})

    with mock_client(reserved.client, handler) as client:
        client.login.login(next=VALUE, plain="a/b")
    assert sent[0].url.query == b"next=https://x.test/a?b%3Dc%26d%23e%2Bf&plain=a%2Fb"


class Login:
    async def login(self, *, next: Any, plain: Any, context: Any) -> dict[str, Any]:
        return {"next": next, "plain": plain}


def test_the_server_receives_the_value_sent(reserved: Built) -> None:
    with (
        serve(reserved.server.create_app(login=Login())) as base_url,
        reserved.client.Client(base_url=base_url, max_retries=0) as client,
    ):
        assert client.login.login(next=VALUE, plain="a/b") == {"next": VALUE, "plain": "a/b"}
