"""Operations on the client itself (no resource) get the same methods as resource operations.

``Client`` and every resource class render their methods from one macro, so a
paginated operation at the API's root has its ``*_all`` iterator on ``Client`` and
``AsyncClient`` too, walking the pages exactly as a resource's would.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from apiforge_testkit import Generated, generate, load, mock_client, mypy

SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "Root", "version": "1"},
    "paths": {
        "/": {
            "get": {
                "operationId": "search",
                "parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}],
                "responses": {
                    "200": {
                        "description": "one page",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/ItemPage"}
                            }
                        },
                    }
                },
            }
        }
    },
    "components": {
        "schemas": {
            "Item": {
                "type": "object",
                "required": ["id"],
                "properties": {"id": {"type": "integer"}},
            },
            "ItemPage": {
                "type": "object",
                "required": ["results"],
                "properties": {
                    "next": {"type": "string", "nullable": True},
                    "results": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}},
                },
            },
        }
    },
}

PAGES = {
    "": {"results": [{"id": 1}, {"id": 2}], "next": "http://api.test/?q=x&page=2"},
    "2": {"results": [{"id": 3}], "next": None},
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    folder = tmp_path_factory.mktemp("root_pagination")
    spec = folder / "root.json"
    spec.write_text(json.dumps(SPEC), encoding="utf-8")
    result = generate(spec, folder / "out", "rootpages")
    assert result.rendered is not None, result.report()
    return result


def _handler(seen: list[str]) -> Any:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json=PAGES[request.url.params.get("page", "")])

    return handle


def test_client_iterates_every_page_of_a_root_operation(generated: Generated) -> None:
    client_pkg, _ = load(generated)
    seen: list[str] = []
    with mock_client(client_pkg, _handler(seen)) as client:
        assert [item.id for item in client.search_all(q="x")] == [1, 2, 3]
        assert client.search(q="x").next is not None  # the single-page method is still there
    assert seen[:2] == ["http://api.test/?q=x", "http://api.test/?q=x&page=2"]


def test_async_client_iterates_every_page_of_a_root_operation(generated: Generated) -> None:
    client_pkg, _ = load(generated)
    seen: list[str] = []

    async def collect() -> list[int]:
        transport = httpx.MockTransport(_handler(seen))
        async with client_pkg.AsyncClient(base_url="http://api.test", transport=transport) as c:
            return [item.id async for item in c.search_all(q="x")]

    assert asyncio.run(collect()) == [1, 2, 3]
    assert len(seen) == 2


def test_root_iterators_type_check(generated: Generated, tmp_path: Path) -> None:
    usage = tmp_path / "use_root.py"
    usage.write_text(
        "from collections.abc import AsyncIterator, Iterator\n"
        "from rootpages_client import AsyncClient, Client\n"
        "from rootpages_client.models import Item\n\n"
        "def sync(c: Client) -> Iterator[Item]:\n"
        "    return c.search_all(q='x')\n\n"
        "def asynchronous(c: AsyncClient) -> AsyncIterator[Item]:\n"
        "    return c.search_all(q='x')\n",
        encoding="utf-8",
    )
    checked = mypy([generated], tmp_path / ".mypy_cache")  # the package itself
    assert checked.returncode == 0, checked.stdout + checked.stderr
    env = dict(os.environ, MYPYPATH=os.pathsep.join(str(p) for p in generated.projects))
    user = subprocess.run(
        [str(Path(sys.executable).parent / "mypy"), "--strict", "--no-error-summary", str(usage)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=600,
    )
    assert user.returncode == 0, user.stdout + user.stderr
