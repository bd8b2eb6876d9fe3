"""Form and multipart bodies composed with ``allOf``, empty forms and JSON form fields.

A multipart or urlencoded body whose schema is ``allOf: [{$ref: Base}, {properties:
...}]`` reached the server as raw bytes, with a warning that its schema "lists no
fields": the IR's summary of the body did not merge the allOf (the models did). The
generated client now sends its fields and files and the generated server reads them
into the model, over real uvicorn. A required form whose fields are all optional may
be sent empty: its body is zero bytes, which the server took for a missing body. A
form spells no null, so the client leaves a None out: a required field that admits null
was then refused as missing (it is now null). A
form field whose Encoding Object names ``contentType: application/json`` (and no style)
is one JSON text, as OpenAPI 3.1 spells a form with JSON values: the client sent it with
brackets instead, which only the generated server read.
"""

from __future__ import annotations

import textwrap
import urllib.parse
from typing import Any

import httpx
import pytest
from apiforge_testkit import Built, build, mock_client
from live_server import serve

SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Composed, version: "1.0"}
    paths:
      /uploads:
        post:
          operationId: upload
          requestBody:
            required: true
            content:
              multipart/form-data:
                schema:
                  allOf:
                    - $ref: '#/components/schemas/Base'
                    - type: object
                      required: [file]
                      properties:
                        file: {type: string, format: binary}
                        scans: {type: array, items: {type: string, format: binary}}
          responses:
            "204": {description: stored}
      /signups:
        post:
          operationId: signup
          requestBody:
            required: true
            content:
              application/x-www-form-urlencoded:
                schema:
                  allOf:
                    - $ref: '#/components/schemas/Base'
                    - properties:
                        age: {type: integer}
          responses:
            "204": {description: stored}
      /searches:
        post:
          operationId: search
          requestBody:
            required: true
            content:
              application/x-www-form-urlencoded:
                schema:
                  type: object
                  properties:
                    query: {type: string}
                    kinds: {type: array, items: {type: string}}
          responses:
            "204": {description: stored}
      /places:
        post:
          operationId: place
          requestBody:
            required: true
            content:
              application/x-www-form-urlencoded:
                schema:
                  type: object
                  properties:
                    location: {$ref: '#/components/schemas/Point'}
                    ids: {type: array, items: {type: integer}}
                    styled: {$ref: '#/components/schemas/Point'}
                encoding:
                  location: {contentType: application/json}
                  ids: {contentType: application/json}
                  styled: {contentType: application/json, style: deepObject}
          responses:
            "204": {description: stored}
      /notes:
        post:
          operationId: note
          requestBody:
            required: true
            content:
              multipart/form-data:
                schema: {$ref: '#/components/schemas/Note'}
          responses:
            "204": {description: stored}
      /memos:
        post:
          operationId: memo
          requestBody:
            required: true
            content:
              application/x-www-form-urlencoded:
                schema: {$ref: '#/components/schemas/Note'}
          responses:
            "204": {description: stored}
    components:
      schemas:
        Note:
          type: object
          required: [text, count]
          properties:
            text: {type: string, nullable: true}
            count: {type: integer, nullable: true}
        Point:
          type: object
          properties:
            x: {type: number}
            y: {type: number}
        Base:
          type: object
          required: [name]
          properties:
            name: {type: string}
            tags: {type: array, items: {type: string}}
    """
)


@pytest.fixture(scope="module")
def composed(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("composed"), SPEC, "composed.yaml", "fn_form_composed")


class Recorder:
    """Every operation's implementation: keeps the bodies it receives."""

    def __init__(self) -> None:
        self.bodies: list[Any] = []

    async def upload(self, *, body: Any, context: Any) -> None:
        self.bodies.append(body)

    async def signup(self, *, body: Any, context: Any) -> None:
        self.bodies.append(body)

    async def search(self, *, body: Any, context: Any) -> None:
        self.bodies.append(body)

    async def place(self, *, body: Any, context: Any) -> None:
        self.bodies.append(body)

    async def note(self, *, body: Any, context: Any) -> None:
        self.bodies.append(body)

    async def memo(self, *, body: Any, context: Any) -> None:
        self.bodies.append(body)


def _round_trip(built: Built, call: str, body: Any) -> Any:
    """``body`` sent by the generated client's ``call`` to the generated server; what the
    implementation received."""
    recorder = Recorder()
    groups = {
        group: recorder for group in ("uploads", "signups", "searches", "places", "notes", "memos")
    }
    with (
        serve(built.server.create_app(**groups)) as base_url,
        built.client.Client(base_url=base_url, max_retries=0) as client,
    ):
        group, _, method = call.partition(".")
        assert getattr(getattr(client, group), method)(body) is None
    assert len(recorder.bodies) == 1
    return recorder.bodies[0]


def test_all_of_bodies_are_taken_apart_by_field(composed: Built) -> None:
    assert "server-raw-body" not in composed.generated.codes(), composed.generated.report()


def test_an_all_of_multipart_body_reaches_the_server_as_its_model(composed: Built) -> None:
    body = {"name": "ann", "tags": ["a", "b"], "file": ("a.png", b"\x89PNG"), "scans": [b"1", b"2"]}
    received = _round_trip(composed, "uploads.upload", body)
    assert received.model_dump() == {
        "name": "ann",
        "tags": ["a", "b"],
        "file": b"\x89PNG",
        "scans": [b"1", b"2"],
    }


def test_an_all_of_form_body_reaches_the_server_as_its_model(composed: Built) -> None:
    received = _round_trip(composed, "signups.signup", {"name": "ann", "tags": ["a"], "age": 41})
    assert received.model_dump() == {"name": "ann", "tags": ["a"], "age": 41}


def test_a_required_form_of_optional_fields_may_be_empty(composed: Built) -> None:
    for body in ({}, {"kinds": []}):  # an empty list sends no pair either
        received = _round_trip(composed, "searches.search", body)
        assert (received.query, received.kinds) == (None, None)


PLACE = {"location": {"x": 1, "y": 2.5}, "ids": [3, 4], "styled": {"x": 5}}


def test_a_form_field_with_a_json_content_type_is_sent_as_json_text(composed: Built) -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(204)

    with mock_client(composed.client, handler) as client:
        client.places.place(PLACE)
    assert urllib.parse.parse_qsl(sent[0].content.decode()) == [
        ("location", '{"x":1,"y":2.5}'),
        ("ids", "[3,4]"),
        ("styled[x]", "5"),  # its style wins over its contentType
    ]


def test_a_json_form_field_reaches_the_server_as_its_value(composed: Built) -> None:
    received = _round_trip(composed, "places.place", PLACE)
    assert received.model_dump(exclude_none=True) == {
        "location": {"x": 1.0, "y": 2.5},
        "ids": [3, 4],
        "styled": {"x": 5.0},
    }


@pytest.mark.parametrize("call", ["notes.note", "memos.memo"])
def test_a_required_field_that_admits_null_may_be_null(composed: Built, call: str) -> None:
    received = _round_trip(composed, call, {"text": None, "count": None})
    assert (received.text, received.count) == (None, None)
    received = _round_trip(composed, call, {"text": "", "count": 0})
    assert (received.text, received.count) == ("", 0)
