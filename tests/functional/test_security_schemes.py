"""Security schemes end to end: the generated client's credentials and the server's checks.

Over real uvicorn on 127.0.0.1: a secret no header can carry is refused when the client is
built, without being shown (httpx's own error quotes the header's value); an operation whose
only schemes the server cannot check (``http`` digest, ``mutualTLS``) is refused, never
served to anyone; ``security: [{}]`` (credentials optional, no scheme) serves everyone;
an API key header is not carried along a redirect to another host.
"""

from __future__ import annotations

import asyncio
import importlib
import textwrap
from typing import Any

import httpx
import pytest
from apiforge_testkit import Built, build
from live_server import serve
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Schemes, version: "1.0"}
    security: [{bearer: []}]
    paths:
      /bearer:
        get:
          operationId: getBearer
          responses: {"204": {description: ok}}
      /key:
        get:
          operationId: getKey
          security: [{key: []}]
          responses: {"204": {description: ok}}
      /digest:
        get:
          operationId: getDigest
          security: [{digest: []}]
          responses: {"204": {description: ok}}
      /mtls-and-bearer:
        get:
          operationId: getMtlsAndBearer
          security: [{mtls: [], bearer: []}]
          responses: {"204": {description: ok}}
      /digest-or-key:
        get:
          operationId: getDigestOrKey
          security: [{digest: []}, {key: []}]
          responses: {"204": {description: ok}}
      /digest-or-nothing:
        get:
          operationId: getDigestOrNothing
          security: [{digest: []}, {}]
          responses: {"204": {description: ok}}
      /cookie:
        get:
          operationId: getCookie
          security: [{session: []}]
          responses: {"204": {description: ok}}
      /scoped:
        get:
          operationId: getScoped
          security: [{oauth: [read]}]
          responses: {"204": {description: ok}}
      /scoped-or-key:
        get:
          operationId: getScopedOrKey
          security: [{oauth: [read], key: []}]
          responses: {"204": {description: ok}}
      /anyone:
        get:
          operationId: getAnyone
          security: [{}]
          responses: {"204": {description: ok}}
    components:
      securitySchemes:
        bearer: {type: http, scheme: bearer}
        key: {type: apiKey, in: header, name: X-API-Key}
        digest: {type: http, scheme: digest}
        mtls: {type: mutualTLS}
        session: {type: apiKey, in: cookie, name: session}
        oauth:
          type: oauth2
          flows: {clientCredentials: {tokenUrl: /token, scopes: {read: Read.}}}
    """
)


@pytest.fixture(scope="module")
def schemes(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("schemes"), SPEC, "schemes.yaml", "fn_security_schemes")


class Impl:
    """Every operation answers 204 (when the server lets the request in)."""

    def __getattr__(self, name: str) -> Any:
        async def operation(*, context: Any) -> None:
            return None

        return operation


GROUPS = (
    "bearer",
    "key",
    "digest",
    "mtls_and_bearer",
    "digest_or_key",
    "digest_or_nothing",
    "anyone",
    "cookie",
    "scoped",
    "scoped_or_key",
)


def _app(built: Built) -> Any:
    return built.server.create_app(
        **{group: Impl() for group in GROUPS}, authenticate=lambda secret: None
    )


@pytest.mark.parametrize(
    "secret", ["s3cret-token\n", "s3cret-token\r\n", " s3cret-token", "s3cret-tökén", "s3\x00cret"]
)
def test_a_secret_no_header_carries_is_refused_without_showing_it(
    schemes: Built, secret: str
) -> None:
    runtime = schemes.client._runtime
    for make in (
        lambda: schemes.client.Client(base_url="http://127.0.0.1:1", api_key=secret),
        lambda: runtime.bearer_auth(secret),
        lambda: runtime.api_key_auth("X-API-Key", "header", secret),
    ):
        with pytest.raises(ValueError) as raised:
            make()
        assert "s3" not in str(raised.value) and raised.value.__cause__ is None


def test_an_empty_bearer_token_is_no_credential(schemes: Built) -> None:
    with serve(_app(schemes)) as url:
        client = schemes.client.Client(base_url=url, api_key="", max_retries=0)
        with pytest.raises(schemes.client.AuthenticationError) as raised:
            client.bearer.get_bearer()
    assert "authorization" not in raised.value.request.headers


def test_a_sendable_secret_still_reaches_the_server(schemes: Built) -> None:
    seen: list[str] = []
    server_runtime = importlib.import_module(schemes.generated.server + ".runtime")

    def authenticate(secret: str) -> Any:
        seen.append(secret)
        return server_runtime.SimplePrincipal("someone")

    app = schemes.server.create_app(bearer=Impl(), key=Impl(), authenticate=authenticate)
    runtime = schemes.client._runtime
    key = runtime.api_key_auth("X-API-Key", "header", "a\tkey with spaces")
    with serve(app) as url:
        client = schemes.client.Client(base_url=url, credentials={"bearer": "tok.en~"}, auth=key)
        client.bearer.get_bearer()
        client.key.get_key()
    assert seen == ["tok.en~", "a\tkey with spaces"]


def _principal(subject: str) -> Any:
    return type("Principal", (), {"subject": subject, "scopes": frozenset()})()


@pytest.mark.parametrize(
    ("path", "headers", "status"),
    [
        ("/digest", {}, 401),
        ("/digest", {"Authorization": 'Digest username="u", response="r"'}, 401),
        ("/mtls-and-bearer", {}, 401),
        ("/mtls-and-bearer", {"Authorization": "Bearer good"}, 401),
        ("/digest-or-key", {}, 401),
        ("/digest-or-key", {"X-API-Key": "good"}, 204),
        ("/digest-or-nothing", {}, 204),
        ("/anyone", {}, 204),
        ("/anyone", {"Authorization": "Bearer whatever"}, 204),
    ],
)
def test_only_unsupported_schemes_are_refused_never_served_unchecked(
    schemes: Built, path: str, headers: dict[str, str], status: int
) -> None:
    app = schemes.server.create_app(
        **{group: Impl() for group in GROUPS},
        authenticate=lambda secret: _principal(secret) if secret == "good" else None,
    )
    with serve(app) as url:
        response = httpx.get(url + path, headers=headers)
    assert response.status_code == status, response.text
    assert app.openapi()["paths"][path]["get"]["security"]  # still documented as written


def test_the_warning_says_what_both_packages_do(schemes: Built) -> None:
    refused = [
        d.message
        for d in schemes.generated.diagnostics
        if d.code == "unsupported-security" and d.location.pointer.endswith("/security")
    ]
    assert len(refused) == 2  # /digest and /mtls-and-bearer
    assert all("server refuses every request" in message for message in refused)


class Landing:
    """Records the headers of every request and answers 204; ``/loop`` redirects to itself."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, dict[str, str]]] = []

    def app(self, redirect_to: str | None = None) -> Starlette:
        async def record(request: Request) -> Response:
            self.seen.append((request.url.path, dict(request.headers)))
            if request.url.path == "/loop":
                return RedirectResponse("/loop", status_code=307)
            if redirect_to is not None and request.url.path != "/final":
                return RedirectResponse(redirect_to, status_code=307)
            return Response(status_code=204)

        return Starlette(routes=[Route("/{path:path}", record)])


def _credentials(schemes: Built, url: str, **kwargs: Any) -> Any:
    credentials = {
        "bearer": "bearer-secret",
        "oauth": "token-secret",
        "key": "key-secret",
        "session": "cookie-secret",
    }
    http_client = httpx.Client(follow_redirects=True)
    return schemes.client.Client(
        base_url=url, credentials=credentials, http_client=http_client, **kwargs
    )


def test_a_redirect_to_another_host_carries_no_credential(schemes: Built) -> None:
    landing = Landing()
    with serve(landing.app()) as elsewhere:
        other_host = elsewhere.replace("127.0.0.1", "localhost") + "/final"
        with serve(Landing().app(redirect_to=other_host)) as url:
            for call in (
                _credentials(schemes, url).key.get_key,
                _credentials(schemes, url).bearer.get_bearer,
                _credentials(schemes, url).cookie.get_cookie,
                _credentials(schemes, url).scoped_or_key.get_scoped_or_key,
            ):
                call()
    assert len(landing.seen) == 4
    for _, headers in landing.seen:
        assert not [value for value in headers.values() if "secret" in value], headers


def test_a_redirect_on_the_same_host_keeps_the_credentials_sent(schemes: Built) -> None:
    landing = Landing()
    with serve(landing.app(redirect_to="/final")) as url:
        _credentials(schemes, url).cookie.get_cookie()
        _credentials(schemes, url).scoped_or_key.get_scoped_or_key()
    (first, first_headers), (final, final_headers), _, (_, last_headers) = landing.seen
    assert (first, final) == ("/cookie", "/final")
    assert final_headers["cookie"] == first_headers["cookie"] == "session=cookie-secret"
    assert "x-api-key" not in final_headers and "authorization" not in final_headers
    assert last_headers["x-api-key"] == "key-secret"
    assert last_headers["authorization"] == "Bearer token-secret"
    assert "cookie" not in last_headers


def test_redirects_stop_at_the_http_clients_limit(schemes: Built) -> None:
    landing = Landing()
    with serve(landing.app(redirect_to="/loop")) as url:
        client = _credentials(schemes, url, max_retries=0)
        client._http_client.max_redirects = 3
        with pytest.raises(schemes.client.APIConnectionError, match="TooManyRedirects"):
            client.key.get_key()
    assert len(landing.seen) == 4  # the request and three redirects followed


@pytest.mark.parametrize(
    ("path", "headers", "challenge"),
    [
        ("/key", {}, "APIKey"),
        ("/key", {"X-API-Key": "wrong"}, "APIKey"),
        ("/cookie", {}, "APIKey"),
        ("/bearer", {}, "Bearer"),
    ],
)
def test_a_401_names_the_scheme_api_keys_included(
    schemes: Built, path: str, headers: dict[str, str], challenge: str
) -> None:
    with serve(_app(schemes)) as url:
        response = httpx.get(url + path, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].split(" ")[0] == challenge


@pytest.mark.parametrize(
    ("claim", "status"), [("unread rewrite", 403), ("write read", 204), ("", 403)]
)
@pytest.mark.parametrize("path", ["/scoped", "/scoped-or-key"])
def test_scopes_given_as_a_claim_string_are_words_not_letters(
    schemes: Built, path: str, claim: str, status: int
) -> None:
    """A principal's ``scopes`` may be the token's ``scope`` claim as it comes."""
    granted = type("Principal", (), {"subject": "someone", "scopes": claim})()
    app = schemes.server.create_app(
        **{group: Impl() for group in GROUPS}, authenticate=lambda secret: granted
    )
    headers = {"Authorization": "Bearer token", "X-API-Key": "key"}
    with serve(app) as url:
        response = httpx.get(url + path, headers=headers)
    assert response.status_code == status, response.text


def test_the_async_client_follows_redirects_the_same_way(schemes: Built) -> None:
    landing = Landing()
    runtime = schemes.client._runtime
    key = runtime.api_key_auth("X-API-Key", "header", "key-secret")

    async def call(url: str) -> None:
        async with httpx.AsyncClient(follow_redirects=True) as http_client:
            client = schemes.client.AsyncClient(base_url=url, auth=key, http_client=http_client)
            await client.key.get_key()

    with serve(landing.app()) as elsewhere:
        other_host = elsewhere.replace("127.0.0.1", "localhost") + "/final"
        with serve(Landing().app(redirect_to=other_host)) as url:
            asyncio.run(call(url))
    ((path, headers),) = landing.seen
    assert path == "/final" and "x-api-key" not in headers


@pytest.mark.parametrize("value", ["org-secret\n", "org-sécret", " org-secret"])
def test_a_header_of_the_users_own_that_cannot_be_sent_is_refused_without_showing_it(
    schemes: Built, value: str
) -> None:
    """Headers passed to the client or to one call often carry a secret too."""
    with serve(_app(schemes)) as url:
        with pytest.raises(ValueError) as built:
            schemes.client.Client(base_url=url, headers={"X-Org-Token": value})
        client = schemes.client.Client(base_url=url, api_key="good", max_retries=0)
        with pytest.raises(ValueError) as called:
            client.key.get_key(request_options={"extra_headers": {"X-Org-Token": value}})
    for raised in (built, called):
        assert "X-Org-Token" in str(raised.value) and "org-s" not in str(raised.value)


def test_the_http_clients_own_auth_stays_on_the_origin_as_httpx_keeps_it(schemes: Built) -> None:
    """Its ``auth`` signs the first request only; httpx copies that header along same-origin hops."""
    landing = Landing()
    http_client = httpx.Client(auth=httpx.BasicAuth("user", "http-secret"), follow_redirects=True)
    with serve(landing.app()) as elsewhere:
        other_host = elsewhere.replace("127.0.0.1", "localhost") + "/final"
        with serve(landing.app(redirect_to=other_host)) as url:
            schemes.client.Client(base_url=url, http_client=http_client).key.get_key()
        with serve(landing.app(redirect_to="/final")) as url:
            schemes.client.Client(base_url=url, http_client=http_client).key.get_key()
    paths = [(path, "authorization" in headers) for path, headers in landing.seen]
    assert paths == [("/key", True), ("/final", False), ("/key", True), ("/final", True)]


def test_a_schemes_header_given_as_a_plain_header_stays_on_the_origin(schemes: Built) -> None:
    """An API key passed in ``headers=`` or ``extra_headers`` is a credential all the same:
    httpx keeps every header but ``Authorization`` on a redirect to another host."""
    landing = Landing()
    with serve(landing.app()) as elsewhere:
        other_host = elsewhere.replace("127.0.0.1", "localhost") + "/final"
        with serve(Landing().app(redirect_to=other_host)) as url:
            http_client = httpx.Client(follow_redirects=True)
            headers = {"X-API-Key": "key-secret"}
            client = schemes.client.Client(base_url=url, headers=headers, http_client=http_client)
            client.key.get_key()
            client.anyone.get_anyone(request_options={"extra_headers": headers})
    assert [path for path, _ in landing.seen] == ["/final", "/final"]
    for _, seen in landing.seen:
        assert "x-api-key" not in seen, seen
