"""A path parameter holding ``/``, from the generated client to the generated server.

The client sends ``a/b`` as ``a%2Fb`` (RFC 3986: a reserved character in a segment's value
is percent-encoded). The server decodes the path, where it reads as more segments, but keeps
the request's ``raw_path``, which the generated server routes by: the implementation is
handed ``a/b``, also for S3-style keys and branch names between literal text, and below a
mount (``root_path``). Other paths route as before.
"""

from __future__ import annotations

import textwrap
import warnings
from typing import Any

import httpx
import pytest
from apiforge_testkit import Built, build
from live_server import serve
from starlette.applications import Starlette
from starlette.routing import Mount

SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Slashes, version: "1.0"}
    paths:
      /names/a/b:
        get:
          operationId: getLiteral
          responses:
            "200": {description: ok, content: {application/json: {schema: {type: string}}}}
      /names/{name}:
        get:
          operationId: getName
          parameters:
            - {name: name, in: path, required: true, schema: {type: string}}
          responses:
            "200": {description: ok, content: {application/json: {schema: {type: string}}}}
      /names/{name}/tags:
        get:
          operationId: getTags
          parameters:
            - {name: name, in: path, required: true, schema: {type: string}}
          responses:
            "200": {description: ok, content: {application/json: {schema: {type: string}}}}
      /buckets/{bucket}/objects/{key}:
        get:
          operationId: getObject
          parameters:
            - {name: bucket, in: path, required: true, schema: {type: string}}
            - {name: key, in: path, required: true, schema: {type: string}}
          responses:
            "200": {description: ok, content: {application/json: {schema: {type: string}}}}
      /repos/{owner}/{repo}/compare/{base}...{head}:
        get:
          operationId: compare
          parameters:
            - {name: owner, in: path, required: true, schema: {type: string}}
            - {name: repo, in: path, required: true, schema: {type: string}}
            - {name: base, in: path, required: true, schema: {type: string}}
            - {name: head, in: path, required: true, schema: {type: string}}
          responses:
            "200": {description: ok, content: {application/json: {schema: {type: string}}}}
    """
)


@pytest.fixture(scope="module")
def slashes(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("slashes"), SPEC, "slashes.yaml", "fn_encoded_slash")


class Impl:
    """Every operation answers with what it was handed."""

    async def get_literal(self, *, context: Any) -> str:
        return "literal"

    async def get_name(self, name: str, *, context: Any) -> str:
        return f"name:{name}"

    async def get_tags(self, name: str, *, context: Any) -> str:
        return f"tags:{name}"

    async def get_object(self, bucket: str, key: str, *, context: Any) -> str:
        return f"object:{bucket}|{key}"

    async def compare(self, owner: str, repo: str, base: str, head: str, *, context: Any) -> str:
        return f"compare:{owner}|{repo}|{base}|{head}"


def create_app(built: Built) -> Any:
    impl = Impl()
    return built.server.create_app(
        names_a_b=impl, names=impl, buckets_objects=impl, repos_compare=impl
    )


def assert_round_trips(client: Any) -> None:
    """Values with and without ``/`` reach the implementation as the client passed them."""
    assert client.names.get_name("a/b") == "name:a/b"
    assert client.names.get_name("org/repo/") == "name:org/repo/"
    assert client.names.get_name("a") == "name:a"
    assert client.names.a.b.get_literal() == "literal"
    assert client.names.get_tags("a/b") == "tags:a/b"
    key = "photos/2026/12/cat.jpg"
    assert client.buckets.objects.get_object("b", key) == f"object:b|{key}"
    compared = client.repos.compare.compare("o", "r", "release/1.x", "feature/x")
    assert compared == "compare:o|r|release/1.x|feature/x"


def assert_routes_as_before(http: httpx.Client, prefix: str = "") -> None:
    """Paths without ``%2F`` route as Starlette routes them; 404 and 405 stay."""
    assert http.get(f"{prefix}/names/a/b").json() == "literal"
    assert http.get(f"{prefix}/names/a%2Fb").json() == "name:a/b"
    assert http.get(f"{prefix}/names/a%2Fb/tags/x").status_code == 404
    assert http.get(f"{prefix}/names/a/b/c/d").status_code == 404
    deleted = http.delete(f"{prefix}/names/a%2Fb")
    assert (deleted.status_code, deleted.headers["allow"]) == (405, "GET")
    redirected = http.get(f"{prefix}/names/x/", follow_redirects=False)
    assert redirected.status_code == 307
    assert redirected.headers["location"].endswith(f"{prefix}/names/x")


def test_client_to_server_over_uvicorn(slashes: Built) -> None:
    app = create_app(slashes)
    with serve(app) as base_url:
        with slashes.client.Client(base_url=base_url, max_retries=0) as client:
            assert_round_trips(client)
        with httpx.Client(base_url=base_url) as http:
            assert_routes_as_before(http)


def test_client_to_a_mounted_server_over_uvicorn(slashes: Built) -> None:
    """Below a mount the route path starts after ``root_path``, in ``raw_path`` too."""
    outer = Starlette(routes=[Mount("/api/v1", app=create_app(slashes))])
    with serve(outer) as base_url:
        with slashes.client.Client(base_url=f"{base_url}/api/v1", max_retries=0) as client:
            assert_round_trips(client)
        with httpx.Client(base_url=base_url) as http:
            assert_routes_as_before(http, "/api/v1")


def test_client_to_server_through_the_test_client(slashes: Built) -> None:
    """Starlette's TestClient hands the app a ``raw_path`` too."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # starlette prefers httpx2 for its TestClient
        from starlette.testclient import TestClient

    with TestClient(create_app(slashes), base_url="http://api.test") as http:
        client = slashes.client.Client(base_url="http://api.test", http_client=http)
        assert_round_trips(client)
        assert_routes_as_before(http)
