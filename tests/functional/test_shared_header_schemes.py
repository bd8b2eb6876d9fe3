"""Two schemes required together that place their secret in the same header.

Google's specs require ``Oauth2`` (implicit flow) and ``Oauth2c`` (code flow) together on
every operation: both are bearer tokens in ``Authorization``, so one token satisfies both.
The client given the same token for both sends the one header (before, it refused every
call with ``MissingCredentialsError``); given two different tokens it still refuses, since
one header cannot carry both. The generated server accepts the single header for both.
"""

from __future__ import annotations

import importlib
import textwrap
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from apiforge_testkit import Built, build, mock_client
from live_server import serve

SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Flows, version: "1.0"}
    paths:
      /zones:
        get:
          operationId: listZones
          security:
            - {implicit: [read], code: [read]}
          responses:
            "200": {description: ok, content: {application/json: {schema: {type: string}}}}
    components:
      securitySchemes:
        implicit:
          type: oauth2
          flows: {implicit: {authorizationUrl: /auth, scopes: {read: Read.}}}
        code:
          type: oauth2
          flows: {authorizationCode: {authorizationUrl: /auth, tokenUrl: /token, scopes: {read: Read.}}}
    """
)


@pytest.fixture(scope="module")
def flows(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("flows"), SPEC, "flows.yaml", "fn_shared_header_schemes")


@dataclass(frozen=True)
class Reader:
    subject: str
    scopes: frozenset[str] = frozenset({"read"})


class Zones:
    async def list_zones(self, *, context: Any) -> str:
        return f"zones for {context.principal.subject}"


def test_one_token_for_both_schemes_is_sent_once(flows: Built) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json="ok")

    with mock_client(flows.client, handler, credentials={"implicit": "t", "code": "t"}) as client:
        assert client.zones.list_zones() == "ok"
    assert seen[0].headers.get_list("authorization") == ["Bearer t"]


def test_two_different_tokens_still_cannot_share_the_header(flows: Built) -> None:
    errors = importlib.import_module(f"{flows.generated.client}")
    with (
        mock_client(
            flows.client,
            lambda r: httpx.Response(200, json="ok"),
            credentials={"implicit": "a", "code": "b"},
        ) as client,
        pytest.raises(errors.MissingCredentialsError),
    ):
        client.zones.list_zones()


def test_the_generated_server_accepts_the_one_header_for_both(flows: Built) -> None:
    app = flows.server.create_app(
        zones=Zones(), authenticate=lambda credential: Reader(str(credential))
    )
    with (
        serve(app) as url,
        flows.client.Client(
            base_url=url, credentials={"implicit": "t", "code": "t"}, max_retries=0
        ) as client,
    ):
        assert client.zones.list_zones() == "zones for t"
