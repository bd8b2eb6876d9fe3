"""Each generated package works with the lowest release of every dependency its pyproject.toml
allows: a fresh venv gets exactly those floors (``name>=X`` installed as ``name==X``), then the
package, then a program that uses what needs the newest of them (typed extras, omitted
optional properties, a reply's naive date-time and relative link on the client; omitted
optional properties, a converted default and a form body on the server), with warnings as
errors.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import venv
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from apiforge.api import generate
from apiforge.config.targets import Overrides

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

SPEC = """\
openapi: 3.0.3
info: {title: Floors, version: 1.0.0}
paths:
  /notes/{note_id}:
    put:
      operationId: notes_update
      parameters:
        - {name: note_id, in: path, required: true, schema: {type: integer}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Note"}
      responses:
        "200":
          description: The note.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Note"}
  /notes/{note_id}/label:
    post:
      operationId: notes_label
      parameters:
        - {name: note_id, in: path, required: true, schema: {type: integer}}
      requestBody:
        required: true
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              required: [label]
              properties:
                label: {type: string}
      responses:
        "200":
          description: The note.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Note"}
components:
  schemas:
    Note:
      type: object
      required: [title]
      properties:
        title: {type: string}
        done: {type: boolean}
        key: {type: string, format: uuid, default: 07ef8b4d-aa09-4ffa-898d-c710796aff42}
        at: {type: string, format: date-time}
        home: {type: string, format: uri}
      additionalProperties: {type: integer}
"""

CLIENT = """\
import warnings
warnings.simplefilter("error")  # nothing in the package warns in its users' logs
import json
import httpx
from floors_client import Client
from floors_client.models import Note

def handler(request):
    assert json.loads(request.content) == {"title": "t", "stars": 3}, request.content
    return httpx.Response(200, json={"title": "t", "stars": "4", "at": "2024-01-02T03:04:05", "home": "/n"})

with Client(base_url="http://test", transport=httpx.MockTransport(handler)) as client:
    # done=None: an optional property that may not be null is left out (no exclude_if at 2.8)
    note = client.notes.update(1, Note.model_validate({"title": "t", "done": None, "stars": 3}))
assert note.model_extra == {"stars": 4}, note.model_extra
assert note.at is not None and note.at.tzinfo is None, note.at  # a reply's naive date-time reads
assert note.home == "/n", note.home  # and its relative link
try:
    Note(title="t", home="/n")
except ValueError as error:
    assert "absolute URL" in str(error), error
else:
    raise AssertionError("a model the caller builds takes a relative link")
print("client ok")
"""

SERVER = """\
import warnings
warnings.simplefilter("error")  # nothing in the package warns in its users' logs
import asyncio, json
from urllib.parse import urlencode
from floors_server import NotesBase, create_app
from floors_server.models import Note

class Notes(NotesBase):
    async def update(self, note_id, *, body, context):
        assert body.done is None and body.model_extra == {"stars": 3}, body
        return Note(**body.model_dump())  # an omitted property stays omitted

    async def label(self, note_id, *, body, context):
        return Note.model_validate({"title": body.label})

app = create_app(notes=Notes())
KEY = "07ef8b4d-aa09-4ffa-898d-c710796aff42"  # the schema's default

async def call(method, path, body, content_type):
    sent = []
    headers = [(b"host", b"test"), (b"content-type", content_type.encode()),
               (b"content-length", str(len(body)).encode())]
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": method, "scheme": "http", "path": path, "raw_path": path.encode(),
             "query_string": b"", "headers": headers, "client": ("127.0.0.1", 1),
             "server": ("test", 80), "root_path": ""}
    async def receive():
        return {"type": "http.request", "body": body, "more_body": False}
    async def send(message):
        sent.append(message)
    await app(scope, receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    return status, json.loads(b"".join(m.get("body", b"") for m in sent if "body" in m))

async def main():
    reply = await call("PUT", "/notes/1", b'{"title": "t", "stars": 3}', "application/json")
    assert reply == (200, {"title": "t", "key": KEY, "stars": 3}), reply
    form = urlencode({"label": "l"}).encode()
    reply = await call("POST", "/notes/1/label", form, "application/x-www-form-urlencoded")
    assert reply == (200, {"title": "l"}), reply

asyncio.run(main())
print("server ok")
"""


def _floors(project: Path) -> list[str]:
    """``name==X`` for each ``name>=X`` dependency of the generated project."""
    metadata = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    pins = []
    for line in metadata["project"]["dependencies"]:
        requirement = Requirement(line)
        (lowest,) = [s.version for s in requirement.specifier if s.operator == ">="]
        pins.append(f"{requirement.name}=={lowest}")
    return pins


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("floors")
    (out / "floors.yaml").write_text(SPEC, encoding="utf-8")
    generate(out / "floors.yaml", overrides=Overrides(output=out / "generated"))
    return out / "generated"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("package", "script"), [("floors_client", CLIENT), ("floors_server", SERVER)]
)
def test_the_lowest_allowed_dependencies_work(
    generated: Path, tmp_path: Path, package: str, script: str
) -> None:
    venv.EnvBuilder(with_pip=True, clear=True).create(tmp_path / "venv")
    python = str(tmp_path / "venv" / "bin" / "python")
    constraints = tmp_path / "floors.txt"
    constraints.write_text("\n".join(_floors(generated / package)) + "\n", encoding="utf-8")
    install = subprocess.run(
        [python, "-m", "pip", "install", "-q", "-c", str(constraints), str(generated / package)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    run = subprocess.run(
        [python, "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        check=False,
    )
    assert run.returncode == 0, constraints.read_text() + run.stdout + run.stderr[-3000:]
