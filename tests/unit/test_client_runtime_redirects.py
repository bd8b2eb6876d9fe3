"""Client runtime, redirects: followed as the user's ``http_client`` says, credentials kept home.

httpx strips only ``Authorization`` when a redirect leaves the origin, and drops every
``Cookie`` header on any redirect. The client's credentials (an API key header, a
bearer token, a cookie) must reach the ``base_url``'s origin only, and the cookies it
sends there must survive a redirect that stays there.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from client_runtime_loader import load_client_runtime
from pydantic import BaseModel

rt = load_client_runtime()
BASE = "https://api.test/v1"

CREDENTIALS = rt.combine_auth(
    rt.api_key_auth("X-API-Key", "header", "key-secret"),
    rt.api_key_auth("session", "cookie", "cookie-secret"),
    rt.bearer_auth("token-secret"),
)


class Item(BaseModel):
    id: int


GET_ITEM = rt.Operation(
    operation_id="getItem",
    method="GET",
    path="/items/{id}",
    params=(rt.Param("id", "path", required=True), rt.Param("theme", "cookie")),
    responses={"200": rt.Outcome("json", Item)},
    security=(("key", "token", "session"),),
)


def redirecting(hops: dict[str, str]) -> tuple[list[httpx.Request], Any]:
    """A handler redirecting each URL in ``hops`` to its value, answering the others."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        target = hops.get(str(request.url))
        if target is not None:
            return httpx.Response(302, headers={"Location": target})
        return httpx.Response(200, json={"id": 1})

    return seen, handler


def secrets(request: httpx.Request) -> list[str]:
    """The credentials a request carries."""
    sent = [request.headers.get(name, "") for name in ("x-api-key", "authorization", "cookie")]
    return [word for word in ("key-secret", "token-secret", "cookie-secret") if word in str(sent)]


def call_sync(handler: Any, base_url: str = BASE, **http: Any) -> Any:
    http_client = httpx.Client(transport=httpx.MockTransport(handler), **http)
    client = rt.SyncClientBase(base_url=base_url, auth=CREDENTIALS, http_client=http_client)
    return rt.with_raw_response(client._call)(GET_ITEM, {"id": 1, "theme": "dark"})


def call_async(handler: Any, base_url: str = BASE, **http: Any) -> Any:
    async def run() -> Any:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler), **http) as hc:
            client = rt.AsyncClientBase(base_url=base_url, auth=CREDENTIALS, http_client=hc)
            return await rt.async_with_raw_response(client._call)(
                GET_ITEM, {"id": 1, "theme": "dark"}
            )

    return asyncio.run(run())


CALLS = pytest.mark.parametrize("call", [call_sync, call_async], ids=["sync", "async"])
EVERY = ["key-secret", "token-secret", "cookie-secret"]


@CALLS
def test_credentials_never_follow_a_redirect_to_another_host(call: Any) -> None:
    seen, handler = redirecting({f"{BASE}/items/1": "https://elsewhere.test/items/1"})
    raw = call(handler, follow_redirects=True)
    assert raw.parsed == Item(id=1)
    assert [str(r.url) for r in seen] == [f"{BASE}/items/1", "https://elsewhere.test/items/1"]
    assert [secrets(r) for r in seen] == [EVERY, []]
    assert [r.status_code for r in raw.http_response.history] == [302]


@CALLS
def test_credentials_and_cookies_survive_a_redirect_on_the_same_origin(call: Any) -> None:
    seen, handler = redirecting({f"{BASE}/items/1": f"{BASE}/items/1/"})
    call(handler, follow_redirects=True)
    assert [secrets(r) for r in seen] == [EVERY, EVERY]
    assert "theme=dark" in seen[1].headers["cookie"]


@CALLS
def test_credentials_come_back_with_a_redirect_home(call: Any) -> None:
    away = "https://cdn.test/items/1"
    seen, handler = redirecting({f"{BASE}/items/1": away, away: f"{BASE}/items/one"})
    call(handler, follow_redirects=True)
    assert [secrets(r) for r in seen] == [EVERY, [], EVERY]


@CALLS
def test_an_upgrade_to_https_on_the_same_host_keeps_credentials(call: Any) -> None:
    seen, handler = redirecting({"http://api.test/v1/items/1": f"{BASE}/items/1"})
    call(handler, base_url="http://api.test/v1", follow_redirects=True)
    assert [secrets(r) for r in seen] == [EVERY, EVERY]


@CALLS
def test_too_many_redirects_is_a_connection_error(call: Any) -> None:
    seen, handler = redirecting({f"{BASE}/items/1": f"{BASE}/items/1"})
    with pytest.raises(rt.APIConnectionError) as caught:
        call(handler, follow_redirects=True, max_redirects=3)
    assert isinstance(caught.value.__cause__, httpx.TooManyRedirects)
    assert len(seen) == 4


@CALLS
def test_a_client_that_does_not_follow_redirects_gets_the_redirect(call: Any) -> None:
    seen, handler = redirecting({f"{BASE}/items/1": "https://elsewhere.test/items/1"})
    with pytest.raises(rt.UnexpectedStatusError) as caught:
        call(handler)
    assert caught.value.status_code == 302
    assert len(seen) == 1


@CALLS
def test_the_http_clients_own_auth_is_not_run_again_for_another_host(call: Any) -> None:
    seen, handler = redirecting({f"{BASE}/items/1": "https://elsewhere.test/items/1"})
    call(handler, follow_redirects=True, auth=("user", "password"))
    sent = [r.headers.get("authorization", "") for r in seen]
    assert sent[0].startswith("Basic ")  # httpx's auth runs after the request is built
    assert sent[1] == ""
