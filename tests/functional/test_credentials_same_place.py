"""Schemes that put the same kind of secret in the same place take one credential.

Google's APIs (every ``googleapis.com`` spec of the corpus) declare two OAuth 2 schemes,
one per flow, and require them together: ``security: [{Oauth2: [s], Oauth2c: [s]}, ...]``.
One access token answers both. The client asked for two credentials and, given them, still
refused to send two ``Authorization`` headers, so no call of such an API could be made
(``MissingCredentialsError`` with ``api_key=`` or with both schemes named). Over real
uvicorn, with the generated server behind a recorder.
"""

from __future__ import annotations

import textwrap
from typing import Any

import pytest
from apiforge_testkit import Built, build
from live_server import serve

SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Flows, version: "1.0"}
    security:
      - {Oauth2: [read], Oauth2c: [read]}
      - {Oauth2: [admin], Oauth2c: [admin]}
    paths:
      /items:
        get:
          operationId: listItems
          responses: {"204": {description: ok}}
      /signed:
        get:
          operationId: signed
          security: [{basic: [], Oauth2: []}]
          responses: {"204": {description: ok}}
      /me:
        get:
          operationId: me
          security: [{userJwt: []}]
          responses: {"204": {description: ok}}
      /partner:
        get:
          operationId: partner
          security: [{partnerOauth: []}, {basic: []}]
          responses: {"204": {description: ok}}
    components:
      securitySchemes:
        Oauth2:
          type: oauth2
          flows: {implicit: {authorizationUrl: "https://a.example/auth", scopes: {read: r, admin: a}}}
        Oauth2c:
          type: oauth2
          flows:
            authorizationCode:
              authorizationUrl: "https://a.example/auth"
              tokenUrl: "https://a.example/token"
              scopes: {read: r, admin: a}
        basic: {type: http, scheme: basic}
        userJwt: {type: http, scheme: bearer}
        partnerOauth:
          type: oauth2
          flows: {clientCredentials: {tokenUrl: "https://a.example/token", scopes: {}}}
    """
)


@pytest.fixture(scope="module")
def flows(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("flows"), SPEC, "flows.yaml", "fn_credentials_same_place")


class Impl:
    def __getattr__(self, name: str) -> Any:
        async def operation(*, context: Any) -> None:
            return None

        return operation


class Recorder:
    """The generated app behind an ASGI layer that keeps each request's Authorization headers."""

    def __init__(self, built: Built) -> None:
        self.app = built.server.create_app(
            items=Impl(),
            signed=Impl(),
            partner=Impl(),
            me=Impl(),
            authenticate=lambda secret: built.runtime.SimplePrincipal(secret, scopes={"read"}),
        )
        self.seen: list[list[str]] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            self.seen.append([v.decode() for k, v in scope["headers"] if k == b"authorization"])
        await self.app(scope, receive, send)


@pytest.mark.parametrize(
    "given",
    [
        {"api_key": "tok"},
        {"credentials": {"Oauth2c": "tok"}},
        {"credentials": {"Oauth2": "tok", "Oauth2c": "tok"}},
    ],
    ids=["api_key", "either-scheme", "both-schemes"],
)
def test_one_token_answers_two_oauth_flows_required_together(
    flows: Built, given: dict[str, Any]
) -> None:
    recorder = Recorder(flows)
    with serve(recorder) as url:
        flows.client.Client(base_url=url, max_retries=0, **given).items.list_items()
    assert recorder.seen == [["Bearer tok"]]  # one header, once, and the server served it


def test_two_different_tokens_for_equal_schemes_are_not_guessed_between(flows: Built) -> None:
    package = flows.client
    client = package.Client(
        base_url="http://127.0.0.1:1", credentials={"Oauth2": "a", "Oauth2c": "b"}
    )
    with pytest.raises(package.MissingCredentialsError) as raised:
        client.items.list_items()
    # Alternatives that differ only in scopes are named once.
    assert str(raised.value).count("'Oauth2' and 'Oauth2c'") == 1


def test_schemes_that_need_one_header_twice_are_still_never_sent(flows: Built) -> None:
    """HTTP basic and an OAuth 2 token both need ``Authorization``: no request can carry both."""
    package = flows.client
    client = package.Client(
        base_url="http://127.0.0.1:1", credentials={"basic": ("u", "p"), "Oauth2": "tok"}
    )
    with pytest.raises(package.MissingCredentialsError):
        client.signed.signed()


def test_a_token_is_never_lent_to_an_equal_scheme_the_alternative_does_not_name(
    flows: Built,
) -> None:
    """Only schemes required together share a credential: a user's bearer token is no
    partner's OAuth 2 token, so the operation gets its second alternative, HTTP basic."""
    recorder = Recorder(flows)
    given = {"userJwt": "USER-JWT", "basic": ("admin", "pw")}
    with serve(recorder) as url:
        client = flows.client.Client(base_url=url, credentials=given, max_retries=0)
        client.partner.partner()
    assert recorder.seen == [["Basic YWRtaW46cHc="]]
    lone = flows.client.Client(base_url="http://127.0.0.1:1", credentials={"userJwt": "t"})
    with pytest.raises(flows.client.MissingCredentialsError):
        lone.partner.partner()
