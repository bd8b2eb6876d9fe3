"""Path templates by RFC 6570 level 1: several ``{name}`` in one segment, literal text around them.

``/compare/{base}...{head}`` has two parameters, not one named ``base}...{head``; the
client fills each into the URL, the server routes the request and hands each value to the
implementation, also for names Starlette cannot spell (``{item-id}``).
"""

from __future__ import annotations

import textwrap
from typing import Any

import httpx
import pytest
from apiforge_testkit import Built, build, mock_client, server_client
from live_server import serve

SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Paths, version: "1.0"}
    paths:
      /repos/{owner}/{repo}/compare/{base}...{head}:
        get:
          operationId: compare
          parameters:
            - {name: owner, in: path, required: true, schema: {type: string}}
            - {name: repo, in: path, required: true, schema: {type: string}}
            - {name: base, in: path, required: true, schema: {type: string}}
            - {name: head, in: path, required: true, schema: {type: string}}
          responses:
            "200": {description: ok, content: {application/json: {schema: {type: object}}}}
      /files/{name}.{ext}:
        get:
          operationId: getFile
          parameters:
            - {name: name, in: path, required: true, schema: {type: string}}
            - {name: ext, in: path, required: true, schema: {type: string}}
          responses:
            "204": {description: ok}
      /items/v{version}-{item-id}:
        get:
          operationId: getItem
          parameters:
            - {name: version, in: path, required: true, schema: {type: integer}}
            - {name: item-id, in: path, required: true, schema: {type: string}}
          responses:
            "204": {description: ok}
      /copies/{id}/of/{id}:
        get:
          operationId: getCopy
          parameters:
            - {name: id, in: path, required: true, schema: {type: string}}
          responses:
            "204": {description: ok}
    """
)


@pytest.fixture(scope="module")
def paths(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("paths"), SPEC, "paths.yaml", "fn_path_templates")


class Impl:
    def __init__(self) -> None:
        self.seen: list[tuple[Any, ...]] = []

    async def compare(
        self, owner: str, repo: str, base: str, head: str, *, context: Any
    ) -> dict[str, Any]:
        self.seen.append((owner, repo, base, head))
        return {}

    async def get_file(self, name: str, ext: str, *, context: Any) -> None:
        self.seen.append((name, ext))

    async def get_item(self, version: int, item_id: str, *, context: Any) -> None:
        self.seen.append((version, item_id))

    async def get_copy(self, id: str, *, context: Any) -> None:
        self.seen.append((id,))


def test_every_placeholder_is_a_parameter_and_nothing_else(paths: Built) -> None:
    assert paths.generated.codes() == []
    urls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        urls.append(str(request.url))
        return (
            httpx.Response(200, json={}) if "compare" in request.url.path else httpx.Response(204)
        )

    with mock_client(paths.client, handler) as client:
        client.repos.compare.compare("o", "r", "main", "feature/x")
        client.files.get_file("report", "tar.gz")
        client.items.get_item(3, "a b")
    assert urls == [
        "http://api.test/repos/o/r/compare/main...feature%2Fx",
        "http://api.test/files/report.tar.gz",
        "http://api.test/items/v3-a%20b",
    ]


def test_the_server_routes_and_passes_each_parameter(paths: Built) -> None:
    impl = Impl()
    with server_client(
        paths.server, repos_compare=impl, files=impl, items=impl, copies_of=impl
    ) as http:
        assert http.get("/copies/a/of/a").status_code == 204
        assert http.get("/copies/a/of/b").status_code == 404  # one variable, one value
        assert http.get("/repos/o/r/compare/main...dev").status_code == 200
        assert http.get("/files/report.csv").status_code == 204
        assert http.get("/items/v3-xy").status_code == 204
        assert http.get("/items/vx-xy").status_code == 422  # version is an integer
    assert impl.seen == [("a",), ("o", "r", "main", "dev"), ("report", "csv"), (3, "xy")]


def test_the_document_keeps_the_spec_paths_and_names(paths: Built) -> None:
    document = paths.server.create_app().openapi()
    assert set(document["paths"]) == {
        "/repos/{owner}/{repo}/compare/{base}...{head}",
        "/files/{name}.{ext}",
        "/items/v{version}-{item-id}",
        "/copies/{id}/of/{id}",
    }
    names = [
        p["name"] for p in document["paths"]["/items/v{version}-{item-id}"]["get"]["parameters"]
    ]
    assert names == ["version", "item-id"]


def test_client_to_server_over_uvicorn(paths: Built) -> None:
    impl = Impl()
    app = paths.server.create_app(repos_compare=impl, files=impl, items=impl)
    with serve(app) as base_url, paths.client.Client(base_url=base_url, max_retries=0) as client:
        client.repos.compare.compare("o w", "r", "v1.0", "v2.0")
        client.items.get_item(7, "x-1")
    assert impl.seen == [("o w", "r", "v1.0", "v2.0"), (7, "x-1")]
