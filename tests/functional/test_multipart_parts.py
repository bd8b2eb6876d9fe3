"""multipart/form-data parts carry the ``contentType`` their Encoding Object names.

``metadata`` (a string holding JSON, ``contentType: application/json``) travels as it is
with that type, as a Spring ``@RequestPart`` expects; ``picture`` (binary,
``image/png``) as ``image/png`` rather than ``application/octet-stream``; ``scan`` names
two types, so the client cannot choose and leaves the part untyped as before. The
server still receives every value over real uvicorn.
"""

from __future__ import annotations

import gc
import textwrap
import warnings
from typing import Any

import httpx
import pytest
from apiforge_testkit import Built, build, mock_client, server_client
from live_server import serve

SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Parts, version: "1.0"}
    paths:
      /profiles:
        post:
          operationId: createProfile
          requestBody:
            required: true
            content:
              multipart/form-data:
                schema:
                  type: object
                  required: [metadata, picture]
                  properties:
                    metadata: {type: string}
                    picture: {type: string, format: binary}
                    scan: {type: string, format: binary}
                    note: {type: string}
                encoding:
                  metadata: {contentType: application/json}
                  picture: {contentType: image/png}
                  scan: {contentType: "image/png, image/jpeg"}
          responses:
            "204": {description: Created.}
    """
)


@pytest.fixture(scope="module")
def parts(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("parts"), SPEC, "parts.yaml", "fn_multipart_parts")


BODY: dict[str, Any] = {
    "metadata": '{"name":"Ada"}',
    "picture": b"\x89PNG",
    "scan": b"scan",
    "note": "hi",
}


def _part_headers(request: httpx.Request) -> dict[str, str]:
    """{part name: its header lines after Content-Disposition}."""
    boundary = request.headers["content-type"].split("boundary=", 1)[1].encode()
    found = {}
    for chunk in request.content.split(b"--" + boundary)[1:-1]:
        head = chunk.strip(b"\r\n").partition(b"\r\n\r\n")[0].decode()
        disposition, _, rest = head.partition("\r\n")
        found[disposition.split('name="', 1)[1].split('"', 1)[0]] = rest
    return found


def test_each_part_has_the_type_its_encoding_object_names(parts: Built) -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(204)

    with mock_client(parts.client, handler) as client:
        client.profiles.create_profile(BODY)
    assert _part_headers(sent[0]) == {
        "metadata": "Content-Type: application/json",
        "picture": "Content-Type: image/png",
        "scan": "Content-Type: application/octet-stream",
        "note": "",
    }


class Profiles:
    def __init__(self) -> None:
        self.bodies: list[Any] = []

    async def create_profile(self, *, body: Any, context: Any) -> None:
        self.bodies.append(body)


def test_a_round_trip_over_uvicorn_keeps_every_value(parts: Built) -> None:
    profiles = Profiles()
    with (
        serve(parts.server.create_app(profiles=profiles)) as base_url,
        parts.client.Client(base_url=base_url, max_retries=0) as client,
    ):
        assert client.profiles.create_profile(BODY) is None
    assert profiles.bodies[0].model_dump() == BODY


def test_a_large_upload_leaves_no_file_open(parts: Built) -> None:
    """A part over Starlette's spool size goes to a temporary file, closed once read."""
    profiles = Profiles()
    large = {**BODY, "picture": b"\x89PNG" * 400_000}  # 1.6 MB: spooled to disk
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        with server_client(parts.server, profiles=profiles) as http:
            files = {"picture": ("p.png", large["picture"], "image/png")}
            data = {"metadata": large["metadata"], "note": "hi"}
            assert http.post("/profiles", files=files, data=data).status_code == 204
        gc.collect()
    assert profiles.bodies[0].picture == large["picture"]
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]


def test_the_operation_can_still_read_the_form_itself(parts: Built) -> None:
    """``context.request.form()`` is the escape hatch for parts the spec does not declare:
    closing the form right after reading the declared parts left them closed."""
    read: list[bytes] = []

    class Reading(Profiles):
        async def create_profile(self, *, body: Any, context: Any) -> None:
            form = await context.request.form()
            read.extend([await form["extra"].read(), await form["picture"].read()])

    large = b"\x89PNG" * 400_000  # spooled to disk
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        with server_client(parts.server, profiles=Reading()) as http:
            files = {
                "picture": ("p.png", large, "image/png"),
                "extra": ("x.bin", b"undeclared", "application/octet-stream"),
            }
            data = {"metadata": BODY["metadata"]}
            assert http.post("/profiles", files=files, data=data).status_code == 204
            files = {"picture": ("p.png", large, "image/png")}  # no metadata: refused
            assert http.post("/profiles", files=files).status_code == 422
        gc.collect()
    assert read == [b"undeclared", large]
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]
