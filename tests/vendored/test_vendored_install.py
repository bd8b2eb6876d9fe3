"""The committed packages under generated/ install into a fresh venv with only their own
dependencies, and work there: nothing in them imports apiforge."""

from __future__ import annotations

import subprocess
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
GENERATED = REPO / "generated"

CLIENT_SCRIPT = r"""
import json, sys
import httpx
from posthog_client import Client, NotFoundError

def handler(request):
    assert request.headers["authorization"] == "Bearer k"
    if request.url.path.endswith("/42/"):
        return httpx.Response(404, json={"detail": "Not found."})
    return httpx.Response(200, json={"count": 1, "next": None, "previous": None,
        "results": [{"id": 1, "name": "d", "description": "", "pinned": False, "created_at": "2024-01-01T00:00:00Z",
                     "created_by": None, "is_shared": False, "deleted": False, "creation_mode": "default",
                     "tags": [], "restriction_level": 21, "effective_restriction_level": 21,
                     "effective_privilege_level": 37, "user_access_level": "editor"}]})

with Client(api_key="k", base_url="http://test", transport=httpx.MockTransport(handler)) as client:
    names = [d.name for d in client.dashboards.list_all("1")]
    assert names == ["d"], names
    try:
        client.environments.dashboards.retrieve("1", 42)
    except NotFoundError as error:
        assert error.status_code == 404
    else:
        raise AssertionError("no NotFoundError")
assert "generator" not in sys.modules and "apiforge" not in sys.modules
print("client ok")
"""

SERVER_SCRIPT = r"""
import asyncio, json, sys
from posthog_server import create_app
from posthog_server.runtime import SimplePrincipal

class Themes:
    async def list(self, project_id, *, limit=None, offset=None, context):
        return {"count": 0, "next": None, "previous": None, "results": []}

async def authenticate(token):
    return SimplePrincipal("me", frozenset({"project:read"})) if token == "t" else None

app = create_app(environments_data_color_themes=Themes(), authenticate=authenticate)

async def call(path, token):
    sent = []
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
             "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
             "headers": [(b"host", b"test")] + ([(b"authorization", f"Bearer {token}".encode())] if token else []),
             "client": ("127.0.0.1", 1), "server": ("test", 80), "root_path": ""}
    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}
    async def send(message):
        sent.append(message)
    await app(scope, receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, json.loads(body or b"null")

async def main():
    assert (await call("/api/environments/1/data_color_themes/", None))[0] == 401
    status, body = await call("/api/environments/1/data_color_themes/", "t")
    assert status == 200 and body["count"] == 0, (status, body)
    status, body = await call("/api/environments/1/dashboards/", "t")
    assert status in (403, 501), (status, body)

asyncio.run(main())
assert "generator" not in sys.modules and "apiforge" not in sys.modules
print("server ok")
"""


def _fresh_venv(path: Path) -> Path:
    venv.EnvBuilder(with_pip=True, clear=True).create(path)
    return path / "bin" / "python"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("package", "script", "expected"),
    [
        ("posthog_client", CLIENT_SCRIPT, "client ok"),
        ("posthog_server", SERVER_SCRIPT, "server ok"),
    ],
)
def test_generated_package_installs_and_runs_alone(
    tmp_path: Path, package: str, script: str, expected: str
) -> None:
    python = _fresh_venv(tmp_path / "venv")
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", str(GENERATED / package)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    listed = subprocess.run(
        [str(python), "-m", "pip", "list", "--format=freeze"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "apiforge" not in listed.stdout
    run = subprocess.run(
        [str(python), "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert expected in run.stdout
