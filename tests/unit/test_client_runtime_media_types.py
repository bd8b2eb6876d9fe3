"""Client runtime: the Content-Type a request body is sent as.

The declared media type, a multipart one other than form-data included (its parts under
that type, with their boundary); for a range (``image/*``) the type the caller names
(``rt.typed_body``), else a file's by its name, else the range's usual one.
"""

from __future__ import annotations

import io
from typing import Any

import httpx
import pytest
from client_runtime_loader import load_client_runtime

rt = load_client_runtime()


def send(media_type: str, body: Any, content_type: str | None = None) -> httpx.Request:
    """One call of a PUT taking a ``media_type`` body, through a MockTransport."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    op = rt.Operation("op", "PUT", "/x", body=rt.Body(media_type))
    client = rt.SyncClientBase(base_url="http://api.test", transport=httpx.MockTransport(handler))
    with client:
        client._call(
            op, {}, body if content_type is None else rt.typed_body(body, content_type), None
        )
    return seen[0]


@pytest.mark.parametrize(
    ("declared", "sent"),
    [
        ("multipart/related", "multipart/related"),
        (
            'multipart/related; type="application/json"',
            'multipart/related; type="application/json"',
        ),
        ("multipart/mixed", "multipart/mixed"),
    ],
)
def test_other_multipart_types_are_sent_as_declared(declared: str, sent: str) -> None:
    request = send(declared, {"meta": {"a": 1}, "file": ("f.txt", b"hi", "text/plain")})
    media_type, _, boundary = request.headers["content-type"].rpartition("; boundary=")
    assert media_type == sent and boundary
    parts = request.content.split(f"--{boundary}".encode())
    assert parts[0] == b"" and parts[-1] == b"--\r\n" and len(parts) == 4
    assert b'name="meta"\r\nContent-Type: application/json\r\n\r\n{"a":1}' in parts[1]
    assert b'name="file"; filename="f.txt"\r\nContent-Type: text/plain\r\n\r\nhi' in parts[2]


def test_form_data_keeps_httpx_boundary() -> None:
    request = send("multipart/form-data", {"a": "1"})
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")


@pytest.mark.parametrize(
    ("declared", "body", "content_type", "sent"),
    [
        ("image/*", b"\x89PNG", "image/png", "image/png"),
        ("image/*", b"\x89PNG", "IMAGE/PNG", "IMAGE/PNG"),
        ("*/*", b"x", "application/pdf", "application/pdf"),
        ("*/*", b"x", None, "application/octet-stream"),
        ("application/*", b"x", None, "application/octet-stream"),
        ("text/*", "é", None, "text/plain; charset=utf-8"),
        ("text/*", "é", "text/csv", "text/csv; charset=utf-8"),
        ("image/png", b"x", None, "image/png"),
    ],
)
def test_a_range_is_sent_as_a_type_within_it(
    declared: str, body: Any, content_type: str | None, sent: str
) -> None:
    assert send(declared, body, content_type).headers["content-type"] == sent


def test_a_file_name_names_the_type_within_the_range() -> None:
    photo = io.BytesIO(b"\xff\xd8")
    photo.name = "/tmp/holiday.JPG"
    assert send("image/*", photo).headers["content-type"] == "image/jpeg"
    photo.seek(0)
    assert send("*/*", photo).headers["content-type"] == "image/jpeg"
    notes = io.BytesIO(b"hi")
    notes.name = "notes.txt"  # text/plain: not an image
    with pytest.raises(TypeError, match="pass content_type="):
        send("image/*", notes)


@pytest.mark.parametrize(
    ("content_type", "problem"),
    [
        ("text/plain", "not within 'image/\\*'"),
        ("image/*", "no media type"),
        ("png", "no media type"),
        ("image/png\r\nX-Evil: 1", "line break|character no HTTP header"),
    ],
)
def test_a_type_outside_the_range_or_no_type_is_refused(content_type: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        send("image/*", b"x", content_type)


def test_typed_body_leaves_no_body_and_no_type_alone() -> None:
    assert rt.typed_body(None, "image/png") is None
    assert rt.typed_body(rt.NOT_GIVEN, "image/png") is rt.NOT_GIVEN
    assert rt.typed_body(b"x", None) == b"x"
    assert rt.typed_body(b"x", "image/png") == rt.TypedBody(b"x", "image/png")


@pytest.mark.parametrize(
    "content_type", ["application/merge-patch+json", "application/json", "APPLICATION/Vnd.A+JSON"]
)
def test_a_suffix_range_takes_its_suffix_types(content_type: str) -> None:
    request = send("application/*+json", {"a": 1}, content_type)
    assert request.headers["content-type"] == content_type
    assert request.content == b'{"a":1}'


@pytest.mark.parametrize(
    ("declared", "content_type", "problem"),
    [
        ("application/*+json", "application/xml", "not within"),
        ("application/*+json", "text/plain+json", "not within"),
        ("image/*", "image/png x", "no media type"),
        ("*/*", "a/b c", "no media type"),
        ("*/*", "a/b/c", "no media type"),
    ],
)
def test_types_outside_a_suffix_range_or_not_tokens_are_refused(
    declared: str, content_type: str, problem: str
) -> None:
    with pytest.raises(ValueError, match=problem):
        send(declared, {"a": 1} if "json" in declared else b"x", content_type)


def test_text_is_encoded_in_the_charset_it_is_sent_as() -> None:
    request = send("text/*", "é", "text/csv; charset=latin-1")
    assert request.headers["content-type"] == "text/csv; charset=latin-1"
    assert request.content == b"\xe9"
    with pytest.raises(ValueError, match="charset"):
        send("text/*", "é", "text/csv; charset=no-such-charset")
