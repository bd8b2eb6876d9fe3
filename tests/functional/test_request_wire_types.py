"""What the generated client puts on the wire, against the generated server on uvicorn.

A body is sent as the media type the spec declares: ``multipart/related`` as its parts
under that type (not ``multipart/form-data``), a range such as ``image/*`` as the type
the caller names (``content_type=``, guessed from a file's name otherwise), never as
``application/octet-stream``, which the server refuses (415). Header parameters no
request can carry as the caller gives them are no arguments of either side: those HTTP
sets itself (``Content-Length``, which broke the request), names that are no HTTP token
(``header param``), and the second of two names that differ only in case (one header).
"""

from __future__ import annotations

import inspect
import io
import textwrap
from collections.abc import Iterator
from typing import Any

import pytest
from apiforge_testkit import Built, build
from live_server import serve

_ECHO = {
    "200": {
        "description": "What the server received.",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}

SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Wire types, version: "1.0"}
    paths:
      /related:
        post:
          operationId: related_send
          requestBody:
            required: true
            content:
              multipart/related:
                schema:
                  type: object
                  properties:
                    meta: {type: string}
                    file: {type: string, format: binary}
          responses: ECHO
      /images:
        put:
          operationId: images_upload
          requestBody:
            required: true
            content:
              image/*: {schema: {type: string, format: binary}}
          responses: ECHO
      /icons:
        put:
          operationId: icons_upload
          parameters: [{name: content_type, in: query, schema: {type: string}}]
          requestBody:
            required: true
            content:
              image/*: {schema: {type: string, format: binary}}
          responses: ECHO
      /shadows:
        put:
          operationId: shadows_update
          parameters:
            - {name: content-length, in: header, required: true, schema: {type: number}}
            - {name: X-Trace, in: header, schema: {type: string}}
          requestBody:
            required: true
            content: {application/json: {schema: {type: object}}}
          responses: ECHO
      /things:
        get:
          operationId: things_list
          parameters:
            - {name: header param, in: header, schema: {type: string}}
            - {name: X-Trace, in: header, schema: {type: string}}
          responses: ECHO
      /items:
        parameters:
          - {name: X-Id, in: header, schema: {type: string}}
        get:
          operationId: items_list
          parameters:
            - {name: x-id, in: header, schema: {type: integer}}
          responses: ECHO
    """
).replace("ECHO", repr(_ECHO).replace("'", '"'))


class Echo:
    """Every operation answers what it received: its arguments and the request's Content-Type."""

    def __getattr__(self, name: str) -> Any:
        async def answer(*args: Any, context: Any, **kwargs: Any) -> dict[str, Any]:
            received = {
                key: value.decode("latin-1") if isinstance(value, bytes) else value
                for key, value in kwargs.items()
            }
            return {**received, "content_type": context.request.headers.get("content-type")}

        return answer


@pytest.fixture(scope="module")
def wire(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("wire_types"), SPEC, "wire.yaml", "fn_wire_types")


@pytest.fixture(scope="module")
def client(wire: Built) -> Iterator[Any]:
    groups = [
        name
        for name in wire.server.create_app.__kwdefaults__
        if name not in ("authenticate", "middleware", "validation_error")
    ]
    app = wire.server.create_app(**dict.fromkeys(groups, Echo()))
    with serve(app) as base_url, wire.client.Client(base_url=base_url, max_retries=0) as client:
        yield client


def test_a_multipart_related_body_is_sent_as_multipart_related(client: Any) -> None:
    received = client.related.send({"meta": "about", "file": ("a.bin", b"\x00\x01")})
    assert received["content_type"].startswith("multipart/related; boundary=")
    assert received["body"] == {"meta": "about", "file": "\x00\x01"}  # its parts, by name


def test_a_body_of_a_range_is_sent_as_the_type_the_caller_names(client: Any) -> None:
    upload = client.images.upload
    assert upload(b"\x89PNG", content_type="image/png") == {
        "content_type": "image/png",
        "body": "\x89PNG",
    }
    photo = io.BytesIO(b"\xff\xd8")
    photo.name = "holiday.jpg"
    assert upload(photo)["content_type"] == "image/jpeg"  # the file's name says which
    with pytest.raises(TypeError, match="content_type="):  # image/* has no usual type
        upload(b"\x89PNG")
    with pytest.raises(ValueError, match="not within 'image/\\*'"):
        upload(b"text", content_type="text/plain")


def test_errors_name_the_body_type_argument_as_spelt(client: Any) -> None:
    """A parameter took ``content_type``: the body's type is ``content_type_2=``, and so say
    the errors (they said ``content_type=``, the parameter's)."""
    upload = client.icons.upload
    assert upload(b"\x89PNG", content_type_2="image/png")["content_type"] == "image/png"
    with pytest.raises(TypeError, match="pass content_type_2=, "):
        upload(b"\x89PNG", content_type="q")
    with pytest.raises(ValueError, match="^content_type_2 'text/plain' is not within"):
        upload(b"text", content_type_2="text/plain")
    with pytest.raises(TypeError, match="^content_type_2 must be a str"):
        upload(b"text", content_type_2=b"image/png")


def test_headers_no_request_can_carry_as_given_are_no_arguments(wire: Built, client: Any) -> None:
    update = client.shadows.update
    assert "content_length" not in inspect.signature(update).parameters
    received = update({"state": 1}, x_trace="t")  # Content-Length is the body's own
    assert received == {"content_type": "application/json", "body": {"state": 1}, "x_trace": "t"}
    listing = client.things.list
    assert [*inspect.signature(listing).parameters] == ["x_trace", "request_options"]
    assert listing(x_trace="t") == {"content_type": None, "x_trace": "t"}
    assert {"transport-header-parameter", "invalid-header-name"} <= set(wire.generated.codes())


def test_header_names_differing_only_in_case_are_one_argument(wire: Built, client: Any) -> None:
    listing = client.items.list
    assert [*inspect.signature(listing).parameters] == ["x_id", "request_options"]
    assert listing(x_id=7) == {"content_type": None, "x_id": 7}  # the operation's x-id
    assert "duplicate-header-parameter" in wire.generated.codes()
