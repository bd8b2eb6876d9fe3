"""Security of the generated server runtime: schemes, authenticators, scopes, OpenAPI.

Imports templates/runtime/server/_runtime by path and wires routes by hand the way
the generated ``app.py`` does: ``Depends(binder.security(kind, scheme_name, scopes))``
provides the principal that ``Binder.call`` puts into the RequestContext.
"""

import base64
from collections.abc import Sequence
from typing import Annotated, Any

import pytest
from fastapi import APIRouter, Depends, FastAPI, Query, Request
from server_runtime_loader import load_server_runtime
from starlette.testclient import TestClient

rt = load_server_runtime()

TOKENS = {
    "reader-token": rt.SimplePrincipal("reader", frozenset({"dashboard:read"})),
    "writer-token": rt.SimplePrincipal("writer", frozenset({"dashboard:read", "dashboard:write"})),
}


def sync_authenticate(credential: str) -> Any:
    return TOKENS.get(credential)


async def async_authenticate(credential: str) -> Any:
    return TOKENS.get(credential)


class Impl:
    async def read(self, project_id: str, *, context: Any) -> dict[str, Any]:
        principal = context.principal
        return {"subject": principal.subject, "op": context.operation_id}

    async def write(self, project_id: str, *, context: Any) -> dict[str, Any]:
        return {"subject": context.principal.subject}

    async def public(self, *, context: Any) -> dict[str, Any]:
        return {"principal": context.principal}

    async def maybe(self, *, context: Any) -> dict[str, Any]:
        principal = context.principal
        return {"subject": principal.subject if principal else None}

    async def keyed(self, *, context: Any) -> dict[str, Any]:
        return {"subject": context.principal.subject}


def create_router(
    *, impl: Any, authenticate: Any = None, middleware: Sequence[Any] = ()
) -> APIRouter:
    binder = rt.Binder(authenticate=authenticate, middleware=middleware)
    router = APIRouter()

    @router.get("/projects/{project_id}/dashboards", operation_id="dashboards_list")
    async def dashboards_list(
        request: Request,
        project_id: str,
        limit: Annotated[int | None, Query()] = None,
        principal: Annotated[
            rt.Principal | None,
            Depends(binder.security(rt.BEARER, "PersonalAPIKeyAuth", ("dashboard:read",))),
        ] = None,
    ) -> Any:
        route = rt.Route("dashboards_list", 200)
        return await binder.call(
            route,
            request,
            principal,
            impl,
            "read",
            lambda self, context: self.read(project_id, context=context),
        )

    @router.post("/projects/{project_id}/dashboards", operation_id="dashboards_create")
    async def dashboards_create(
        request: Request,
        project_id: str,
        principal: Annotated[
            rt.Principal | None,
            Depends(binder.security(rt.BEARER, "PersonalAPIKeyAuth", ("dashboard:write",))),
        ] = None,
    ) -> Any:
        route = rt.Route("dashboards_create", 201)
        return await binder.call(
            route,
            request,
            principal,
            impl,
            "write",
            lambda self, context: self.write(project_id, context=context),
        )

    @router.get("/public", operation_id="public")
    async def public(request: Request) -> Any:
        return await binder.call(
            rt.Route("public", 200),
            request,
            None,
            impl,
            "public",
            lambda self, context: self.public(context=context),
        )

    alternatives = binder.security_any(
        rt.SecurityRequirement(rt.API_KEY_HEADER, "HeaderKey", param_name="X-API-Key"),
        rt.SecurityRequirement(rt.BASIC, "Basic"),
        optional=True,
    )

    @router.get("/maybe", operation_id="maybe")
    async def maybe(
        request: Request,
        principal: Annotated[rt.Principal | None, Depends(alternatives)] = None,
    ) -> Any:
        return await binder.call(
            rt.Route("maybe", 200),
            request,
            principal,
            impl,
            "maybe",
            lambda self, context: self.maybe(context=context),
        )

    for kind, scheme, param in (
        (rt.API_KEY_QUERY, "QueryKey", "api_key"),
        (rt.API_KEY_COOKIE, "CookieKey", "session"),
        (rt.BASIC, "Basic", None),
        (rt.OAUTH2, "OAuth", None),
    ):
        router.add_api_route(
            f"/keyed/{scheme}",
            _keyed_endpoint(binder, impl, f"keyed_{scheme}", kind, scheme, param),
            operation_id=f"keyed_{scheme}",
        )
    return router


def _keyed_endpoint(
    binder: Any, impl: Any, operation_id: str, kind: str, scheme: str, param: str | None
) -> Any:
    code_flow = {"authorizationUrl": "https://a/authorize", "tokenUrl": "https://a/token"}
    flows = {"authorizationCode": {**code_flow, "scopes": {}}}
    dependency = binder.security(
        kind, scheme, (), param_name=param, flows=flows if kind == rt.OAUTH2 else None
    )

    async def endpoint(
        request: Request, principal: Annotated[rt.Principal | None, Depends(dependency)] = None
    ) -> Any:
        route = rt.Route(operation_id, 200)
        return await binder.call(
            route,
            request,
            principal,
            impl,
            "keyed",
            lambda self, context: self.keyed(context=context),
        )

    return endpoint


def create_app(
    *, authenticate: Any = async_authenticate, middleware: Sequence[Any] = ()
) -> FastAPI:
    app = FastAPI(title="secure", version="1")
    app.include_router(create_router(impl=Impl(), authenticate=authenticate, middleware=middleware))
    rt.install_error_handlers(app)
    return app


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(params=[sync_authenticate, async_authenticate], ids=["sync", "async"])
def client(request: pytest.FixtureRequest) -> TestClient:
    return TestClient(create_app(authenticate=request.param))


# ---- bearer ----------------------------------------------------------------------------


def test_valid_token_reaches_the_implementation_with_its_principal(client: TestClient) -> None:
    response = client.get("/projects/p/dashboards", headers=bearer("reader-token"))
    assert response.status_code == 200
    assert response.json() == {"subject": "reader", "op": "dashboards_list"}


def test_missing_token_is_401_with_bearer_challenge(client: TestClient) -> None:
    response = client.get("/projects/p/dashboards")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json() == {"detail": "not authenticated", "operation_id": "dashboards_list"}


@pytest.mark.parametrize("header", ["Bearer", "Bearer   ", "Token reader-token", "reader-token"])
def test_malformed_authorization_header_is_401(client: TestClient, header: str) -> None:
    response = client.get("/projects/p/dashboards", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_token_the_authenticator_rejects_is_401(client: TestClient) -> None:
    response = client.get("/projects/p/dashboards", headers=bearer("forged"))
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    assert response.json() == {"detail": "invalid credentials", "operation_id": "dashboards_list"}


def test_without_an_authenticator_secured_operations_are_401() -> None:
    client = TestClient(create_app(authenticate=None))
    response = client.get("/projects/p/dashboards", headers=bearer("writer-token"))
    assert response.status_code == 401
    assert response.json()["operation_id"] == "dashboards_list"
    assert "no authenticator" in response.json()["detail"]
    assert client.get("/public").json() == {"principal": None}


def test_missing_scope_is_403_naming_it(client: TestClient) -> None:
    response = client.post("/projects/p/dashboards", headers=bearer("reader-token"))
    assert response.status_code == 403
    assert response.json() == {
        "detail": "missing scope: dashboard:write",
        "missing_scopes": ["dashboard:write"],
        "operation_id": "dashboards_create",
    }
    assert 'error="insufficient_scope"' in response.headers["www-authenticate"]
    granted = client.post("/projects/p/dashboards", headers=bearer("writer-token"))
    assert (granted.status_code, granted.json()) == (201, {"subject": "writer"})


def test_authentication_is_checked_before_request_validation(client: TestClient) -> None:
    response = client.get("/projects/p/dashboards", params={"limit": "many"})
    assert response.status_code == 401


def test_unsecured_operation_has_no_principal(client: TestClient) -> None:
    assert client.get("/public", headers=bearer("reader-token")).json() == {"principal": None}


def test_middleware_sees_the_principal() -> None:
    seen: list[Any] = []

    async def audit(context: Any, call_next: Any) -> Any:
        seen.append((context.operation_id, getattr(context.principal, "subject", None)))
        return await call_next()

    client = TestClient(create_app(middleware=[audit]))
    client.get("/projects/p/dashboards", headers=bearer("reader-token"))
    assert seen == [("dashboards_list", "reader")]


def test_authenticator_may_raise_api_error() -> None:
    def locked_out(credential: str) -> Any:
        raise rt.ApiError(423, "account locked")

    client = TestClient(create_app(authenticate=locked_out))
    response = client.get("/projects/p/dashboards", headers=bearer("reader-token"))
    assert response.status_code == 423
    assert response.json() == {"detail": "account locked", "operation_id": "dashboards_list"}


# ---- other schemes ---------------------------------------------------------------------


def test_api_key_in_query_and_cookie(client: TestClient) -> None:
    assert client.get("/keyed/QueryKey").status_code == 401
    ok = client.get("/keyed/QueryKey", params={"api_key": "reader-token"})
    assert ok.json() == {"subject": "reader"}
    client.cookies.set("session", "writer-token")
    assert client.get("/keyed/CookieKey").json() == {"subject": "writer"}


def test_basic_auth_passes_user_colon_password(client: TestClient) -> None:
    TOKENS["alice:secret"] = rt.SimplePrincipal("alice")
    try:
        credential = base64.b64encode(b"alice:secret").decode()
        ok = client.get("/keyed/Basic", headers={"Authorization": f"Basic {credential}"})
        assert ok.json() == {"subject": "alice"}
        bad = client.get("/keyed/Basic", headers={"Authorization": "Basic !!notbase64"})
        assert bad.status_code == 401
        assert bad.json()["operation_id"] == "keyed_Basic"
        assert bad.headers["www-authenticate"] == "Basic"
    finally:
        del TOKENS["alice:secret"]


def test_oauth2_reads_the_bearer_token(client: TestClient) -> None:
    assert client.get("/keyed/OAuth", headers=bearer("reader-token")).status_code == 200
    assert client.get("/keyed/OAuth").status_code == 401


def test_alternatives_and_optional_security(client: TestClient) -> None:
    assert client.get("/maybe").json() == {"subject": None}
    by_key = client.get("/maybe", headers={"X-API-Key": "writer-token"})
    assert by_key.json() == {"subject": "writer"}
    rejected = client.get("/maybe", headers={"X-API-Key": "forged"})
    assert rejected.status_code == 401


def test_misconfigured_scheme_fails_when_the_router_is_built() -> None:
    binder = rt.Binder()
    with pytest.raises(ValueError, match="param_name"):
        binder.security(rt.API_KEY_HEADER, "Key", ())
    with pytest.raises(ValueError, match="unknown kind"):
        binder.security("digest", "Digest", ())


# ---- OpenAPI ---------------------------------------------------------------------------


def test_openapi_lists_schemes_by_spec_name_with_operation_scopes() -> None:
    document = create_app().openapi()
    schemes = document["components"]["securitySchemes"]
    assert schemes["PersonalAPIKeyAuth"] == {"type": "http", "scheme": "bearer"}
    assert schemes["HeaderKey"] == {"type": "apiKey", "in": "header", "name": "X-API-Key"}
    assert schemes["QueryKey"] == {"type": "apiKey", "in": "query", "name": "api_key"}
    assert schemes["CookieKey"] == {"type": "apiKey", "in": "cookie", "name": "session"}
    assert schemes["Basic"] == {"type": "http", "scheme": "basic"}
    assert schemes["OAuth"]["type"] == "oauth2"
    paths = document["paths"]
    assert paths["/projects/{project_id}/dashboards"]["get"]["security"] == [
        {"PersonalAPIKeyAuth": ["dashboard:read"]}
    ]
    assert paths["/projects/{project_id}/dashboards"]["post"]["security"] == [
        {"PersonalAPIKeyAuth": ["dashboard:write"]}
    ]
    assert paths["/maybe"]["get"]["security"] == [{"HeaderKey": []}, {"Basic": []}]
    assert "security" not in paths["/public"]["get"]
    # the dependency's credential parameters must not leak into the operation parameters
    listed = paths["/projects/{project_id}/dashboards"]["get"]
    assert [p["name"] for p in listed["parameters"]] == ["project_id", "limit"]
