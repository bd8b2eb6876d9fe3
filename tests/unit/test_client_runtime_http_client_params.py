"""Client runtime: a user's ``http_client`` with default ``params`` keeps every request's query.

httpx builds a request whose URL already has a query, on a client with ``params``, by
*replacing* that query with the client's params. The operation's query parameters, a
query credential and a followed page's cursor were all dropped. The request's own query
now stays as encoded, followed by the client's params it does not name itself.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from client_runtime_loader import load_client_runtime

rt = load_client_runtime()
BASE = "https://api.test/v1"

SEARCH = rt.Operation(
    operation_id="search",
    method="GET",
    path="/search",
    params=(rt.Param("q", "query"), rt.Param("v", "query")),
    responses={"200": rt.Outcome("json")},
    security=(("key",),),
)
PAGES = {
    "": {"next": f"{BASE}/search?q=a%20b&cursor=2", "results": [1]},
    "2": {"next": None, "results": [2]},
}


def handler(seen: list[str]) -> Any:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.query.decode())
        return httpx.Response(200, json=PAGES[request.url.params.get("cursor", "")])

    return handle


def run_sync(seen: list[str], args: dict[str, Any], all_pages: bool) -> Any:
    http_client = httpx.Client(transport=httpx.MockTransport(handler(seen)), params={"v": "1"})
    client = rt.SyncClientBase(
        base_url=BASE, auth=rt.api_key_auth("key", "query", "s3cret"), http_client=http_client
    )
    if all_pages:
        return list(client._paginate(SEARCH, args, int))
    return client._call(SEARCH, args)


def run_async(seen: list[str], args: dict[str, Any], all_pages: bool) -> Any:
    async def run() -> Any:
        transport = httpx.MockTransport(handler(seen))
        async with httpx.AsyncClient(transport=transport, params={"v": "1"}) as http_client:
            client = rt.AsyncClientBase(
                base_url=BASE,
                auth=rt.api_key_auth("key", "query", "s3cret"),
                http_client=http_client,
            )
            if all_pages:
                return [item async for item in client._paginate(SEARCH, args, int)]
            return await client._call(SEARCH, args)

    return asyncio.run(run())


RUNS = pytest.mark.parametrize("run", [run_sync, run_async], ids=["sync", "async"])


@RUNS
def test_the_query_stays_and_the_client_params_follow(run: Any) -> None:
    seen: list[str] = []
    run(seen, {"q": "a b"}, all_pages=False)
    assert seen == ["q=a%20b&key=s3cret&v=1"]


@RUNS
def test_a_parameter_the_request_names_wins_over_the_client_default(run: Any) -> None:
    seen: list[str] = []
    run(seen, {"q": "x", "v": "2"}, all_pages=False)
    assert seen == ["q=x&v=2&key=s3cret"]


@RUNS
def test_followed_pages_keep_their_cursor(run: Any) -> None:
    seen: list[str] = []
    assert run(seen, {"q": "a b"}, all_pages=True) == [1, 2]
    assert seen == ["q=a%20b&key=s3cret&v=1", "q=a%20b&cursor=2&key=s3cret&v=1"]
