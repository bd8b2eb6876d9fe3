"""Security alternatives: a spec's ``security`` is an OR of requirements, each an AND of schemes.

``[{apiKey: []}, {oauth2: [read]}]`` lets in a request carrying either credential;
``[{apiKey: [], tenant: []}]`` needs both; ``[{}, {apiKey: []}]`` makes credentials
optional. The server enforces exactly that and documents the list as written; the client
sends an operation the credentials of its first alternative they cover, and only those.
"""

from __future__ import annotations

import importlib
import textwrap
from typing import Any

import httpx
import pytest
from apiforge_testkit import Built, build, mock_client, server_client

SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Alternatives, version: "1.0"}
    paths:
      /either:
        get:
          operationId: either
          security: [{key: []}, {oauth: [read]}]
          responses: {"204": {description: ok}}
      /both:
        get:
          operationId: both
          security: [{key: [], tenant: []}]
          responses: {"204": {description: ok}}
      /maybe:
        get:
          operationId: maybe
          security: [{}, {key: []}]
          responses: {"204": {description: ok}}
      /public:
        get:
          operationId: public
          security: []
          responses: {"204": {description: ok}}
    components:
      securitySchemes:
        key: {type: apiKey, in: header, name: X-Key}
        tenant: {type: apiKey, in: query, name: tenant}
        oauth:
          type: oauth2
          flows: {clientCredentials: {tokenUrl: /token, scopes: {read: Read.}}}
    """
)

PRINCIPALS = {
    "k": frozenset(),
    "t": frozenset(),
    "reader": frozenset({"read"}),
    "nobody": frozenset(),
}


@pytest.fixture(scope="module")
def alternatives(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(
        tmp_path_factory.mktemp("alternatives"),
        SPEC,
        "alternatives.yaml",
        "fn_security_alternatives",
    )


class Impl:
    def __init__(self) -> None:
        self.principals: list[Any] = []

    async def _seen(self, context: Any) -> None:
        self.principals.append(context.principal.subject if context.principal else None)

    async def either(self, *, context: Any) -> None:
        await self._seen(context)

    async def both(self, *, context: Any) -> None:
        await self._seen(context)

    async def maybe(self, *, context: Any) -> None:
        await self._seen(context)

    async def public(self, *, context: Any) -> None:
        await self._seen(context)


def _statuses(
    built: Built, requests: list[tuple[str, dict[str, str], dict[str, str]]]
) -> tuple[list[int], list[Any]]:
    runtime = built.runtime

    async def authenticate(token: str) -> Any:
        scopes = PRINCIPALS.get(token)
        return None if scopes is None else runtime.SimplePrincipal(token, scopes)

    impl = Impl()
    groups = {name: impl for name in ("either", "both", "maybe", "public")}
    with server_client(built.server, authenticate=authenticate, **groups) as http:
        statuses = [
            http.get(path, headers=headers, params=params).status_code
            for path, headers, params in requests
        ]
    return statuses, impl.principals


def test_any_one_alternative_lets_the_request_in(alternatives: Built) -> None:
    statuses, principals = _statuses(
        alternatives,
        [
            ("/either", {"X-Key": "k"}, {}),
            ("/either", {"Authorization": "Bearer reader"}, {}),
            ("/either", {"Authorization": "Bearer nobody"}, {}),  # oauth without the read scope
            ("/either", {"X-Key": "bad"}, {}),
            ("/either", {}, {}),
        ],
    )
    assert statuses == [204, 204, 403, 401, 401]
    assert principals == ["k", "reader"]


def test_a_combined_requirement_needs_every_scheme(alternatives: Built) -> None:
    statuses, principals = _statuses(
        alternatives,
        [
            ("/both", {"X-Key": "k"}, {"tenant": "t"}),
            ("/both", {"X-Key": "k"}, {}),
            ("/both", {}, {"tenant": "t"}),
            ("/both", {"X-Key": "k"}, {"tenant": "bad"}),
        ],
    )
    assert statuses == [204, 401, 401, 401]
    assert principals == ["k"]


def test_the_empty_requirement_makes_credentials_optional(alternatives: Built) -> None:
    statuses, principals = _statuses(
        alternatives,
        [
            ("/maybe", {}, {}),
            ("/maybe", {"X-Key": "k"}, {}),
            ("/maybe", {"X-Key": "bad"}, {}),
            ("/public", {}, {}),
        ],
    )
    assert statuses == [204, 204, 401, 204]
    assert principals == [None, "k", None]


def test_the_document_lists_the_alternatives_as_written(alternatives: Built) -> None:
    paths = alternatives.runtime.routes_openapi(alternatives.server.create_app())["paths"]
    assert paths["/either"]["get"]["security"] == [{"key": []}, {"oauth": ["read"]}]
    assert paths["/both"]["get"]["security"] == [{"key": [], "tenant": []}]
    assert paths["/maybe"]["get"]["security"] == [{}, {"key": []}]
    assert "security" not in paths["/public"]["get"]


def test_the_client_sends_the_credentials_of_one_alternative(alternatives: Built) -> None:
    seen: dict[str, tuple[str | None, str | None]] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen[request.url.path] = (request.headers.get("X-Key"), request.url.params.get("tenant"))
        return httpx.Response(204)

    runtime = importlib.import_module(f"{alternatives.generated.client}._runtime")
    auth = runtime.combine_auth(
        runtime.api_key_auth("X-Key", "header", "k"), runtime.api_key_auth("tenant", "query", "t")
    )
    with mock_client(alternatives.client, handler, auth=auth) as client:
        client.either.either()
        client.both.both()
        client.maybe.maybe()
        client.public.public()
    assert seen == {
        "/either": ("k", None),
        "/both": ("k", "t"),
        "/maybe": ("k", None),
        "/public": (None, None),
    }


def test_a_combined_requirement_missing_a_credential_is_not_called_invalid(
    alternatives: Built,
) -> None:
    """Only the tenant is missing: the key was never checked, so it is no invalid credential
    (a client told so drops a good one); every credential given and one refused is."""
    runtime = alternatives.runtime

    async def authenticate(token: str) -> Any:
        return runtime.SimplePrincipal(token) if token in ("k", "t") else None

    with server_client(alternatives.server, authenticate=authenticate, both=Impl()) as http:
        partial = http.get("/both", headers={"X-Key": "k"})
        refused = http.get("/both", headers={"X-Key": "k"}, params={"tenant": "bad"})
    assert (partial.status_code, partial.json()["detail"]) == (401, "not authenticated")
    assert (refused.status_code, refused.json()["detail"]) == (401, "invalid credentials")
