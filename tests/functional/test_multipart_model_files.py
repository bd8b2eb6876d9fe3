"""A typed multipart model names and streams its files, as a dict body always could.

A ``format: binary`` property of the client's models was ``bytes``: a model could send
no filename and no file object (only a dict body could). It is now ``_File``: bytes, a
binary file object or httpx's ``(filename, content[, content_type])`` tuple. Checked
against a real server on uvicorn that reports the parts it received. Only the fields of
a multipart body take files: a JSON model's stay ``bytes``, their constraints checked.
"""

from __future__ import annotations

import asyncio
import io
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pydantic
import pytest
from apiforge_testkit import Built, build
from live_server import serve
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Uploads, version: "1.0"}
    paths:
      /upload:
        post:
          operationId: upload
          requestBody:
            required: true
            content:
              multipart/form-data:
                schema: {$ref: '#/components/schemas/Upload'}
          responses:
            "200":
              description: the parts received
              content: {application/json: {schema: {$ref: '#/components/schemas/Received'}}}
      /notes:
        post:
          operationId: addNote
          requestBody:
            required: true
            content: {application/json: {schema: {$ref: '#/components/schemas/Note'}}}
          responses:
            "204": {description: stored}
    components:
      schemas:
        Upload:
          type: object
          required: [file]
          properties:
            file: {type: string, format: binary, maxLength: 100}
            note: {type: string}
            meta: {$ref: '#/components/schemas/Note'}
        Note:
          type: object
          required: [data]
          properties:
            data: {type: string, format: binary, maxLength: 4}
        Received:
          type: object
          properties:
            name: {type: string}
            size: {type: integer}
            type: {type: string}
    """
)


async def received(request: Request) -> JSONResponse:
    part = (await request.form())["file"]
    assert isinstance(part, UploadFile)
    return JSONResponse(
        {"name": part.filename, "size": len(await part.read()), "type": part.content_type}
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("uploads"), SPEC, "uploads.yaml", "fn_model_files")


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with serve(Starlette(routes=[Route("/upload", received, methods=["POST"])])) as url:
        yield url


def test_a_model_sends_a_named_file_a_file_object_or_bytes(
    built: Built, base_url: str, tmp_path: Path
) -> None:
    models = built.models()
    path = tmp_path / "report.csv"
    path.write_bytes(b"a,b\n" * 50)  # longer than maxLength: a file's length is not checked
    with built.client.Client(base_url=base_url, max_retries=0) as client, path.open("rb") as f:
        named = client.upload.upload(models.Upload(file=("a.txt", b"abcd", "text/plain")))
        streamed = client.upload.upload(models.Upload(file=f))
        plain = client.upload.upload(models.Upload(file=b"xyz"))
    assert (named.name, named.size, named.type) == ("a.txt", 4, "text/plain")
    assert (streamed.name, streamed.size) == ("report.csv", 200)
    assert (plain.name, plain.size) == ("upload", 3)


def test_the_async_client_sends_a_model_file(built: Built, base_url: str) -> None:
    async def send() -> Any:
        async with built.client.AsyncClient(base_url=base_url, max_retries=0) as client:
            return await client.upload.upload(
                built.models().Upload(file=("b.bin", io.BytesIO(b"12")))
            )

    reply = asyncio.run(send())
    assert (reply.name, reply.size) == ("b.bin", 2)


def test_a_value_that_is_no_file_is_refused(built: Built) -> None:
    with pytest.raises(pydantic.ValidationError, match="binary file"):
        built.models().Upload(file=42)
    assert built.models().Upload.model_json_schema()["properties"]["file"]["format"] == "binary"


def test_a_json_model_keeps_bytes_and_their_length(built: Built) -> None:
    """``Note`` is a JSON body (and what ``Upload.meta`` holds, sent as a JSON part): a file
    object would be sent as a list of lines, and its ``maxLength`` is a JSON string's."""
    note = built.models().Note
    assert note(data=b"abcd").data == b"abcd"
    for wrong in (io.BytesIO(b"ab"), ("a.txt", b"ab"), b"abcde"):
        with pytest.raises(pydantic.ValidationError):
            note(data=wrong)
