"""The generated PostHog server routes by index and answers exactly as without it.

``create_app`` installs ``_runtime.routing.index_routes`` on the app's router. Two apps are built
the same way (no implementations, a token with every scope: each operation answers 501
naming itself), and on one of them Starlette's own scan of every route is put back.
Every operation's path, with every method, with trailing slashes toggled and doubled,
with parameters that do and do not validate, FastAPI's docs and unknown paths, must get
the same status, headers and body from both, through raw ASGI calls (no client
normalising the path). tests/unit/test_server_routing.py covers route kinds the PostHog
app does not have (mounts, path convertors, root_path, routes added later).
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

import e2e_paths  # noqa: F401  (sys.path: the committed generated/ packages)
import pytest
from asgi_testkit import response_body, run_request, unindexed
from fastapi import FastAPI
from fastapi.routing import APIRoute
from posthog_server import create_app
from posthog_server._runtime.routing import IndexedDispatch, LazyRoute
from posthog_server.runtime import SimplePrincipal, build_routes, routes_openapi
from starlette.types import Scope

from examples.posthog_fake import ALL_SCOPES

TOKEN = "routing-test-token"
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


def _app(*, index: bool) -> FastAPI:
    principal = SimplePrincipal("routing", frozenset(ALL_SCOPES))

    def authenticate(token: str) -> SimplePrincipal | None:
        return principal if token == TOKEN else None

    app = create_app(authenticate=authenticate)
    return app if index else unindexed(app)


INDEXED = _app(index=True)
SCANNED = _app(index=False)
BUILT = _app(index=True)  # every route built up front, as FastAPI would have it
build_routes(BUILT.router)


def call(app: FastAPI, method: str, path: str) -> tuple[Any, ...]:
    """One raw ASGI request: status, headers, body and what routing left in the scope."""
    scope, messages, error = asyncio.run(
        run_request(app, method, path, [(b"authorization", f"Bearer {TOKEN}".encode())])
    )
    if error is not None:
        raise error
    start = next(m for m in messages if m["type"] == "http.response.start")
    body = response_body(messages)
    route = scope.get("route")
    return (
        start["status"],
        start["headers"],
        body,
        getattr(route, "path", None),
        scope.get("path_params"),
        scope.get("router") is app.router,
    )


def _paths() -> list[str]:
    """Every operation's path filled in (valid and invalid parameters), slash variants, more."""
    paths = ["/", "", "/api", "/api/", "/api/projects/1/nope/", "/api/projects//dashboards/"]
    paths += ["/docs", "/docs/", "/redoc", "/openapi.json", "/openapi.json/"]
    paths += ["/docs/oauth2-redirect", "/docs/oauth2-redirect/"]
    templates = sorted(
        {route.path for route in INDEXED.routes if isinstance(route, (APIRoute, LazyRoute))}
    )
    assert len(templates) > 30
    for template in templates:
        for value in ("1", "abc"):
            path = re.sub(r"\{[^}]*\}", value, template)
            trimmed = path.rstrip("/")
            paths += [path, trimmed, trimmed + "/", trimmed + "//", path + "x/", "/x" + path]
    return list(dict.fromkeys(paths))


PATHS = _paths()


@pytest.mark.parametrize("method", METHODS)
def test_every_operation_path_answers_as_without_the_index(method: str) -> None:
    statuses = set()
    for path in PATHS:
        with_index = call(INDEXED, method, path)
        assert with_index == call(SCANNED, method, path), (method, path)
        assert with_index == call(BUILT, method, path), (method, path)
        statuses.add(with_index[0])
    # the comparison covered routed operations, wrong methods, redirects and unknown paths
    expected = {"GET": {200, 307, 404, 422, 501}, "PUT": {307, 404, 405}}.get(method, set())
    assert expected <= statuses, statuses


def test_create_app_builds_routes_on_first_use() -> None:
    """No route is built by create_app; a request builds the groups of routes of its shape."""
    app = _app(index=True)
    placeholders = [route for route in app.routes if isinstance(route, LazyRoute)]
    assert len(placeholders) > 30 and not any("built=True" in repr(r) for r in placeholders)
    assert not any(isinstance(route, APIRoute) for route in app.routes)
    assert call(app, "GET", "/api/projects/1/dashboards/42/")[0] == 501
    built = {r.path for r in placeholders if "built=True" in repr(r)}
    assert "/api/projects/{project_id}/dashboards/{id}/" in built
    assert all("/dashboards/" in path for path in built), built
    build_routes(app.router)
    assert all(isinstance(route, APIRoute) for route in app.routes if route.path.startswith("/api"))


def test_create_app_installs_the_index() -> None:
    assert isinstance(INDEXED.router.middleware_stack, IndexedDispatch)
    assert INDEXED.routes is INDEXED.router.routes  # the route table itself is untouched
    assert routes_openapi(INDEXED) == routes_openapi(SCANNED)


def test_a_request_tries_only_a_few_routes() -> None:
    """Dashboards retrieve reaches its route after a few ``matches`` calls, not ~50."""
    path = "/api/projects/1/dashboards/42/"
    assert _matches_calls(SCANNED, path) > 20
    assert _matches_calls(INDEXED, path) <= 3


def _matches_calls(app: FastAPI, path: str) -> int:
    counted: list[str] = []
    for route in app.routes:

        def counting(scope: Scope, _matches: Any = route.matches) -> Any:
            counted.append(scope["path"])
            return _matches(scope)

        route.__dict__["matches"] = counting  # an instance attribute: the class is unchanged
    try:
        assert call(app, "GET", path)[0] == 501
    finally:
        for route in app.routes:
            del route.__dict__["matches"]
    return len(counted)
