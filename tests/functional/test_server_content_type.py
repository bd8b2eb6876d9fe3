"""A body whose Content-Type the operation does not list answers 415, in every route.

A body offered in several media types is read by the runtime's reader, which refuses
an unlisted one; a body in one media type is read by FastAPI, which would otherwise
read a JSON body sent as ``text/plain`` as text and answer 422 ("Input should be a valid
dictionary"), or try to parse an ``application/octet-stream`` body sent as JSON. Any
JSON media type stands for a JSON one (FastAPI parses ``+json`` as JSON); a request
without a Content-Type is left to FastAPI as before.
"""

from __future__ import annotations

import textwrap
from typing import Any

import pytest
from apiforge_testkit import Built, build, server_client

SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Content types, version: "1.0"}
    paths:
      /notes:
        post:
          operationId: createNote
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  required: [text]
                  properties:
                    text: {type: string}
          responses:
            "204": {description: Stored.}
      /blobs:
        post:
          operationId: putBlob
          requestBody:
            required: true
            content:
              application/octet-stream:
                schema: {type: string, format: binary}
          responses:
            "204": {description: Stored.}
      /words:
        post:
          operationId: postWord
          requestBody:
            required: true
            content:
              application/json:
                schema: {type: string}
              text/plain:
                schema: {type: string}
          responses:
            "204": {description: Stored.}
      /patches:
        post:
          operationId: postPatch
          requestBody:
            required: true
            content:
              application/*+json:
                schema: {type: object, properties: {op: {type: string}}}
              text/plain:
                schema: {type: string}
          responses:
            "204": {description: Stored.}
    """
)


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("content_type"), SPEC, "media.yaml", "fn_content_type")


class _Impl:
    def __init__(self) -> None:
        self.received: list[Any] = []

    def __getattr__(self, name: str) -> Any:
        async def record(*, body: Any, context: Any) -> None:
            self.received.append(body)

        return record


def _post(built: Built, path: str, content: bytes, content_type: str | None) -> Any:
    impl = _Impl()
    names = [
        name
        for name in built.server.create_app.__kwdefaults__
        if name not in ("authenticate", "middleware", "validation_error")
    ]
    headers = {"Content-Type": content_type} if content_type else {}
    with server_client(built.server, **{name: impl for name in names}) as http:
        response = http.post(path, content=content, headers=headers)
    return response.status_code, response.json() if response.content else None, impl.received


NOTE = b'{"text": "hi"}'


@pytest.mark.parametrize(
    ("path", "content", "content_type"),
    [
        ("/notes", NOTE, "text/plain"),
        ("/notes", b"text=hi", "application/x-www-form-urlencoded"),
        ("/blobs", NOTE, "application/json"),
        ("/blobs", b"\x89PNG", "image/png"),
        ("/words", b"hi", "text/html"),
        ("/patches", b"{}", "text/json"),
    ],
)
def test_an_unlisted_content_type_answers_415(
    media: Built, path: str, content: bytes, content_type: str
) -> None:
    status, body, received = _post(media, path, content, content_type)
    assert status == 415 and received == []
    assert content_type in body["detail"] and body["operation_id"]


def test_listed_content_types_are_read(media: Built) -> None:
    note = media.models("server").CreateNoteBody
    for content_type in ("application/json", "application/json; charset=utf-8"):
        assert _post(media, "/notes", NOTE, content_type)[::2] == (204, [note(text="hi")])
    assert _post(media, "/notes", NOTE, "application/merge-patch+json")[0] == 204
    assert _post(media, "/blobs", b"\x89PNG", "application/octet-stream")[::2] == (
        204,
        [b"\x89PNG"],
    )
    assert _post(media, "/words", b'"hi"', "application/json")[::2] == (204, ["hi"])
    for content_type in (
        "application/merge-patch+json",
        "application/json",
        "application/vnd+json",
    ):
        status, _, [patch] = _post(media, "/patches", b'{"op": "add"}', content_type)
        assert (status, patch.op) == (204, "add")
    assert _post(media, "/words", b"hi", "text/plain; charset=no-such-charset")[::2] == (
        204,
        ["hi"],
    )


def test_without_a_content_type_fastapi_decides(media: Built) -> None:
    status, body, _ = _post(media, "/notes", NOTE, None)
    assert status == 422 and body["fields"] == ["body"]
    assert _post(media, "/blobs", b"raw", None)[::2] == (204, [b"raw"])
