"""A response documented under ``*/*`` is read by what the server sends.

springdoc (Spring Boot's OpenAPI generator) documents every response as ``*/*``. A
string under it is read as text when the server answers ``text/*`` (Spring's answer for
a ``String``) and as JSON when it answers JSON; a JSON body under ``*/*`` still
validates into its model. Such a string operation does not ask for JSON: Spring, asked
for ``application/json``, sends the bare string labelled JSON. A body documented as JSON
is decoded as JSON whatever the server labels it, and the error says what it sent.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from apiforge_testkit import Built, build, mock_client
from live_server import serve
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Springish, version: "1.0"}
    paths:
      /greeting:
        get:
          operationId: greeting
          responses:
            "200": {description: ok, content: {"*/*": {schema: {type: string}}}}
            "404": {description: missing, content: {"*/*": {schema: {type: string}}}}
      /color:
        get:
          operationId: color
          responses:
            "200": {description: ok, content: {"*/*": {schema: {$ref: "#/components/schemas/Color"}}}}
      /day:
        get:
          operationId: day
          responses:
            "200": {description: ok, content: {"*/*": {schema: {type: string, format: date}}}}
      /item:
        get:
          operationId: item
          responses:
            "200": {description: ok, content: {"*/*": {schema: {$ref: "#/components/schemas/Item"}}}}
      /count:
        get:
          operationId: count
          responses:
            "200": {description: ok, content: {"*/*": {schema: {type: integer}}}}
      /name:
        get:
          operationId: name
          responses:
            "200": {description: ok, content: {application/json: {schema: {type: string}}}}
    components:
      schemas:
        Color: {type: string, enum: [red, blue]}
        Item:
          type: object
          required: [id]
          properties: {id: {type: integer}}
    """
)


@pytest.fixture(scope="module")
def springish(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(
        tmp_path_factory.mktemp("springish"), SPEC, "springish.yaml", "fn_wildcard_responses"
    )


def _call(built: Built, resource: str, **reply: Any) -> tuple[Any, httpx.Request]:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(reply.pop("status", 200), **reply)

    with mock_client(built.client, handler) as client:
        return getattr(getattr(client, resource), resource)(), sent[0]


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ({"text": "hello"}, "hello"),
        ({"json": "hello"}, "hello"),
        ({"text": "123"}, "123"),
        ({"text": '"quoted"'}, '"quoted"'),
        ({"content": b"hi", "headers": {"Content-Type": "text/html; charset=utf-8"}}, "hi"),
        ({"content": b'"hello"'}, "hello"),  # no Content-Type: as documented (JSON)
    ],
)
def test_a_string_under_a_wildcard_is_read_by_the_content_type(
    springish: Built, reply: dict[str, Any], expected: str
) -> None:
    assert _call(springish, "greeting", **reply)[0] == expected


def test_string_types_under_a_wildcard_validate_their_text(springish: Built) -> None:
    models = springish.models()
    assert _call(springish, "color", text="blue")[0] is models.Color("blue")
    assert str(_call(springish, "day", text="2026-12-07")[0]) == "2026-12-07"
    with pytest.raises(springish.client.ResponseValidationError, match="date"):
        _call(springish, "day", text="not a date")


def test_data_under_a_wildcard_is_still_json(springish: Built) -> None:
    models = springish.models()
    item, request = _call(springish, "item", json={"id": 2})
    assert item == models.Item(id=2) and request.headers["accept"] == "application/json"
    assert _call(springish, "count", text="7")[0] == 7  # a JSON number, whatever the label
    with pytest.raises(springish.client.ResponseValidationError):
        _call(springish, "item", json={"id": "x"})


def test_a_string_under_a_wildcard_does_not_ask_for_json(springish: Built) -> None:
    assert _call(springish, "greeting", text="hello")[1].headers["accept"] == "*/*"


def test_an_error_body_under_a_wildcard_reads_as_text(springish: Built) -> None:
    with pytest.raises(springish.client.NotFoundError) as error:
        _call(springish, "greeting", status=404, text="no greeting")
    assert error.value.parsed == "no greeting"


def test_a_documented_json_body_sent_as_text_names_what_was_sent(springish: Built) -> None:
    assert _call(springish, "name", json="ann")[0] == "ann"
    with pytest.raises(springish.client.ResponseValidationError, match="server sent text/plain"):
        _call(springish, "name", text="ann")


def _spring_like(request: Request) -> Response:
    """What Spring MVC answers for a ``String``: JSON-labelled raw text when asked for JSON."""
    if "application/json" in request.headers.get("accept", ""):
        return Response("hello", media_type="application/json")
    return Response("hello", media_type="text/plain")


def test_a_spring_like_server_round_trip(springish: Built) -> None:
    app = Starlette(
        routes=[
            Route("/greeting", _spring_like),
            Route("/item", lambda request: JSONResponse({"id": 3})),
        ]
    )
    with (
        serve(app) as base_url,
        springish.client.Client(base_url=base_url, max_retries=0) as client,
    ):
        assert client.greeting.greeting() == "hello"
        assert client.item.item() == springish.models().Item(id=3)


def test_the_readme_says_so_only_where_it_applies(
    springish: Built, built: Callable[[str], Built]
) -> None:
    def readme(b: Built) -> str:
        assert b.generated.rendered is not None
        return b.generated.rendered.files[f"{b.generated.client}/README.md"]

    assert "return the body's text when the server answers `text/*`" in readme(springish)
    assert "`*/*`" not in readme(built("multi_content"))
