"""A credential variable set to nothing (``TOKEN=`` in an env file) means no credentials.

The generated client reads its API key from ``$<API_KEY_ENV>`` when ``api_key`` is not
passed. An empty value used to become ``Authorization: Bearer ``, a header value HTTP
forbids (h11 refuses to send it), so every authenticated call failed with a connection
error, even those the API answers anonymously. Checked over real uvicorn.
"""

from __future__ import annotations

import asyncio
import textwrap
from typing import Any

import pytest
from apiforge_testkit import Built, build
from live_server import serve
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Tokens, version: "1.0"}
    security: [{}, {token: []}]
    paths:
      /whoami:
        get:
          operationId: whoami
          responses:
            "200":
              description: who the caller is
              content: {application/json: {schema: {$ref: "#/components/schemas/Caller"}}}
    components:
      securitySchemes:
        token: {type: http, scheme: bearer}
      schemas:
        Caller: {type: object, required: [authorization], properties: {authorization: {type: string}}}
    """
)


@pytest.fixture(scope="module")
def tokens(tmp_path_factory: pytest.TempPathFactory) -> Built:
    out = tmp_path_factory.mktemp("tokens")
    return build(out, SPEC, "tokens.yaml", "fn_empty_credentials", api_key_env="FN_TOKENS_KEY")


@pytest.fixture(scope="module")
def base_url() -> Any:
    async def whoami(request: Request) -> JSONResponse:
        return JSONResponse({"authorization": request.headers.get("authorization", "anonymous")})

    with serve(Starlette(routes=[Route("/whoami", whoami)])) as url:
        yield url


def test_an_empty_variable_sends_no_credentials(
    tokens: Built, base_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FN_TOKENS_KEY", "")
    with tokens.client.Client(base_url=base_url) as client:
        assert client.whoami.whoami().authorization == "anonymous"

    async def run() -> str:
        async with tokens.client.AsyncClient(base_url=base_url) as client:
            return str((await client.whoami.whoami()).authorization)

    assert asyncio.run(run()) == "anonymous"


def test_a_set_variable_or_argument_is_sent(
    tokens: Built, base_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FN_TOKENS_KEY", "from-env")
    with tokens.client.Client(base_url=base_url) as client:
        assert client.whoami.whoami().authorization == "Bearer from-env"
    with tokens.client.Client(base_url=base_url, api_key="given") as client:
        assert client.whoami.whoami().authorization == "Bearer given"


def test_a_token_given_with_its_scheme_word_is_sent_once(tokens: Built, base_url: str) -> None:
    for given in ("Bearer given", "bearer  given", "BEARER given"):
        with tokens.client.Client(base_url=base_url, api_key=given) as client:
            assert client.whoami.whoami().authorization == "Bearer given"
    rt = tokens.client._runtime
    assert rt.bearer_auth("Bearer ") is None
    assert rt.bearer_auth("Bearerish") is not None  # a token that merely starts so is kept


def test_the_factories_take_an_empty_secret_for_none(tokens: Built) -> None:
    rt = tokens.client._runtime
    assert rt.bearer_auth("") is None
    assert rt.api_key_auth("X-API-Key", "header", "") is None
    assert rt.combine_auth(rt.bearer_auth(""), rt.api_key_auth("key", "query", "")) is None
