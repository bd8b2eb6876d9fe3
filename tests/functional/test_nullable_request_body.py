"""A required JSON request body whose schema admits null: the caller's ``None`` is sent as ``null``.

3.1's ``anyOf: [$ref, {type: "null"}]`` (and 3.0's ``allOf: [$ref]`` with ``nullable``) types the
body ``Thing | None``; the client used to take ``None`` for "no body" and sent nothing, which
the generated server answers 422 (a body is required). Over real uvicorn.
"""

from __future__ import annotations

import textwrap
from typing import Any

import pytest
from apiforge_testkit import Built, build
from live_server import serve

SPEC = textwrap.dedent(
    """
    openapi: 3.1.0
    info: {title: Nulls, version: "1.0"}
    paths:
      /things:
        post:
          operationId: putThing
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  anyOf: [{$ref: "#/components/schemas/Thing"}, {type: "null"}]
          responses: {"204": {description: ok}}
      /optional:
        post:
          operationId: maybeThing
          requestBody:
            content:
              application/json:
                schema:
                  anyOf: [{$ref: "#/components/schemas/Thing"}, {type: "null"}]
          responses: {"204": {description: ok}}
    components:
      schemas:
        Thing:
          type: object
          required: [a]
          properties: {a: {type: string}}
    """
)


@pytest.fixture(scope="module")
def nulls(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("nulls"), SPEC, "nulls.yaml", "fn_nullable_request_body")


class Impl:
    def __init__(self) -> None:
        self.bodies: list[tuple[str, Any]] = []

    async def put_thing(self, body: Any, *, context: Any) -> None:
        self.bodies.append(("put", body))

    async def maybe_thing(self, body: Any = None, *, context: Any) -> None:
        self.bodies.append(("maybe", body))


def _recorded(nulls: Built, requests: list[Any]) -> tuple[list[tuple[str, Any]], list[bytes]]:
    impl = Impl()
    app = nulls.server.create_app(things=impl, optional=impl)
    sent: list[bytes] = []

    async def recorder(scope: dict[str, Any], receive: Any, send: Any) -> None:
        async def receiving() -> Any:
            message = await receive()
            sent.append(message.get("body", b""))
            return message

        await app(scope, receiving if scope["type"] == "http" else receive, send)

    with serve(recorder) as url:
        client = nulls.client.Client(base_url=url, max_retries=0)
        for request in requests:
            request(client)
    return impl.bodies, sent


def test_none_for_a_required_nullable_body_is_sent_as_null(nulls: Built) -> None:
    thing = nulls.models().Thing(a="x")
    bodies, sent = _recorded(
        nulls, [lambda c: c.things.put_thing(None), lambda c: c.things.put_thing(thing)]
    )
    assert sent == [b"null", b'{"a":"x"}']
    assert [(kind, None if body is None else body.a) for kind, body in bodies] == [
        ("put", None),
        ("put", "x"),
    ]


def test_none_for_an_optional_body_still_sends_no_body(nulls: Built) -> None:
    bodies, sent = _recorded(nulls, [lambda c: c.optional.maybe_thing()])
    assert sent == [b""]
    assert bodies == [("maybe", None)]
