"""Client runtime, client behaviour: pagination, raw responses, deprecation, lifecycle."""

from __future__ import annotations

import asyncio
import inspect
import warnings
from typing import Any

import httpx
import pytest

# --------------------------------------------------------------------------- loader
from client_runtime_loader import FAKE_PACKAGE, load_client_runtime
from pydantic import BaseModel

rt = load_client_runtime()
BASE = "https://api.test/v1"


# ----------------------------------------------------------------------- fixtures
class Item(BaseModel):
    id: int


class ItemPage(BaseModel):
    count: int | None = None
    next: str | None = None
    previous: str | None = None
    results: list[Item]


ALL_ITEMS = [{"id": n} for n in range(1, 6)]

LIST_ITEMS = rt.Operation(
    operation_id="items_list",
    method="GET",
    path="/projects/{project_id}/items/",
    params=(
        rt.Param("project_id", "path", required=True),
        rt.Param("limit", "query"),
        rt.Param("offset", "query"),
        rt.Param("search", "query"),
    ),
    responses={"200": rt.Outcome("json", ItemPage)},
    security=(("key",),),
)


class Recorder:
    """Wrap a handler and keep every request it sees."""

    def __init__(self, handler: Any) -> None:
        self.handler = handler
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.handler(request)  # type: ignore[no-any-return]


def offset_pages(next_base: str = "https://api.test/v1/projects/7/items/") -> Recorder:
    """A limit/offset endpoint in the style of Django REST framework."""

    def handler(request: httpx.Request) -> httpx.Response:
        params = request.url.params
        limit, offset = int(params.get("limit", "2")), int(params.get("offset", "0"))
        end = offset + limit
        query = f"limit={limit}&offset={end}"
        if "search" in params:
            query += f"&search={params['search']}"
        return httpx.Response(
            200,
            json={
                "count": len(ALL_ITEMS),
                "next": f"{next_base}?{query}" if end < len(ALL_ITEMS) else None,
                "previous": None,
                "results": ALL_ITEMS[offset:end],
            },
        )

    return Recorder(handler)


def sync_client(handler: Any, **kwargs: Any) -> Any:
    return rt.SyncClientBase(base_url=BASE, transport=httpx.MockTransport(handler), **kwargs)


def queries(recorder: Recorder) -> list[str]:
    return [r.url.query.decode() for r in recorder.requests]


# --------------------------------------------------------------------- pagination
def test_paginate_limit_offset_across_three_pages() -> None:
    pages = offset_pages()
    with sync_client(pages, auth=rt.bearer_auth("tok")) as client:
        items = list(
            client._paginate(LIST_ITEMS, {"project_id": 7, "limit": 2, "search": "a b"}, Item)
        )
    assert items == [Item(id=n) for n in range(1, 6)]
    assert queries(pages) == [
        "limit=2&search=a%20b",
        "limit=2&offset=2&search=a b".replace(" ", "%20"),
        "limit=2&offset=4&search=a%20b",
    ]
    assert {r.url.path for r in pages.requests} == {"/v1/projects/7/items/"}
    assert all(r.headers["authorization"] == "Bearer tok" for r in pages.requests)


def test_paginate_cursor_style() -> None:
    cursors = {"": ("cD0y%3D", [1, 2]), "cD0y=": ("cD00%3D", [3, 4]), "cD00=": (None, [5])}

    def handler(request: httpx.Request) -> httpx.Response:
        following, ids = cursors[request.url.params.get("cursor", "")]
        return httpx.Response(
            200,
            json={
                "next": f"https://api.test/v1/groups/?cursor={following}&group_type_index=0"
                if following
                else None,
                "previous": None,
                "results": [{"id": n} for n in ids],
            },
        )

    op = rt.Operation(
        operation_id="groups_list",
        method="GET",
        path="/groups/",
        params=(rt.Param("group_type_index", "query", required=True), rt.Param("cursor", "query")),
        responses={"200": rt.Outcome("json", ItemPage)},
    )
    recorder = Recorder(handler)
    with sync_client(recorder) as client:
        ids = [item.id for item in client._paginate(op, {"group_type_index": 0}, Item)]
    assert ids == [1, 2, 3, 4, 5]
    assert queries(recorder) == [
        "group_type_index=0",
        "cursor=cD0y%3D&group_type_index=0",
        "cursor=cD00%3D&group_type_index=0",
    ]


def test_paginate_never_follows_next_to_another_host() -> None:
    pages = offset_pages(next_base="https://evil.example/steal/")
    with sync_client(pages, auth=rt.bearer_auth("tok")) as client:
        items = list(client._paginate(LIST_ITEMS, {"project_id": 7, "limit": 2}, Item))
    assert len(items) == 5
    for request in pages.requests:
        assert request.url.host == "api.test"
        assert request.url.path == "/v1/projects/7/items/"
    assert queries(pages)[1] == "limit=2&offset=2"


def test_paginate_sends_a_query_credential_once_even_if_next_echoes_it() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if "offset" in request.url.params:
            return httpx.Response(200, json={"next": None, "results": [{"id": 2}]})
        nxt = "https://api.test/v1/projects/7/items/?api_key=s3cret&offset=1"
        return httpx.Response(200, json={"next": nxt, "results": [{"id": 1}]})

    recorder = Recorder(handler)
    with sync_client(recorder, auth=rt.api_key_auth("api_key", "query", "s3cret")) as client:
        assert len(list(client._paginate(LIST_ITEMS, {"project_id": 7}, Item))) == 2
    assert queries(recorder) == ["api_key=s3cret", "offset=1&api_key=s3cret"]


@pytest.mark.parametrize(
    ("second_page", "expected_requests", "expected_items"),
    [
        # the same next URL again: stop instead of looping
        ({"next": "https://api.test/v1/x/?offset=1", "results": [{"id": 2}]}, 2, 2),
        # an empty page ends iteration even when it has a next link
        ({"next": "https://api.test/v1/x/?offset=9", "results": []}, 2, 1),
        # a next link without a query string cannot be followed safely
        ({"next": "https://api.test/v1/x/page/3", "results": [{"id": 2}]}, 2, 2),
        ({"next": "", "results": [{"id": 2}]}, 2, 2),
    ],
)
def test_paginate_stop_rules(
    second_page: dict[str, Any], expected_requests: int, expected_items: int
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("offset") == "1":
            return httpx.Response(200, json=second_page)
        return httpx.Response(
            200, json={"next": "https://api.test/v1/x/?offset=1", "results": [{"id": 1}]}
        )

    recorder = Recorder(handler)
    with warnings.catch_warnings(record=True) as caught, sync_client(recorder) as client:
        warnings.simplefilter("always")
        items = list(client._paginate(LIST_ITEMS, {"project_id": 7}, Item))
    assert len(recorder.requests) == expected_requests
    assert len(items) == expected_items
    # only the link it cannot follow is worth a warning (a repeat or an end is no surprise)
    unfollowed = "/page/3" in second_page["next"]
    messages = [str(w.message).split(" is neither", 1)[0] for w in caught]
    assert messages == (
        ["pagination stopped: the page's next " + repr(second_page["next"])] if unfollowed else []
    )


def test_paginate_safety_bound_warns() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params.get("offset", "0"))
        nxt = f"https://api.test/v1/x/?offset={offset + 1}"
        return httpx.Response(200, json={"next": nxt, "results": [{"id": offset}]})

    recorder = Recorder(handler)
    client = sync_client(recorder)
    client._max_pages = 3
    with pytest.warns(RuntimeWarning, match="stopped after 3 pages") as record:
        items = list(client._paginate(LIST_ITEMS, {"project_id": 7}, Item))
    assert len(items) == 3 and len(recorder.requests) == 3
    assert record[0].filename == __file__


def test_paginate_untyped_pages_validate_items() -> None:
    op = rt.Operation(
        operation_id="raw_pages",
        method="GET",
        path="/x/",
        responses={"200": rt.Outcome("json")},
    )
    bodies = iter(
        [
            {"next": "https://api.test/v1/x/?page=2", "results": [{"id": "1"}]},
            {"next": None, "results": [{"id": "oops"}]},
        ]
    )
    with sync_client(lambda request: httpx.Response(200, json=next(bodies))) as client:
        iterator = client._paginate(op, {}, Item)
        assert next(iterator) == Item(id=1)
        with pytest.raises(rt.ResponseValidationError) as info:
            next(iterator)
    assert info.value.status_code == 200


def test_paginate_async() -> None:
    async def main() -> list[Any]:
        pages = offset_pages()
        transport = httpx.MockTransport(pages)
        async with rt.AsyncClientBase(base_url=BASE, transport=transport) as client:
            items = [
                item
                async for item in client._paginate(LIST_ITEMS, {"project_id": 7, "limit": 2}, Item)
            ]
        assert queries(pages) == ["limit=2", "limit=2&offset=2", "limit=2&offset=4"]
        return items

    assert asyncio.run(main()) == [Item(id=n) for n in range(1, 6)]


# ------------------------------------------------------------------- raw responses
GET_ITEM = rt.Operation(
    operation_id="items_retrieve",
    method="GET",
    path="/items/{id}",
    params=(rt.Param("id", "path", required=True),),
    responses={"200": rt.Outcome("json", Item)},
)
OLD_ITEMS = rt.Operation(
    operation_id="items_old",
    method="GET",
    path="/old-items/",
    responses={"200": rt.Outcome("json", ItemPage)},
    deprecated=True,
)

# A resource module as apiforge would generate it: it lives in the generated package
# (apiforge_fake_client.resources), next to the runtime it calls.
_RESOURCE_SOURCE = '''
class Items:
    def __init__(self, client):
        self._client = client

    def retrieve(self, *, id):
        """Retrieve one item."""
        return self._client._call(GET_ITEM, {"id": id})

    def old(self):
        return self._client._call(OLD_ITEMS, {})

    def iter_old(self):
        return self._client._paginate(OLD_ITEMS, {}, Item)


class AsyncItems:
    def __init__(self, client):
        self._client = client

    async def retrieve(self, *, id):
        return await self._client._call(GET_ITEM, {"id": id})

    async def old(self):
        return await self._client._call(OLD_ITEMS, {})
'''
_resources: dict[str, Any] = {
    "__name__": f"{FAKE_PACKAGE}.resources",
    "GET_ITEM": GET_ITEM,
    "OLD_ITEMS": OLD_ITEMS,
    "Item": Item,
}
# exec gives the functions a module __name__ inside the fake package, as in generated code.
exec(compile(_RESOURCE_SOURCE, "<generated resources.py>", "exec"), _resources)  # noqa: S102
Items, AsyncItems = _resources["Items"], _resources["AsyncItems"]


def item_handler(request: httpx.Request) -> httpx.Response:
    if request.url.path.startswith("/v1/old-items"):
        return httpx.Response(200, json={"next": None, "results": [{"id": 9}]})
    item_id = int(request.url.path.rsplit("/", 1)[1])
    return httpx.Response(200, json={"id": item_id}, headers={"X-Request-Id": f"req-{item_id}"})


def test_with_raw_response_sync() -> None:
    with sync_client(item_handler) as client:
        items = Items(client)
        raw_retrieve = rt.with_raw_response(items.retrieve)
        response = raw_retrieve(id=3)
        assert raw_retrieve.__name__ == "retrieve"
        assert raw_retrieve.__doc__ == "Retrieve one item."
        assert isinstance(response, rt.APIResponse)
        assert response.parsed == Item(id=3)
        assert response.status_code == 200
        assert response.headers["x-request-id"] == "req-3"
        assert response.http_response.json() == {"id": 3}
        assert response.request.url.path == "/v1/items/3"
        # Plain calls are unaffected, and the capture does not leak between calls.
        assert items.retrieve(id=4) == Item(id=4)
        assert rt.with_raw_response(items.retrieve)(id=5).headers["x-request-id"] == "req-5"


def test_with_raw_response_returns_the_final_attempt() -> None:
    responses = iter([httpx.Response(503), httpx.Response(200, json={"id": 1})])
    client = sync_client(lambda request: next(responses))
    client._sleep = lambda seconds: None
    assert rt.with_raw_response(Items(client).retrieve)(id=1).status_code == 200


def test_with_raw_response_without_an_api_call_raises() -> None:
    with pytest.raises(RuntimeError, match="without performing an API call"):
        rt.with_raw_response(lambda: 1)()


def test_with_raw_response_async() -> None:
    async def main() -> None:
        transport = httpx.MockTransport(item_handler)
        async with rt.AsyncClientBase(base_url=BASE, transport=transport) as client:
            items = AsyncItems(client)
            first, second = await asyncio.gather(
                rt.async_with_raw_response(items.retrieve)(id=1),
                rt.async_with_raw_response(items.retrieve)(id=2),
            )
        assert (first.parsed, first.headers["x-request-id"]) == (Item(id=1), "req-1")
        assert (second.parsed, second.headers["x-request-id"]) == (Item(id=2), "req-2")

    asyncio.run(main())


# -------------------------------------------------------------------- deprecation
def test_deprecated_operation_warns_at_the_user_call_site() -> None:
    with sync_client(item_handler) as client:
        items = Items(client)
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            items.old()
            line = inspect.currentframe().f_lineno - 1  # type: ignore[union-attr]
            items.retrieve(id=1)  # not deprecated: no warning
            rt.with_raw_response(items.old)()
            list(items.iter_old())
    assert [w.category for w in record] == [DeprecationWarning] * 3
    assert "items_old (GET /old-items/) is deprecated" in str(record[0].message)
    assert all(w.filename == __file__ for w in record)
    assert record[0].lineno == line


def test_deprecated_operation_warns_async() -> None:
    async def main() -> list[warnings.WarningMessage]:
        transport = httpx.MockTransport(item_handler)
        async with rt.AsyncClientBase(base_url=BASE, transport=transport) as client:
            with warnings.catch_warnings(record=True) as record:
                warnings.simplefilter("always")
                await AsyncItems(client).old()
                await AsyncItems(client).old()
        return record

    record = asyncio.run(main())
    assert [w.category for w in record] == [DeprecationWarning] * 2
    assert all(w.filename == __file__ for w in record)


# ---------------------------------------------------------------------- lifecycle
def test_context_manager_closes_only_its_own_http_client() -> None:
    with sync_client(item_handler) as client:
        assert isinstance(client, rt.SyncClientBase)
    assert client._http_client.is_closed

    http = httpx.Client(transport=httpx.MockTransport(item_handler), headers={"X-From-Http": "1"})
    seen: list[httpx.Request] = []
    http.event_hooks["request"] = [seen.append]
    with rt.SyncClientBase(base_url=BASE, http_client=http) as client:
        assert client._call(GET_ITEM, {"id": 2}) == Item(id=2)
    assert not http.is_closed
    assert seen[0].headers["x-from-http"] == "1"
    http.close()


def test_subclass_context_manager_returns_the_subclass() -> None:
    class Client(rt.SyncClientBase):  # type: ignore[misc,name-defined]
        @property
        def items(self) -> Any:
            return Items(self)

    with Client(base_url=BASE, transport=httpx.MockTransport(item_handler)) as client:
        assert client.items.retrieve(id=8) == Item(id=8)


def test_async_context_manager_closes_only_its_own_http_client() -> None:
    async def main() -> None:
        transport = httpx.MockTransport(item_handler)
        async with rt.AsyncClientBase(base_url=BASE, transport=transport) as client:
            assert await client._call(GET_ITEM, {"id": 1}) == Item(id=1)
        assert client._http_client.is_closed

        http = httpx.AsyncClient(transport=transport)
        async with rt.AsyncClientBase(base_url=BASE, http_client=http) as client:
            assert await client._call(GET_ITEM, {"id": 2}) == Item(id=2)
        assert not http.is_closed
        await http.aclose()

    asyncio.run(main())


def test_constructor_validation() -> None:
    transport = httpx.MockTransport(item_handler)
    with pytest.raises(ValueError, match="either http_client or transport"):
        rt.SyncClientBase(base_url=BASE, http_client=httpx.Client(), transport=transport)
    with pytest.raises(TypeError, match="httpx.Client"):
        rt.SyncClientBase(base_url=BASE, http_client=httpx.AsyncClient())
    with pytest.raises(TypeError, match="httpx.AsyncClient"):
        rt.AsyncClientBase(base_url=BASE, http_client=httpx.Client())
    for bad in ("api.test/v1", "/v1", "ftp://api.test", "http://"):
        with pytest.raises(ValueError, match="base_url"):
            rt.SyncClientBase(base_url=bad)


@pytest.mark.parametrize(
    "base_url", ["https://api.test/v1?tenant=1", "https://api.test/v1/?", "https://api.test/v1#top"]
)
def test_a_base_url_with_a_query_or_fragment_is_refused(base_url: str) -> None:
    # Operation paths are appended to base_url: "?tenant=1/items/1" would be the request's query.
    for client_class in (rt.SyncClientBase, rt.AsyncClientBase):
        with pytest.raises(ValueError, match="no query string or fragment"):
            client_class(base_url=base_url)


def test_public_names() -> None:
    expected = {
        "NOT_GIVEN", "APIConnectionError", "APIError", "APIResponse", "APIStatusError",
        "APITimeoutError", "AsyncClientBase", "Auth", "AuthenticationError", "BadRequestError",
        "Body", "ConflictError", "InternalServerError", "MethodNotAllowedError", "NotFoundError",
        "NotGiven", "Operation", "Outcome", "Param", "ParamLocation", "PermissionDeniedError",
        "RateLimitError", "RequestOptions", "ResponseValidationError", "SyncClientBase", "T",
        "Credentials", "MissingCredentialsError", "Scheme", "Secret",
        "UnexpectedStatusError", "UnprocessableEntityError", "api_key_auth",
        "async_with_raw_response", "basic_auth", "bearer_auth", "combine_auth",
        "with_raw_response", "TypedBody", "typed_body",
    }  # fmt: skip
    assert set(rt.__all__) == expected
    assert all(hasattr(rt, name) for name in expected)
