"""A client request class keeping extras sends no readOnly property as one.

A component with a ``readOnly`` property and ``additionalProperties`` becomes an
``AccountRequest`` class without the property but with ``extra="allow"``: the property
given to it (by wire or Python name) was kept as an extra and sent. The server's classes
drop such names from their input (``_without_keys``); the client's request class now does
too. Checked with the generated client against the generated server on uvicorn, the
request bodies read off the wire.
"""

from __future__ import annotations

import asyncio
import json
import textwrap
from collections.abc import Iterator
from typing import Any

import pytest
from apiforge_testkit import Built, build
from live_server import serve

SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Open accounts, version: "1.0"}
    paths:
      /accounts:
        post:
          operationId: createAccount
          requestBody:
            required: true
            content: {application/json: {schema: {$ref: "#/components/schemas/Account"}}}
          responses:
            "201":
              description: The account.
              content: {application/json: {schema: {$ref: "#/components/schemas/Account"}}}
    components:
      schemas:
        Account:
          type: object
          additionalProperties: true
          required: [email]
          properties:
            id: {type: integer, readOnly: true}
            Created-At: {type: string, readOnly: true}
            email: {type: string}
    """
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("extras"), SPEC, "extras.yaml", "fn_request_extras")


class _Accounts:
    async def create_account(self, *, body: Any, context: Any) -> Any:
        return {"id": 7, **body.model_dump(by_alias=True)}


@pytest.fixture(scope="module")
def wire(built: Built) -> Iterator[tuple[str, list[Any]]]:
    """The generated server on uvicorn, and the JSON request bodies it was sent."""
    app = built.server.create_app(accounts=_Accounts())
    bodies: list[Any] = []

    async def recording(scope: Any, receive: Any, send: Any) -> None:
        chunks: list[bytes] = []

        async def listen() -> Any:
            message = await receive()
            if message["type"] == "http.request":
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    bodies.append(json.loads(b"".join(chunks)))
            return message

        await app(scope, listen if scope["type"] == "http" else receive, send)

    with serve(recording) as url:
        yield url, bodies


def test_a_read_only_property_given_to_a_request_class_is_not_sent(
    built: Built, wire: tuple[str, list[Any]]
) -> None:
    url, bodies = wire
    models = built.models()
    fields = models.AccountResponse.model_fields
    python = next(name for name, info in fields.items() if info.validation_alias == "Created-At")
    assert python != "Created-At"  # the property is dropped by either name
    given = [
        models.AccountRequest(email="a@example.com", id=99, note="kept", **{"Created-At": "x"}),
        models.AccountRequest.model_validate({"email": "b@example.com", "id": 9, python: "x"}),
    ]
    assert [account.model_extra for account in given] == [{"note": "kept"}, {}]
    bodies.clear()
    with built.client.Client(base_url=url, max_retries=0) as client:
        replies = [client.accounts.create_account(account) for account in given]

    async def send() -> Any:
        async with built.client.AsyncClient(base_url=url, max_retries=0) as client:
            return await client.accounts.create_account(given[0])

    replies.append(asyncio.run(send()))
    assert bodies == [
        {"email": "a@example.com", "note": "kept"},
        {"email": "b@example.com"},
        {"email": "a@example.com", "note": "kept"},
    ]
    assert [reply.id for reply in replies] == [7, 7, 7]
