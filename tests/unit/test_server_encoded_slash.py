"""A ``/`` sent percent-encoded (``%2F``) in a path parameter reaches the generated server's route.

The server runtime's :class:`TemplateRoute` (templates/runtime/server/_runtime/template_route.py)
matches the path as the client encoded it (the ASGI scope's ``raw_path``), where ``%2F`` is
a character of its segment; the route index and the routes built on first use
(routing.py) must find it the same way. Every request goes to four apps over the same
route table: routes on the app or built on first use, each with and without the index.
Requests are raw ASGI calls whose ``path`` is ``raw_path`` decoded, as uvicorn decodes it.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import sys
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from fastapi import APIRouter, FastAPI, Request
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: shared helpers
from asgi_testkit import response_body, run_request, unindexed
from server_runtime_loader import load_server_runtime

load_server_runtime()
routing = importlib.import_module("apiforge_fake_server._runtime.routing")
template_route = importlib.import_module("apiforge_fake_server._runtime.template_route")

# (path template, endpoint name), in route order: the literal /n/a/b comes before /n/{name}.
ROUTES = (
    ("/n/a/b", "literal_ab"),
    ("/n/{name}", "name"),
    ("/n/{name}/x", "name_x"),
    ("/n/{first}/{second}", "pair"),
    ("/f/{name}.{ext}", "file"),
    ("/c/{id}/of/{id}", "copy"),
    ("/k/{key}F", "key_f"),
    ("/i/v{version}-{item-id}", "item"),
    ("/t/{name}/", "trail"),
)

Outcome = tuple[Any, ...]


def _endpoint(name: str) -> Any:
    async def endpoint(request: Request) -> Response:
        return JSONResponse({"route": name, "params": dict(request.path_params)})

    endpoint.__name__ = name
    return endpoint


def _adder(table: tuple[tuple[str, str], ...]) -> Any:
    """A function adding the routes of ``table`` to a router (as a generated group module does)."""

    def add(router: APIRouter) -> None:
        for path, name in table:
            router.add_api_route(path, _endpoint(name), methods=["GET"], name=name)

    return add


def _app(*, lazy: bool, index: bool, redirect_slashes: bool = True) -> FastAPI:
    """The route table on an app as ``create_app`` puts it there: TemplateRoutes, or
    placeholders building them on first use (in two groups), looked up by index or not."""
    app = FastAPI(redirect_slashes=redirect_slashes)
    if lazy:
        half = len(ROUTES) // 2
        groups = [(half, _adder(ROUTES[:half])), (len(ROUTES) - half, _adder(ROUTES[half:]))]
        paths, names = [p for p, _ in ROUTES], [n for _, n in ROUTES]
        app.router.routes.extend(routing.lazy_routes(groups, paths, names))
    else:
        router = APIRouter(route_class=template_route.TemplateRoute)
        _adder(ROUTES)(router)
        app.router.routes.extend(router.routes)
    if index:
        assert routing.index_routes(app.router)
    else:
        unindexed(app)
    return app


VARIANTS = {
    (lazy, index): _app(lazy=lazy, index=index) for lazy in (False, True) for index in (False, True)
}
UNREDIRECTED = {key: _app(lazy=key[0], index=key[1], redirect_slashes=False) for key in VARIANTS}


def call(
    app: Any, raw: str, method: str = "GET", *, root_path: str = "", path: str | None = None
) -> Outcome:
    """One raw ASGI request for ``raw`` (its ``path`` decoded, unless given): (status, headers, body)."""
    decoded = unquote(raw) if path is None else path
    _, messages, exc = asyncio.run(
        run_request(app, method, decoded, [], root_path, raw_path=raw.encode())
    )
    assert exc is None, exc
    start = next(m for m in messages if m["type"] == "http.response.start")
    return start["status"], start["headers"], response_body(messages)


def answers(raw: str, method: str = "GET", **kwargs: Any) -> Outcome:
    """The one answer every variant gives (they must agree)."""
    outcomes = {key: call(app, raw, method, **kwargs) for key, app in VARIANTS.items()}
    first = outcomes[False, False]
    assert all(outcome == first for outcome in outcomes.values()), (raw, outcomes)
    return first


def routed(raw: str, **kwargs: Any) -> tuple[str, dict[str, str]]:
    """The endpoint a GET of ``raw`` reached and the path parameters it was handed."""
    status, _, body = answers(raw, **kwargs)
    assert status == 200, (raw, status, body)
    document = json.loads(body)
    return document["route"], document["params"]


@pytest.mark.parametrize(
    ("raw", "route", "params"),
    [
        ("/n/a%2Fb", "name", {"name": "a/b"}),
        ("/n/a%2fb", "name", {"name": "a/b"}),
        ("/n/a%2Fb%2Fx", "name", {"name": "a/b/x"}),
        ("/n/a%2Fb/x", "name_x", {"name": "a/b"}),
        ("/n/a%2Fb/y", "pair", {"first": "a/b", "second": "y"}),
        ("/n/%2F", "name", {"name": "/"}),
        ("/n/%2F%2F", "name", {"name": "//"}),
        ("/n/a%2F", "name", {"name": "a/"}),
        ("/n/%25%2F", "name", {"name": "%/"}),
        ("/n/a%20b%2Fc%C3%A9", "name", {"name": "a b/cé"}),
        ("/n/é%2Fb", "name", {"name": "é/b"}),  # raw_path holding UTF-8 as sent
        ("/n/%252F", "name", {"name": "%2F"}),  # an encoded "%": no "/" in the path at all
        ("/n/a/b", "literal_ab", {}),
        ("/n/a/y", "pair", {"first": "a", "second": "y"}),
        ("/f/a%2Fb.tar.gz", "file", {"name": "a/b", "ext": "tar.gz"}),
        ("/c/a%2Fb/of/a%2Fb", "copy", {"id": "a/b"}),
        ("/k/x%2FF", "key_f", {"key": "x/"}),
        ("/i/v2-org%2Frepo", "item", {"version": "2", "item-id": "org/repo"}),
        ("/t/a%2Fb/", "trail", {"name": "a/b"}),
    ],
)
def test_an_encoded_slash_stays_within_its_parameter(
    raw: str, route: str, params: dict[str, str]
) -> None:
    assert routed(raw) == (route, params)


@pytest.mark.parametrize(
    "raw",
    [
        "/n%2Fa%2Fb",  # decoded, the literal /n/a/b
        "/n/a%2Fb/x/y",
        "/c/a%2Fb/of/a/b",  # one variable, one value
        "/k/x%2F",  # /k/{key}F needs an F after the value
        "/f/a%2Fb",
        "/x%2Fy",
        "/n/a%2Fb/x/",
    ],
)
def test_an_encoded_slash_is_no_separator(raw: str) -> None:
    assert answers(raw)[0] == 404


def test_a_route_of_another_method_answers_405() -> None:
    status, headers, _ = answers("/n/a%2Fb", "POST")
    assert status == 405
    assert (b"allow", b"GET") in headers


def test_below_a_root_path() -> None:
    assert routed("/root/n/a%2Fb", root_path="/root") == ("name", {"name": "a/b"})
    assert routed("/root/n/a/b", root_path="/root") == ("literal_ab", {})


def test_a_root_path_ending_inside_a_segment_leaves_the_decoded_path() -> None:
    """Whatever cut the path there (a mount matching the decoded path) has decided."""
    assert routed("/n/a%2Fn/q", root_path="/n/a") == ("name", {"name": "q"})


def test_without_a_raw_path_the_decoded_path_is_routed() -> None:
    """Missing, None or not the path (a middleware rewrote ``path``): ``path`` is all there is."""

    def without_raw_path(app: Any) -> Any:
        async def stripped(scope: Scope, receive: Receive, send: Send) -> None:
            del scope["raw_path"]
            await app(scope, receive, send)

        return stripped

    for app in VARIANTS.values():
        assert call(without_raw_path(app), "/n/a%2Fb") == call(app, "/n/a/b")
        assert call(app, "/n/a%2Fb", path="/n/q")[2] == b'{"route":"name","params":{"name":"q"}}'


def test_paths_without_an_encoded_slash_redirect_as_before() -> None:
    assert answers("/t/x")[:1] == (307,)
    assert (b"location", b"http://testserver/t/x/") in answers("/t/x")[1]
    assert (b"location", b"http://testserver/n/x") in answers("/n/x/")[1]
    assert answers("/nope/")[0] == 404


def test_a_route_path_spelling_the_slash_marker_reads_the_decoded_path() -> None:
    route = template_route.TemplateRoute(f"/s/{template_route.SLASH}/{{name}}", _endpoint("s"))
    assert not route.reads_raw_path
    assert template_route.TemplateRoute("/s/{name}", _endpoint("s")).reads_raw_path


SEGMENTS = (
    "", "n", "a", "b", "x", "y", "F", "xF", "of", "c", "f", "k", "i", "t", "v2-q", "a.b", "q.tar",
    "%2F", "a%2Fb", "a%2fb", "%2F%2F", "b%2F", "%2Fq.gz", "x%2FF", "v1-%2F", "%25", "%252F", "é",
)  # fmt: skip


def _as_tilde(raw: str) -> str:
    return raw.replace("%2F", "~").replace("%2f", "~")


@settings(max_examples=300, deadline=None)
@given(
    first=st.sampled_from(["n", "f", "c", "k", "i", "t", "n%2Fa", "x"]),
    segments=st.lists(st.sampled_from(SEGMENTS), min_size=0, max_size=5),
    trailing=st.sampled_from(["", "/"]),
    method=st.sampled_from(["GET", "POST"]),
)
def test_an_encoded_slash_routes_as_any_other_character(
    first: str, segments: list[str], trailing: str, method: str
) -> None:
    """Without the decoded path's redirect, ``%2F`` routes exactly as ``~`` would (no
    template holds either); every variant agrees, with redirects too."""
    raw = "/" + "/".join([first, *segments]) + trailing
    answers(raw, method)
    for key, app in UNREDIRECTED.items():
        status, headers, body = call(app, raw, method)
        tilde = call(app, _as_tilde(raw), method)
        assert (status, headers) == tilde[:2], (key, raw)
        if status == 200:
            assert json.loads(tilde[2].decode().replace("~", "/")) == json.loads(body), (key, raw)
