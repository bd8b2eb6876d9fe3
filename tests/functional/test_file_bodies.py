"""Files in request and response bodies, client and server, over real uvicorn.

Two ways a spec names a multipart body's file indirectly were not followed:

* a property that is a ``$ref`` to a binary alias (``Bin: {type: string, format: binary}``)
  was the alias's ``RootModel[bytes]`` and refused a ``(filename, content)`` tuple, and an
  array of them the same; it is now a file (``_File``), as an inline ``format: binary`` is;
* a request body that is itself an alias of a multipart model (``UploadAlias: {$ref:
  Inner}``) sent one JSON part named ``root`` (the client) and was handed to the
  implementation as raw bytes (the server, with a ``server-raw-body`` warning); the
  client now sends the model's fields as parts and the server reads them into the body.

Nor were parts the server had to decode further: an array of objects (each item a JSON
part) reached the model as JSON text and was refused (422), and a ``multipart/related``
body (which Starlette does not parse) was handed over as raw bytes; its parts are now
read into the model, named by ``Content-Disposition``, ``Content-ID`` or position.
A body whose fields were all left out was sent as no body at all (httpx sends none for no
files), which the server refused as missing; it is now an empty multipart body.

A binary request body was typed ``bytes`` alone though a file object is sent as well; it
is ``bytes | typing.IO[bytes]`` now (checked by ``mypy --strict``, as the ``_File`` fields are;
qualified, as a schema may be named ``IO``).

A file object an implementation returns for a binary response was sent as JSON (a list of
its lines, labelled ``application/json``); it is now streamed as the response's media type.
"""

from __future__ import annotations

import asyncio
import io
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from apiforge_testkit import Built, build
from live_server import serve
from typecheckers import mypy

SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Aliased uploads, version: "1.0"}
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
              description: what the server received
              content: {application/json: {schema: {$ref: '#/components/schemas/Received'}}}
      /wrapped:
        post:
          operationId: wrapped
          requestBody:
            required: true
            content:
              multipart/form-data:
                schema: {$ref: '#/components/schemas/UploadAlias'}
          responses:
            "200":
              description: what the server received
              content: {application/json: {schema: {$ref: '#/components/schemas/Received'}}}
      /batch:
        post:
          operationId: batch
          requestBody:
            required: true
            content:
              multipart/form-data:
                schema:
                  type: object
                  properties:
                    items: {type: array, items: {$ref: '#/components/schemas/Item'}}
                    one: {$ref: '#/components/schemas/Item'}
          responses:
            "200":
              description: the items received
              content:
                application/json:
                  schema: {type: array, items: {$ref: '#/components/schemas/Item'}}
      /related:
        post:
          operationId: related
          requestBody:
            required: true
            content:
              multipart/related:
                schema:
                  type: object
                  required: [meta, doc]
                  properties:
                    meta: {$ref: '#/components/schemas/Item'}
                    doc: {type: string, format: binary}
                    tags: {type: array, items: {type: string}}
          responses:
            "200":
              description: what the server received
              content: {application/json: {schema: {$ref: '#/components/schemas/Received'}}}
      /raw:
        put:
          operationId: putRaw
          requestBody:
            required: true
            content: {application/octet-stream: {schema: {type: string, format: binary}}}
          responses:
            "200":
              description: the size received, in a schema named as typing's IO
              content: {application/json: {schema: {$ref: '#/components/schemas/IO'}}}
      /note:
        put:
          operationId: putNote
          requestBody:
            required: true
            content: {text/plain: {schema: {type: string}}}
          responses:
            "200":
              description: the text received
              content: {application/json: {schema: {type: string}}}
      /report/{kind}:
        get:
          operationId: report
          parameters: [{name: kind, in: path, required: true, schema: {type: string}}]
          responses:
            "200":
              description: the report, as data or as a document
              content:
                application/json: {schema: {$ref: '#/components/schemas/Item'}}
                application/pdf: {schema: {type: string, format: binary}}
      /download:
        get:
          operationId: download
          responses:
            "200":
              description: a file
              content: {application/zip: {schema: {type: string, format: binary}}}
    components:
      schemas:
        IO: {type: object, required: [size], properties: {size: {type: integer}}}
        Item:
          type: object
          required: [name]
          properties:
            name: {type: string}
            count: {type: integer}
        Bin: {type: string, format: binary}
        Bin2: {$ref: '#/components/schemas/Bin'}
        Upload:
          type: object
          required: [file]
          properties:
            file: {$ref: '#/components/schemas/Bin'}
            many: {type: array, items: {$ref: '#/components/schemas/Bin2'}}
        Inner:
          type: object
          required: [doc]
          properties:
            doc: {type: string, format: binary}
            note: {type: string}
        UploadAlias: {$ref: '#/components/schemas/Inner'}
        Received:
          type: object
          properties:
            names: {type: array, items: {type: string}}
            contents: {type: array, items: {type: string}}
            note: {type: string}
    """
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("indirect"), SPEC, "indirect.yaml", "fn_mp_indirect")


@pytest.fixture(scope="module")
def base_url(built: Built) -> Iterator[str]:
    """The generated server, its implementation answering what it received."""
    ctx: Any = built.runtime.RequestContext

    async def parts(context: Any, *fields: str) -> tuple[list[str], list[str]]:
        form = await context.request.form()
        files = [f for name in fields for f in form.getlist(name)]
        return [f.filename for f in files], [(await f.read()).decode() for f in files]

    class Upload:
        async def upload(self, body: Any, context: ctx) -> Any:
            names, contents = await parts(context, "file", "many")
            assert body.file.root == contents[0].encode()  # the server keeps the alias
            return {"names": names, "contents": contents}

    class Wrapped:
        async def wrapped(self, body: Any, context: ctx) -> Any:
            names, contents = await parts(context, "doc")
            assert contents == [body.root.doc.decode()]  # the form is still there to read
            return {"names": names, "contents": contents, "note": body.root.note}

    class Batch:
        async def batch(self, body: Any, context: ctx) -> Any:
            return [*(body.items or ()), *([body.one] if body.one else [])]

    class Related:
        async def related(self, body: Any, context: ctx) -> Any:
            meta = f"{body.meta.name}:{body.meta.count}"
            return {"names": [meta], "contents": [body.doc.hex(), *(body.tags or ())]}

    class Download:
        async def download(self, context: ctx) -> Any:
            return io.BytesIO(b"PK\x03\x04" * 40_000)  # several chunks

    class Raw:
        async def put_raw(self, body: bytes, context: ctx) -> Any:
            return {"size": len(body)}

    class AsyncDocument:  # aiofiles' and UploadFile's way
        def __init__(self) -> None:
            self.content = io.BytesIO(b"%PDF-1.4" * 20_000)  # several chunks

        async def read(self, size: int = -1) -> bytes:
            return self.content.read(size)

        async def close(self) -> None:
            self.content.close()

    class Report:
        async def report(self, kind: str, context: ctx) -> Any:
            if kind == "async":
                return built.runtime.Ok(AsyncDocument(), media_type="application/pdf")
            document = io.BytesIO(b"%PDF-1.4")
            media_type = None if kind == "json" else f"application/{kind}"
            return built.runtime.Ok(document, media_type=media_type)

    class Note:
        async def put_note(self, body: str, context: ctx) -> str:
            return body

    groups = {
        "raw": Raw(),
        "note": Note(),
        "report": Report(),
        "upload": Upload(),
        "wrapped": Wrapped(),
        "batch": Batch(),
        "related": Related(),
        "download": Download(),
    }
    with serve(built.server.create_app(**groups)) as url:
        yield url


def test_no_warning_says_the_server_gets_raw_bytes(built: Built) -> None:
    assert [d.code for d in built.generated.diagnostics] == []


def test_a_ref_to_a_binary_alias_takes_named_files(built: Built, base_url: str) -> None:
    models = built.models()
    body = models.Upload(file=("a.txt", b"abc"), many=[("b.txt", b"de"), b"f"])
    with built.client.Client(base_url=base_url, max_retries=0) as client:
        reply = client.upload.upload(body)
    assert (reply.names, reply.contents) == (["a.txt", "b.txt", "upload"], ["abc", "de", "f"])


def test_a_binary_alias_instance_is_still_a_file(built: Built, base_url: str) -> None:
    """``Bin(b"...")`` was the field's type before it became ``_File``: it still sends its bytes."""
    models = built.models()
    body = models.Upload(file=models.Bin(b"abc"), many=[models.Bin2(models.Bin(b"q"))])
    with built.client.Client(base_url=base_url, max_retries=0) as client:
        assert client.upload.upload(body).contents == ["abc", "q"]


def test_a_body_aliasing_a_multipart_model_sends_its_fields(built: Built, base_url: str) -> None:
    models = built.models()
    body = models.UploadAlias(models.Inner(doc=("n.bin", b"xyz"), note="hi"))

    async def send() -> Any:
        async with built.client.AsyncClient(base_url=base_url, max_retries=0) as client:
            return await client.wrapped.wrapped(body)

    with built.client.Client(base_url=base_url, max_retries=0) as client:
        sync = client.wrapped.wrapped(body)
    for reply in (sync, asyncio.run(send())):
        assert (reply.names, reply.contents, reply.note) == (["n.bin"], ["xyz"], "hi")


def test_an_array_of_objects_arrives_as_objects(built: Built, base_url: str) -> None:
    items = [{"name": "a", "count": 1}, {"name": "b"}]
    with built.client.Client(base_url=base_url, max_retries=0) as client:
        reply = client.batch.batch({"items": items, "one": {"name": "c", "count": 3}})
    assert [(i.name, i.count) for i in reply] == [("a", 1), ("b", None), ("c", 3)]


def test_a_body_with_every_field_left_out_is_still_sent(built: Built, base_url: str) -> None:
    """No parts is an empty multipart body (its closing boundary), not a missing one (422)."""
    with built.client.Client(base_url=base_url, max_retries=0) as client:
        assert client.batch.batch(built.models().BatchBody()) == []


def test_a_multipart_related_body_is_read_into_its_model(built: Built, base_url: str) -> None:
    with built.client.Client(base_url=base_url, max_retries=0) as client:
        reply = client.related.related(
            {"meta": {"name": "m", "count": 2}, "doc": ("d.bin", b"\x00\xff"), "tags": ["x", "y"]}
        )
    assert (reply.names, reply.contents) == (["m:2"], ["00ff", "x", "y"])


@pytest.mark.parametrize("naming", ["content_id", "position", "foreign_content_id"])
def test_related_parts_are_named_by_content_id_or_position(base_url: str, naming: str) -> None:
    """RFC 2387 parts name no field: their Content-ID does, else their place in the model
    (a Content-ID naming no field, as ``<root@example.org>``, was taken for a name: 422)."""
    ids = {
        "content_id": ["<meta>", "<doc>"],
        "position": ["", ""],
        "foreign_content_id": ["<root@example.org>", "<doc@example.org>"],
    }[naming]
    parts = [
        ("application/json", ids[0], b'{"name": "r", "count": 5}'),
        ("application/octet-stream", ids[1], b"raw"),
    ]
    if naming == "content_id":
        parts.reverse()  # named parts in any order
    body = b"".join(
        b"--sep\r\nContent-Type: %s\r\n%s\r\n%s\r\n"
        % (kind.encode(), f"Content-ID: {cid}\r\n".encode() if cid else b"", data)
        for kind, cid, data in parts
    )
    reply = httpx.post(
        f"{base_url}/related",
        content=body + b"--sep--\r\n",
        headers={"Content-Type": 'multipart/related; boundary=sep; type="application/json"'},
    )
    assert reply.status_code == 200, reply.text
    assert reply.json() == {"names": ["r:5"], "contents": [b"raw".hex()]}


def test_a_related_body_of_too_many_parts_is_refused(base_url: str) -> None:
    """Starlette's limit on a form's fields (1000) holds for the parts it does not parse,
    refused before the parse (synchronous, in a worker thread: 40,000 parts took seconds)."""
    part = b"--sep\r\nContent-Disposition: form-data; name=tags\r\n\r\nx\r\n"
    reply = httpx.post(
        f"{base_url}/related",
        content=part * 1001 + b"--sep--\r\n",
        headers={"Content-Type": "multipart/related; boundary=sep"},
    )
    assert reply.status_code == 400, reply.text
    assert "1000" in reply.json()["detail"]


@pytest.mark.parametrize("charset", ["idna", "punycode"])
def test_a_charset_python_cannot_decode_with_replacement_reads_as_utf8(
    base_url: str, charset: str
) -> None:
    """As an unknown charset is read (these raised ``UnicodeError``: a 500)."""
    text = httpx.put(
        f"{base_url}/note",
        content="é".encode(),
        headers={"Content-Type": f"text/plain; charset={charset}"},
    )
    meta = b'{"name": "\xc3\xa9"}'
    part = b"--sep\r\nContent-Type: application/json; charset=%s\r\n\r\n%s\r\n"
    related = httpx.post(
        f"{base_url}/related",
        content=part % (charset.encode(), meta) + b"--sep\r\n\r\nd\r\n--sep--\r\n",
        headers={"Content-Type": "multipart/related; boundary=sep"},
    )
    assert (text.status_code, related.status_code) == (200, 200), related.text
    assert (text.json(), related.json()["names"]) == ("é", ["é:None"])


def test_a_file_object_is_streamed_as_the_media_type_chosen(base_url: str) -> None:
    """Beside a JSON body, a file object named ``application/pdf`` was JSON-dumped (a list of
    its lines); as the JSON body (no media type chosen) it is a mismatch (a logged 500)."""
    document = httpx.get(f"{base_url}/report/pdf")
    assert (document.status_code, document.content) == (200, b"%PDF-1.4")
    assert document.headers["content-type"] == "application/pdf"
    assert httpx.get(f"{base_url}/report/json").status_code == 500


def test_a_file_object_read_asynchronously_is_streamed(base_url: str) -> None:
    """An ``async def read`` (aiofiles, ``UploadFile``) broke the reply after its headers."""
    document = httpx.get(f"{base_url}/report/async")
    assert (document.status_code, document.content) == (200, b"%PDF-1.4" * 20_000)


def test_a_file_object_returned_for_a_download_is_streamed(built: Built, base_url: str) -> None:
    async def fetch() -> Any:
        async with built.client.AsyncClient(base_url=base_url, max_retries=0) as client:
            return await client.download.download()

    with built.client.Client(base_url=base_url, max_retries=0) as client:
        assert client.download.download() == asyncio.run(fetch()) == b"PK\x03\x04" * 40_000
    reply = httpx.get(f"{base_url}/download")
    assert reply.headers["content-type"] == "application/zip"


USER = """
from __future__ import annotations

import io
from typing import IO

from fn_mp_indirect_client import AsyncClient, Client
from fn_mp_indirect_client.models import Bin, Bin2, Inner, Upload, UploadAlias
from fn_mp_indirect_server import DownloadBase
from fn_mp_indirect_server import runtime as rt


def send(client: Client) -> int:
    client.upload.upload(Upload(file=("a.txt", b"abc"), many=[io.BytesIO(b"x"), b"y"]))
    client.upload.upload(Upload(file=Bin(b"abc"), many=[Bin2(Bin(b"q"))]))
    client.wrapped.wrapped(UploadAlias(Inner(doc=("n.bin", b"xyz"))))
    with open("data.bin", "rb") as data:
        return client.raw.put_raw(data).size  # a schema named IO: typing's IO is typing.IO


async def send_async(client: AsyncClient) -> int:
    return (await client.raw.put_raw(io.BytesIO(b"abc"))).size


class Download(DownloadBase):
    async def download(self, *, context: rt.RequestContext) -> IO[bytes]:
        return io.BytesIO(b"PK")  # streamed by the runtime: the interface says so
"""


def test_files_type_check_where_they_are_sent(built: Built, base_url: str, tmp_path: Path) -> None:
    program = tmp_path / "user.py"
    program.write_text(USER, encoding="utf-8")
    packages = [
        built.generated.out / built.generated.client,
        built.generated.out / built.generated.server,
    ]
    assert [str(f) for f in mypy([program], tmp_path, packages)] == []
    with built.client.Client(base_url=base_url, max_retries=0) as client:
        assert client.raw.put_raw(io.BytesIO(b"abcd")).size == 4
