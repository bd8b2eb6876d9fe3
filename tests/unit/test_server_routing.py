"""Route lookup by index in generated servers (templates/runtime/server/_runtime/routing.py).

The module is copied verbatim into generated packages as ``_runtime/routing.py``; here it is
imported by path and installed on hand-written apps whose route tables hold every kind
of route the index treats specially: parameters of each convertor, a ``{x:path}``
route, a mount, a host, an included router, a websocket route, a route class with its
own ``matches``, routes that shadow each other, trailing-slash pairs, FastAPI's docs.
Each request goes to two apps built the same way, one indexed and one not (Starlette's
own scan of every route); they must answer exactly alike: status, headers, body, and
the route, endpoint and path parameters left in the scope. Requests are raw ASGI calls,
so paths reach the router exactly as written (double slashes, newlines, ``root_path``).
"""

from __future__ import annotations

import asyncio
import importlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest.mock import ANY

import pytest
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request
from fastapi.routing import APIRoute
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Host, Mount, Route, Router, WebSocketRoute
from starlette.types import Scope
from starlette.websockets import WebSocket

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: shared helpers
from asgi_testkit import response_body, run_request, unindexed
from server_runtime_loader import load_server_runtime

load_server_runtime()
routing = importlib.import_module("apiforge_fake_server._runtime.routing")

# Routes with several methods share an operation id in /openapi.json; irrelevant here.
pytestmark = pytest.mark.filterwarnings("ignore:Duplicate Operation ID")

Outcome = tuple[Any, ...]


def call(
    app: Any, method: str, path: str, *, root_path: str = "", accept: bytes = b"*/*"
) -> Outcome:
    """One raw ASGI request: (status, headers, body, route path, endpoint, path params, router)."""
    return asyncio.run(_call(app, method, path, root_path, accept))


async def _call(app: Any, method: str, path: str, root_path: str, accept: bytes) -> Outcome:
    scope, messages, exc = await run_request(app, method, path, [(b"accept", accept)], root_path)
    error = None if exc is None else f"{type(exc).__name__}: {exc}"
    start = next((m for m in messages if m["type"] == "http.response.start"), {})
    body = response_body(messages)
    route = scope.get("route")
    endpoint = scope.get("endpoint")
    router = scope.get("router")
    return (
        start.get("status"),
        start.get("headers"),
        body,
        error,
        getattr(route, "path", type(route).__name__),
        getattr(endpoint, "__name__", None),
        scope.get("path_params"),
        type(router).__name__
        if router is None or router is getattr(app, "router", None)
        else router,
    )


def indexed(app: FastAPI) -> FastAPI:
    assert routing.index_routes(app.router)
    return app


# -- the tricky route table ------------------------------------------------------


def _endpoint(name: str) -> Callable[[Request], Any]:
    async def endpoint(request: Request) -> Response:
        params = {k: str(v) for k, v in request.path_params.items()}
        return JSONResponse(
            {"route": name, "params": params, "root": request.scope.get("root_path")}
        )

    endpoint.__name__ = name
    return endpoint


class CaseInsensitiveRoute(APIRoute):
    """A route class with its own ``matches``: the index must not assume its shape."""

    def matches(self, scope: Scope) -> Any:
        if scope["type"] == "http":
            scope = {**scope, "path": scope["path"].lower()}
        return super().matches(scope)


def tricky_app() -> FastAPI:
    app = FastAPI()
    app.add_api_route("/", _endpoint("root"), methods=["GET"])
    app.add_api_route("/items/", _endpoint("items_list"), methods=["GET"])
    app.add_api_route("/items/", _endpoint("items_create"), methods=["POST"])
    app.add_api_route("/items/{id}", _endpoint("items_get"), methods=["GET", "HEAD"])
    app.add_api_route("/items/special", _endpoint("items_special_get"), methods=["GET"])
    app.add_api_route("/items/special", _endpoint("items_special_post"), methods=["POST"])
    app.add_api_route("/items/{id:int}/", _endpoint("items_put"), methods=["PUT"])
    app.add_api_route("/items/{id}/sub/{sub}", _endpoint("items_sub"), methods=["GET"])
    app.add_api_route("/files/{rest:path}", _endpoint("files"), methods=["GET"])
    app.add_api_route("/report.{fmt}", _endpoint("report"), methods=["GET"])
    app.add_api_route("/v{version}/ping", _endpoint("ping"), methods=["GET"])
    app.add_api_route("/u/{u:uuid}", _endpoint("uuid"), methods=["GET"])
    app.add_api_route("/f/{v:float}", _endpoint("float"), methods=["GET"])
    app.add_api_route("/a//b", _endpoint("double_slash"), methods=["GET"])
    app.add_api_route("/trail/", _endpoint("trail"), methods=["GET"])
    app.add_api_route("/notrail", _endpoint("notrail"), methods=["GET", "DELETE"])
    app.add_api_route("/café/{x}", _endpoint("cafe"), methods=["GET"])
    app.add_api_route("/{first}/x/{second}/", _endpoint("two_params"), methods=["PATCH"])
    app.router.routes.append(Route("/plain/{name}", _endpoint("plain"), methods=["GET"]))
    app.router.routes.append(Route("/any/{name}", _endpoint("any_method")))  # every method
    app.router.routes.append(WebSocketRoute("/ws", _websocket))
    static = Starlette(
        routes=[Route("/x", _endpoint("static_x")), Route("/{y}", _endpoint("static_y"))]
    )
    app.router.routes.append(Mount("/static", app=static))
    app.router.routes.append(Host("api.example.org", app=static))
    included = APIRouter()
    included.add_api_route("/r/{a}", _endpoint("included_a"), methods=["GET"])
    included.add_api_route("/r/fixed", _endpoint("included_fixed"), methods=["POST"])
    app.include_router(included, prefix="/inc")
    custom = APIRouter(route_class=CaseInsensitiveRoute)
    custom.add_api_route("/case/sensitive", _endpoint("case"), methods=["GET"])
    app.router.routes.extend(custom.routes)
    app.add_api_route("/items/{id}/sub/{sub}", _endpoint("items_sub_post"), methods=["POST"])
    return app


async def _websocket(websocket: WebSocket) -> None:
    await websocket.close()


METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
# fmt: off
SEGMENTS = (
    "", "items", "special", "sub", "1", "42", "-3", "abc", "files", "static", "x", "y", "inc", "r",
    "fixed", "report.json", "report.", "u", "0c8e8a4e-3f1b-4d1e-9a55-6a4b5b1b2c3d", "f", "1.5",
    "plain", "any", "a", "b", "trail", "notrail", "café", "cafe", "docs", "openapi.json", "redoc",
    "oauth2-redirect", "ws", "case", "sensitive", "CASE", "Sensitive", "v1", "v", "ping", "root",
    "\n", "a\nb", "%2F", " ",
)
PATHS = (
    "/", "", "//", "/items", "/items/", "/items//", "/items/1", "/items/1/", "/items/special",
    "/items/special/", "/items/1/sub/2", "/items/1/sub/2/", "/items/1/sub/", "/files/", "/files",
    "/files/a/b/c", "/report.json", "/report.", "/v2/ping", "/v/ping",
    "/u/0c8e8a4e-3f1b-4d1e-9a55-6a4b5b1b2c3d", "/u/nope", "/f/1.5", "/f/1", "/f/x", "/a//b",
    "/a/b", "/a//b/", "/trail", "/trail/", "/trail//", "/notrail", "/notrail/", "/café/1",
    "/cafe/1", "/p/x/q/", "/p/x/q", "/plain/n", "/plain/n/", "/any/n", "/ws", "/static",
    "/static/", "/static/x", "/static/z", "/static/x/", "/inc/r/1", "/inc/r/fixed",
    "/inc/r/fixed/", "/case/sensitive", "/CASE/Sensitive", "/Case/Sensitive/", "/docs", "/docs/",
    "/docs/oauth2-redirect", "/redoc", "/openapi.json", "/openapi.json/", "/nope", "/nope/",
    "/items/1\n", "/items/\n", "/trail/\n/", "/items/1/\n",
)
# fmt: on


def assert_same(method: str, path: str, root_path: str = "") -> None:
    with_index = call(INDEXED, method, path, root_path=root_path)
    without = call(UNINDEXED, method, path, root_path=root_path)
    assert with_index == without, (method, path, root_path)


INDEXED = indexed(tricky_app())
UNINDEXED = unindexed(tricky_app())


@pytest.mark.parametrize("method", METHODS)
def test_every_listed_path_answers_as_without_the_index(method: str) -> None:
    for path in PATHS:
        assert_same(method, path)


@pytest.mark.parametrize("root_path", ["/root", "/root/", "/items"])
def test_root_path_answers_as_without_the_index(root_path: str) -> None:
    for path in PATHS:
        assert_same("GET", path, root_path)
        assert_same("GET", root_path + path, root_path)
        assert_same("POST", root_path.rstrip("/") + path, root_path)


@settings(max_examples=400, deadline=None)
@given(
    method=st.sampled_from(METHODS),
    segments=st.lists(st.sampled_from(SEGMENTS), min_size=0, max_size=6),
    trailing=st.sampled_from(["", "/", "//"]),
    root_path=st.sampled_from(["", "", "/root", "/items"]),
    prefixed=st.booleans(),
)
def test_random_paths_answer_as_without_the_index(
    method: str, segments: list[str], trailing: str, root_path: str, prefixed: bool
) -> None:
    path = "/" + "/".join(segments) + trailing
    assert_same(method, root_path + path if prefixed else path, root_path)


def test_the_index_is_installed_and_cuts_the_scan() -> None:
    """The request reaches its route after a few ``matches`` calls, not one per route."""
    assert isinstance(INDEXED.router.middleware_stack, routing.IndexedDispatch)
    # POST /items/1/sub/2 is the last route: Starlette tries every route before it.
    without = _matches_calls(unindexed(tricky_app()), "POST", "/items/1/sub/2")
    with_index = _matches_calls(indexed(tricky_app()), "POST", "/items/1/sub/2")
    assert without == len(INDEXED.routes)
    assert with_index <= 8  # mounts, the included and the custom route, and the two candidates


def _matches_calls(app: FastAPI, method: str, path: str) -> int:
    """How many times the routes' ``matches`` ran for one request."""
    counted: list[str] = []
    for route in app.routes:

        def counting(scope: Scope, _matches: Any = route.matches) -> Any:
            counted.append(scope["path"])
            return _matches(scope)

        route.__dict__["matches"] = counting  # an instance attribute: the class is unchanged
    assert call(app, method, path)[0] == 200
    return len(counted)


def test_routes_added_later_are_found() -> None:
    """The index follows the route list: routes added, replaced or removed after a request."""
    first, second = indexed(tricky_app()), unindexed(tricky_app())
    for app in (first, second):
        call(app, "GET", "/items/1")  # the index is built
        app.add_api_route("/late/{x}", _endpoint("late"), methods=["GET"])
        app.router.routes.insert(1, Route("/items/{id}", _endpoint("early"), methods=["GET"]))
    for path in ("/late/1", "/late/1/", "/items/1", "/items/special", "/late"):
        assert call(first, "GET", path) == call(second, "GET", path)
    assert call(first, "GET", "/items/1")[2] == b'{"route":"early","params":{"id":"1"},"root":""}'
    for app in (first, second):
        del app.router.routes[1]
        app.router.routes = [r for r in app.router.routes if getattr(r, "path", "") != "/late/{x}"]
    for path in ("/late/1", "/items/1"):
        assert call(first, "GET", path) == call(second, "GET", path)


def test_a_route_replaced_by_an_equal_one_is_used() -> None:
    """Starlette routes compare equal by path, endpoint and methods: the index goes by identity."""
    app = indexed(tricky_app())
    assert call(app, "GET", "/notrail")[0] == 200
    number, old = next(
        (n, r) for n, r in enumerate(app.routes) if getattr(r, "path", "") == "/notrail"
    )
    assert isinstance(old, APIRoute)
    new = APIRoute(
        old.path, old.endpoint, methods=sorted(old.methods), dependencies=[Depends(_teapot)]
    )
    assert new == old
    app.router.routes[number] = new
    assert call(app, "GET", "/notrail")[0] == 418


def _teapot() -> None:
    raise HTTPException(418)


def test_router_settings_are_read_per_request() -> None:
    """redirect_slashes and default are the router's current values."""
    first, second = indexed(tricky_app()), unindexed(tricky_app())
    for app in (first, second):
        assert call(app, "GET", "/trail")[0] == 307  # the index and its router copies are made
        app.router.redirect_slashes = False
        app.router.default = PlainTextResponse("gone", status_code=410)
    for path in ("/trail", "/items/1/", "/nope"):
        assert call(first, "GET", path) == call(second, "GET", path)
    assert call(first, "GET", "/nope")[0] == 410


def test_websocket_and_lifespan_use_the_router_itself() -> None:
    async def session(app: FastAPI) -> list[str]:
        sent: list[str] = []
        inbox = [{"type": "websocket.connect"}]

        async def receive() -> dict[str, Any]:
            return inbox.pop(0) if inbox else {"type": "websocket.disconnect", "code": 1000}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message["type"])

        scope = {
            "type": "websocket",
            "path": "/ws",
            "root_path": "",
            "headers": [],
            "query_string": b"",
        }
        await app(scope, receive, send)
        return sent

    assert asyncio.run(session(indexed(tricky_app()))) == asyncio.run(
        session(unindexed(tricky_app()))
    )


def test_not_installed_over_router_middleware() -> None:
    """A router with its own middleware keeps Starlette's dispatch (nothing to gain, nothing lost)."""
    router = Router(routes=[Route("/", _endpoint("root"))], middleware=[Middleware(GZipMiddleware)])
    stack = router.middleware_stack
    assert routing.index_routes(router) is False
    assert router.middleware_stack is stack


@pytest.mark.skipif(not hasattr(APIRouter, "frontend"), reason="FastAPI without frontend routes")
def test_frontend_routes_answer_as_without_the_index(tmp_path: Path) -> None:
    """FastAPI's low-priority frontend routes (app-level and in an included router)."""
    (tmp_path / "index.html").write_text("<p>spa</p>")
    (tmp_path / "app.js").write_text("run()")
    apps = []
    for app in (indexed(tricky_app()), unindexed(tricky_app())):
        app.frontend("/web", directory=tmp_path, fallback="index.html")  # type: ignore[attr-defined]
        router = APIRouter()
        router.frontend("/", directory=tmp_path)  # type: ignore[attr-defined]
        app.include_router(router, prefix="/ui")
        apps.append(app)
    paths = ("/web", "/web/", "/web/app.js", "/web/deep/link", "/ui/", "/ui/app.js", "/ui/x/y")
    for path in paths:
        for method in ("GET", "HEAD", "POST"):
            for accept in (b"*/*", b"text/html"):
                with_index = call(apps[0], method, path, accept=accept)
                assert with_index == call(apps[1], method, path, accept=accept), (method, path)
    html = call(apps[0], "GET", "/web/deep/link", accept=b"text/html")
    assert html[:3] == (200, ANY, b"<p>spa</p>")
    assert call(apps[0], "GET", "/ui/app.js")[2] == b"run()"


# -- routes built on first use (LazyRoute) ----------------------------------------


def lazied(app: FastAPI, built: list[str] | None = None) -> FastAPI:
    """``app`` with every plain ``APIRoute`` replaced by a :class:`LazyRoute`, three to a
    group, each group adding those same routes when it is built (its first route's path
    is appended to ``built`` then)."""
    routes = app.router.routes
    numbers = [n for n, route in enumerate(routes) if type(route) is APIRoute]
    for start in range(0, len(numbers), 3):
        group = numbers[start : start + 3]
        originals = [routes[n] for n in group]
        assert all(isinstance(route, APIRoute) for route in originals)

        def add(router: APIRouter, originals: list[Any] = originals) -> None:
            if built is not None:
                built.append(originals[0].path)
            router.routes.extend(originals)

        placeholders = routing.lazy_routes(
            [(len(originals), add)], [r.path for r in originals], [r.name for r in originals]
        )
        for number, placeholder in zip(group, placeholders):
            routes[number] = placeholder
    documented = app.openapi

    def openapi() -> dict[str, Any]:
        """FastAPI documents APIRoutes only: build them first (as the runtime's routes_openapi)."""
        routes[:] = [r.materialize() if isinstance(r, routing.LazyRoute) else r for r in routes]
        return documented()

    app.openapi = openapi  # type: ignore[method-assign]
    return app


LAZY = indexed(lazied(tricky_app()))
LAZY_UNINDEXED = unindexed(lazied(tricky_app()))


@pytest.mark.parametrize("method", METHODS)
def test_lazy_routes_answer_as_the_routes_they_build(method: str) -> None:
    lazy, lazy_unindexed = indexed(lazied(tricky_app())), unindexed(lazied(tricky_app()))
    assert any(isinstance(route, routing.LazyRoute) for route in lazy.routes)
    for path in PATHS:
        expected = call(UNINDEXED, method, path)
        assert call(lazy, method, path) == expected, (method, path)
        assert call(lazy_unindexed, method, path) == expected, (method, path)


@settings(max_examples=200, deadline=None)
@given(
    method=st.sampled_from(METHODS),
    segments=st.lists(st.sampled_from(SEGMENTS), min_size=0, max_size=6),
    trailing=st.sampled_from(["", "/", "//"]),
    root_path=st.sampled_from(["", "/root", "/items"]),
)
def test_lazy_routes_answer_random_paths_alike(
    method: str, segments: list[str], trailing: str, root_path: str
) -> None:
    path = root_path + "/" + "/".join(segments) + trailing
    expected = call(UNINDEXED, method, path, root_path=root_path)
    assert call(LAZY, method, path, root_path=root_path) == expected
    assert call(LAZY_UNINDEXED, method, path, root_path=root_path) == expected


def test_a_request_builds_only_the_groups_it_could_be_for() -> None:
    """Nothing is built up front; a request builds only groups with a route of its path's
    shape (or one whose shape is not known: ``{id:int}``, ``{rest:path}``), once."""
    for index in (True, False):
        built: list[str] = []
        app = lazied(tricky_app(), built)
        app = indexed(app) if index else unindexed(app)
        assert built == []
        assert call(app, "GET", "/notrail")[0] == 200
        assert "/notrail" in built  # its group's first route is /notrail itself
        assert "/" not in built and "/inc/r/{a}" not in built, built  # / and /items/; 4 segments
        count = len(built)
        assert call(app, "GET", "/notrail")[0] == 200 and len(built) == count  # built once
        assert call(app, "GET", "/nope/deeper/still/")[0] == 404


def test_websocket_scopes_and_url_lookups_build_only_what_they_need() -> None:
    built: list[str] = []
    app = lazied(tricky_app(), built)
    app.url_path_for("_websocket")  # a WebSocketRoute: no placeholder asked to build
    messages: list[str] = []

    async def receive() -> dict[str, Any]:
        return {"type": "websocket.disconnect", "code": 1000}

    async def send(message: dict[str, Any]) -> None:
        messages.append(message["type"])

    scope = {
        "type": "websocket",
        "path": "/ws",
        "root_path": "",
        "headers": [],
        "query_string": b"",
    }
    asyncio.run(app(scope, receive, send))
    assert messages == ["websocket.close"]
    assert built == []
    assert str(app.url_path_for("items_sub", id=1, sub=2)) == "/items/1/sub/2"
    assert len(built) == 1
    assert str(app.url_path_for("items_sub", id=1, sub=2)) == str(
        UNINDEXED.url_path_for("items_sub", id=1, sub=2)
    )
    with pytest.raises(routing.NoMatchFound):
        app.url_path_for("no_such_route")


def test_a_lazy_route_reads_as_its_route() -> None:
    app = lazied(tricky_app())
    placeholder = next(r for r in app.routes if isinstance(r, routing.LazyRoute))
    assert placeholder.path == "/" and placeholder.name == "root"
    assert "built=False" in repr(placeholder)
    assert placeholder.methods == {"GET"}  # read from the route it builds
    assert isinstance(placeholder.materialize(), APIRoute)
    assert "built=True" in repr(placeholder)
    with pytest.raises(AttributeError):
        placeholder.__no_such_dunder__  # noqa: B018
