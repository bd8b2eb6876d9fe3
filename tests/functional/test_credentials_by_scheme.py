"""The generated client's credentials belong to security schemes, not to the client as a whole.

Each operation is sent the credentials of the first of its security alternatives (OpenAPI:
an OR of requirements, each an AND of schemes) whose schemes all have one, and only those.
A query API key declared before a global bearer scheme once took ``api_key=`` and went into
every URL (where proxies and access logs keep it); every configured credential went to every
operation that takes any. Over real uvicorn, with the generated server behind a recorder.
"""

from __future__ import annotations

import asyncio
import textwrap
from typing import Any

import pytest
from apiforge_testkit import Built, build
from live_server import serve

SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Keyed, version: "1.0"}
    security: [{bearer: []}]
    paths:
      /items:
        get:
          operationId: listItems
          responses: {"204": {description: ok}}
      /export:
        get:
          operationId: export
          security: [{queryKey: []}]
          responses: {"204": {description: ok}}
      /either:
        get:
          operationId: either
          security: [{queryKey: []}, {bearer: []}]
          responses: {"204": {description: ok}}
      /both:
        get:
          operationId: both
          security: [{bearer: [], tenant: []}]
          responses: {"204": {description: ok}}
      /maybe:
        get:
          operationId: maybe
          security: [{}, {bearer: []}]
          responses: {"204": {description: ok}}
      /public:
        get:
          operationId: public
          security: []
          responses: {"204": {description: ok}}
    components:
      securitySchemes:
        queryKey: {type: apiKey, in: query, name: api_key}
        tenant: {type: apiKey, in: header, name: X-Tenant}
        bearer: {type: http, scheme: bearer}
    """
)
GROUPS = ("items", "export", "either", "both", "maybe", "public")


@pytest.fixture(scope="module")
def keyed(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("keyed"), SPEC, "keyed.yaml", "fn_credentials_by_scheme")


class Impl:
    def __getattr__(self, name: str) -> Any:
        async def operation(*, context: Any) -> None:
            return None

        return operation


class Recorder:
    """The generated app behind an ASGI layer that keeps what each request carried."""

    def __init__(self, built: Built) -> None:
        self.app = built.server.create_app(
            **{group: Impl() for group in GROUPS},
            authenticate=lambda secret: built.runtime.SimplePrincipal(secret),
        )
        self.seen: dict[str, tuple[str, str | None, str | None]] = {}

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
            self.seen[scope["path"]] = (
                scope["query_string"].decode(),
                headers.get("authorization"),
                headers.get("x-tenant"),
            )
        await self.app(scope, receive, send)


def _call_all(client: Any, groups: tuple[str, ...] = GROUPS) -> None:
    for group in groups:
        method = "list_items" if group == "items" else group
        getattr(getattr(client, group), method)()


def test_api_key_goes_to_the_scheme_most_operations_use_never_into_urls(keyed: Built) -> None:
    recorder = Recorder(keyed)
    with serve(recorder) as url:
        client = keyed.client.Client(base_url=url, api_key="tok", max_retries=0)
        _call_all(client, ("items", "either", "maybe", "public"))
        with pytest.raises(keyed.client.MissingCredentialsError):
            client.export.export()  # takes the query key only: "tok" is no such key
    assert recorder.seen == {
        "/items": ("", "Bearer tok", None),
        "/either": ("", "Bearer tok", None),
        "/maybe": ("", "Bearer tok", None),
        "/public": ("", None, None),
    }


def test_each_operation_gets_its_own_schemes_credentials_only(keyed: Built) -> None:
    recorder = Recorder(keyed)
    credentials = {"queryKey": "qk", "bearer": "tok", "tenant": "acme"}
    with serve(recorder) as url:
        _call_all(keyed.client.Client(base_url=url, credentials=credentials, max_retries=0))
    assert recorder.seen == {
        "/items": ("", "Bearer tok", None),
        "/export": ("api_key=qk", None, None),
        "/either": ("api_key=qk", None, None),  # the first alternative that is configured
        "/both": ("", "Bearer tok", "acme"),
        "/maybe": ("", "Bearer tok", None),  # credentials given: sent where optional
        "/public": ("", None, None),
    }


def test_credentials_given_as_auth_placements_reach_their_scheme_only(keyed: Built) -> None:
    recorder = Recorder(keyed)
    package = keyed.client
    auth = package.combine_auth(
        package.api_key_auth("api_key", "query", "qk"),
        package.api_key_auth("X-Tenant", "header", "acme"),
    )
    with serve(recorder) as url:
        client = package.Client(base_url=url, api_key="tok", auth=auth, max_retries=0)
        client.items.list_items()
        client.export.export()
    assert recorder.seen == {
        "/items": ("", "Bearer tok", None),
        "/export": ("api_key=qk", None, None),
    }


def test_an_operation_no_configured_credential_fits_fails_before_sending(keyed: Built) -> None:
    recorder = Recorder(keyed)
    package = keyed.client
    with serve(recorder) as url:
        client = package.Client(base_url=url, credentials={"queryKey": "qk"}, max_retries=0)
        with pytest.raises(package.MissingCredentialsError) as raised:
            client.items.list_items()
        with pytest.raises(package.MissingCredentialsError):
            package.Client(base_url=url, api_key="tok").both.both()
        client.maybe.maybe()  # the empty requirement: sent without credentials
        client.public.public()
    assert "'bearer'" in str(raised.value) and "qk" not in str(raised.value)
    assert set(recorder.seen) == {"/maybe", "/public"}
    assert recorder.seen["/maybe"] == ("", None, None)


def test_a_call_bringing_the_missing_credential_itself_is_sent(keyed: Built) -> None:
    """Only extras that carry one of the operation's credentials excuse a missing one: an
    unrelated header (a trace id) used to let the call go out with no credentials at all."""
    recorder = Recorder(keyed)
    package = keyed.client
    with serve(recorder) as url:
        client = package.Client(base_url=url, credentials={"queryKey": "qk"}, max_retries=0)
        with pytest.raises(package.MissingCredentialsError):
            client.items.list_items(request_options={"extra_headers": {"X-Trace": "1"}})
        own = {"extra_headers": {"Authorization": "Bearer tok"}}
        client.items.list_items(request_options=own)
        with pytest.raises(package.MissingCredentialsError):
            client.items.list_items()  # the excused call was not remembered
    assert recorder.seen == {"/items": ("", "Bearer tok", None)}


def test_a_client_without_credentials_still_sends_and_the_server_answers(keyed: Built) -> None:
    """Credentials may come another way (the http_client's auth, ``headers=``)."""
    with serve(Recorder(keyed)) as url:
        client = keyed.client.Client(base_url=url, max_retries=0)
        with pytest.raises(keyed.client.AuthenticationError):
            client.items.list_items()
        headers = {"Authorization": "Bearer tok"}
        keyed.client.Client(base_url=url, headers=headers).items.list_items()


def test_an_unknown_scheme_name_is_refused(keyed: Built) -> None:
    with pytest.raises(ValueError, match="'bearer', 'queryKey', 'tenant'"):
        keyed.client.Client(base_url="http://127.0.0.1:1", credentials={"Bearer": "tok"})


def test_the_async_client_chooses_the_same_credentials(keyed: Built) -> None:
    recorder = Recorder(keyed)
    credentials = {"queryKey": "qk", "bearer": "tok"}

    async def calls(url: str) -> None:
        async with keyed.client.AsyncClient(base_url=url, credentials=credentials) as client:
            await client.items.list_items()
            await client.either.either()
            with pytest.raises(keyed.client.MissingCredentialsError):
                await client.both.both()

    with serve(recorder) as url:
        asyncio.run(calls(url))
    assert recorder.seen == {
        "/items": ("", "Bearer tok", None),
        "/either": ("api_key=qk", None, None),
    }
