"""``Binder.requires``: the one-dependency security marker the generated routes use.

It must answer every request exactly as the dependency chain of ``Binder.security``
does (status, challenge header, body), document the same scheme and scopes in
``app.openapi()``, and cost FastAPI a single dependency per request.
"""

import base64
from typing import Annotated, Any

import pytest
from fastapi import Depends, FastAPI, Request
from starlette.testclient import TestClient
from test_server_runtime_security import rt

PRINCIPALS = {
    "reader": rt.SimplePrincipal("reader", frozenset({"dashboard:read"})),
    "writer": rt.SimplePrincipal("writer", frozenset({"dashboard:read", "dashboard:write"})),
}

FLOWS = {
    "authorizationCode": {
        "authorizationUrl": "https://a/a",
        "tokenUrl": "https://a/t",
        "scopes": {},
    }
}

# (kind, param_name, flows, openid url, how a credential travels)
SCHEMES = [
    (rt.BEARER, None, None, None, "bearer"),
    (rt.OAUTH2, None, FLOWS, None, "bearer"),
    (rt.OPENID_CONNECT, None, None, "https://a/.well-known/openid-configuration", "bearer"),
    (rt.BASIC, None, None, None, "basic"),
    (rt.API_KEY_HEADER, "X-API-Key", None, None, "header"),
    (rt.API_KEY_QUERY, "api_key", None, None, "query"),
    (rt.API_KEY_COOKIE, "session", None, None, "cookie"),
]


class Impl:
    async def read(self, *, context: Any) -> dict[str, Any]:
        principal = context.principal
        return {
            "subject": principal.subject,
            "op": context.operation_id,
            "path": context.request.url.path,
        }


def authenticate(credential: str) -> Any:
    return PRINCIPALS.get(credential.removesuffix(":pw"))


def _app(kind: str, param: str | None, flows: Any, openid: str | None, flat: bool) -> FastAPI:
    binder = rt.Binder(authenticate=authenticate)
    options = {"param_name": param, "flows": flows, "openid_connect_url": openid}
    scopes = ("dashboard:write",)
    marker = (
        binder.requires(kind, "Scheme", scopes, **options)
        if flat
        else Depends(binder.security(kind, "Scheme", scopes, **options))
    )
    app = FastAPI(title="t", version="1")

    @app.get("/things", operation_id="things_read")
    async def things_read(
        request: Request, principal: Annotated[rt.Principal | None, marker] = None
    ) -> Any:
        return await binder.call(
            rt.Route("things_read", 200),
            request,
            principal,
            Impl(),
            "read",
            lambda self, context: self.read(context=context),
        )

    rt.install_error_handlers(app)
    return app


def _requests(travels: str, param: str | None) -> list[dict[str, Any]]:
    """Keyword arguments of ``client.get``: no credential, malformed, rejected, short of a scope, accepted."""

    def send(credential: str) -> dict[str, Any]:
        if travels == "bearer":
            return {"headers": {"Authorization": f"Bearer {credential}"}}
        if travels == "basic":
            encoded = base64.b64encode(f"{credential}:pw".encode()).decode()
            return {"headers": {"Authorization": f"Basic {encoded}"}}
        if travels == "header":
            return {"headers": {param: credential}}
        if travels == "query":
            return {"params": {param: credential}}
        return {"cookies": {param: credential}}

    malformed = {"headers": {"Authorization": "Bearer    " if travels != "basic" else "Basic !!"}}
    return [{}, malformed, send("forged"), send("reader"), send("writer")]


def _get(app: FastAPI, kwargs: dict[str, Any]) -> Any:
    return TestClient(app, cookies=kwargs.pop("cookies", None)).get("/things", **kwargs)


@pytest.mark.parametrize(
    ("kind", "param", "flows", "openid", "travels"), SCHEMES, ids=[s[0] for s in SCHEMES]
)
def test_requires_answers_and_documents_like_the_security_chain(
    kind: str, param: str | None, flows: Any, openid: str | None, travels: str
) -> None:
    flat = _app(kind, param, flows, openid, flat=True)
    chain = _app(kind, param, flows, openid, flat=False)
    statuses = []
    for kwargs in _requests(travels, param):
        got, expected = (_get(app, dict(kwargs)) for app in (flat, chain))
        assert (got.status_code, got.headers.get("www-authenticate"), got.json()) == (
            expected.status_code,
            expected.headers.get("www-authenticate"),
            expected.json(),
        )
        statuses.append(got.status_code)
    assert statuses[-2:] == [403, 200]  # the missing scope is named; the writer gets through
    assert flat.openapi() == chain.openapi()


def test_the_accepted_principal_and_request_reach_the_context() -> None:
    client = TestClient(_app(rt.BEARER, None, None, None, flat=True))
    response = client.get("/things", headers={"Authorization": "Bearer writer"})
    assert response.json() == {"subject": "writer", "op": "things_read", "path": "/things"}


def test_insufficient_scope_names_it() -> None:
    client = TestClient(_app(rt.BEARER, None, None, None, flat=True))
    response = client.get("/things", headers={"Authorization": "Bearer reader"})
    assert response.status_code == 403
    assert response.json()["missing_scopes"] == ["dashboard:write"]
    assert (
        response.headers["www-authenticate"]
        == 'Bearer error="insufficient_scope", scope="dashboard:write"'
    )


def test_requires_is_one_dependency_without_dependencies_of_its_own() -> None:
    app = _app(rt.BEARER, None, None, None, flat=True)
    route = next(r for r in app.routes if getattr(r, "operation_id", None) == "things_read")
    (security,) = route.dependant.dependencies  # type: ignore[attr-defined]
    assert security.dependencies == []


@pytest.mark.parametrize(
    "header",
    [
        "",
        "Bearer",
        "Bearer ",
        " Bearer writer",
        "bearer writer",
        "BEARER  writer  ",
        "Basic writer",
        "Bearer a b",
    ],
)
def test_a_bearer_header_reads_as_http_bearer_reads_it(header: str) -> None:
    flat = _app(rt.BEARER, None, None, None, flat=True)
    chain = _app(rt.BEARER, None, None, None, flat=False)
    got, expected = (_get(app, {"headers": {"Authorization": header}}) for app in (flat, chain))
    assert (got.status_code, got.headers.get("www-authenticate"), got.json()) == (
        expected.status_code,
        expected.headers.get("www-authenticate"),
        expected.json(),
    )
