"""Dispatch, responses and errors of the generated server runtime.

The runtime (templates/runtime/server/_runtime) is copied verbatim into generated
packages; here it is imported by path and driven through a small FastAPI app written
by hand the way the generated ``app.py`` will be: each route hands its parsed
parameters to ``Binder.call`` together with a Protocol-shaped implementation.
Security is covered in test_server_runtime_security.py.
"""

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Annotated, Any, Protocol

import pytest
from fastapi import APIRouter, Body, FastAPI, HTTPException, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field, RootModel
from server_runtime_loader import load_server_runtime
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.testclient import TestClient

rt = load_server_runtime()


# ---- what the generator would emit: models, a Protocol, a router factory ------------


class Dashboard(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    id: int
    name: str
    created_by: str | None = Field(default=None, alias="createdBy")
    description: str | None = None
    pinned: bool = False


class DashboardRequest(BaseModel):
    name: str
    description: str | None = None


class DashboardList(RootModel[list[Dashboard]]):
    pass


class DashboardsApi(Protocol):
    async def retrieve(self, project_id: str, id: int, *, context: Any) -> Dashboard: ...
    async def list(
        self, project_id: str, *, limit: int | None = None, context: Any
    ) -> DashboardList: ...
    async def create(self, project_id: str, *, body: DashboardRequest, context: Any) -> Any: ...
    async def destroy(self, project_id: str, id: int, *, context: Any) -> None: ...
    async def forbidden_delete(self, project_id: str, *, context: Any) -> None: ...
    async def export(self, project_id: str, *, context: Any) -> bytes: ...
    async def export_csv(self, project_id: str, *, context: Any) -> str: ...
    async def whoami(self, *, context: Any) -> dict[str, Any]: ...


def create_router(
    *,
    dashboards: Any = None,
    middleware: Sequence[Any] = (),
) -> APIRouter:
    binder = rt.Binder(middleware=middleware)
    router = APIRouter()
    base = "/api/projects/{project_id}/dashboards"

    @router.get(f"{base}/{{id}}/", operation_id="dashboards_retrieve", response_model=Dashboard)
    async def dashboards_retrieve(
        request: Request, project_id: Annotated[str, Path()], id: Annotated[int, Path()]
    ) -> Any:
        route = rt.Route(operation_id="dashboards_retrieve", status_code=200)
        return await binder.call(
            route,
            request,
            None,
            dashboards,
            "retrieve",
            lambda self, context: self.retrieve(project_id, id, context=context),
        )

    @router.get(f"{base}/", operation_id="dashboards_list", response_model=DashboardList)
    async def dashboards_list(
        request: Request,
        project_id: Annotated[str, Path()],
        limit: Annotated[int | None, Query()] = None,
    ) -> Any:
        route = rt.Route(operation_id="dashboards_list", status_code=200)
        return await binder.call(
            route,
            request,
            None,
            dashboards,
            "list",
            lambda self, context: self.list(project_id, limit=limit, context=context),
        )

    @router.post(f"{base}/", operation_id="dashboards_create", status_code=201)
    async def dashboards_create(
        request: Request,
        project_id: Annotated[str, Path()],
        body: Annotated[DashboardRequest, Body()],
    ) -> Any:
        route = rt.Route(operation_id="dashboards_create", status_code=201)
        return await binder.call(
            route,
            request,
            None,
            dashboards,
            "create",
            lambda self, context: self.create(project_id, body=body, context=context),
        )

    # response_model=None: FastAPI would take `-> Any` as a response model and refuse a 204
    @router.delete(
        f"{base}/{{id}}/", operation_id="dashboards_destroy", status_code=204, response_model=None
    )
    async def dashboards_destroy(
        request: Request, project_id: Annotated[str, Path()], id: Annotated[int, Path()]
    ) -> Any:
        route = rt.Route(operation_id="dashboards_destroy", status_code=204, media_type=None)
        return await binder.call(
            route,
            request,
            None,
            dashboards,
            "destroy",
            lambda self, context: self.destroy(project_id, id, context=context),
        )

    @router.delete(f"{base}/", operation_id="dashboards_forbidden_delete", status_code=405)
    async def dashboards_forbidden_delete(
        request: Request, project_id: Annotated[str, Path()]
    ) -> Any:
        route = rt.Route("dashboards_forbidden_delete", 405, None)
        return await binder.call(
            route,
            request,
            None,
            dashboards,
            "forbidden_delete",
            lambda self, context: self.forbidden_delete(project_id, context=context),
        )

    @router.get(f"{base}/export", operation_id="dashboards_export")
    async def dashboards_export(request: Request, project_id: Annotated[str, Path()]) -> Any:
        route = rt.Route("dashboards_export", 200, "application/pdf")
        return await binder.call(
            route,
            request,
            None,
            dashboards,
            "export",
            lambda self, context: self.export(project_id, context=context),
        )

    @router.get(f"{base}/export.csv", operation_id="dashboards_export_csv")
    async def dashboards_export_csv(request: Request, project_id: Annotated[str, Path()]) -> Any:
        route = rt.Route("dashboards_export_csv", 200, "text/csv")
        return await binder.call(
            route,
            request,
            None,
            dashboards,
            "export_csv",
            lambda self, context: self.export_csv(project_id, context=context),
        )

    @router.get("/whoami", operation_id="whoami")
    async def whoami(request: Request) -> Any:
        route = rt.Route("whoami", 200)
        return await binder.call(
            route,
            request,
            None,
            dashboards,
            "whoami",
            lambda self, context: self.whoami(context=context),
        )

    return router


def create_app(*, dashboards: Any = None, middleware: Sequence[Any] = ()) -> FastAPI:
    app = FastAPI(title="test", version="1")
    app.include_router(create_router(dashboards=dashboards, middleware=middleware))
    rt.install_error_handlers(app)
    return app


# ---- a user implementation ------------------------------------------------------------


class Impl:
    """Implements DashboardsApi structurally and records what it was given."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []

    async def retrieve(self, project_id: str, id: int, *, context: Any) -> Dashboard:
        self.calls.append(("retrieve", context))
        return Dashboard(id=id, name=f"dash in {project_id}", createdBy=None)

    async def list(self, project_id: str, *, limit: int | None = None, context: Any) -> Any:
        self.calls.append(("list", limit))
        return DashboardList([Dashboard(id=1, name="a"), Dashboard(id=2, name="b", pinned=True)])

    async def create(self, project_id: str, *, body: DashboardRequest, context: Any) -> Any:
        if body.name == "taken":
            return rt.Conflict()
        if body.name == "boom":
            raise RuntimeError("secret database password in traceback")
        if body.name == "missing":
            raise rt.ApiError(404, "project not found", headers={"X-Reason": "gone"})
        if body.name == "teapot":
            return rt.WithStatus(418, {"short": "stout"})
        if body.name == "http":
            raise HTTPException(status_code=409, detail="plain http exception")
        if body.name == "later":
            raise NotImplementedError
        created = Dashboard(id=7, name=body.name)
        return rt.Created(created, headers={"Location": f"/dashboards/{created.id}/"})

    async def destroy(self, project_id: str, id: int, *, context: Any) -> None:
        return None

    async def forbidden_delete(self, project_id: str, *, context: Any) -> None:
        return None

    async def export(self, project_id: str, *, context: Any) -> bytes:
        return b"%PDF-1.7 fake"

    async def export_csv(self, project_id: str, *, context: Any) -> str:
        return "id,name\n1,a\n"

    async def whoami(self, *, context: Any) -> dict[str, Any]:
        request = context.request
        return {
            "operation_id": context.operation_id,
            "user_agent": request.headers.get("user-agent"),
            "path": request.url.path,
            "principal": context.principal,
        }


@pytest.fixture
def impl() -> Impl:
    return Impl()


@pytest.fixture
def client(impl: Impl) -> TestClient:
    return TestClient(create_app(dashboards=impl))


# ---- success responses ----------------------------------------------------------------


def test_model_is_json_by_alias_and_omits_unset_fields(client: TestClient) -> None:
    response = client.get("/api/projects/p1/dashboards/5/")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    # createdBy was set explicitly to None -> null; description and pinned never set -> absent
    assert response.json() == {"id": 5, "name": "dash in p1", "createdBy": None}


def test_root_model_list_serialises_each_item_without_unset_fields(
    client: TestClient, impl: Impl
) -> None:
    response = client.get("/api/projects/p1/dashboards/", params={"limit": 3})
    assert response.status_code == 200
    assert response.json() == [{"id": 1, "name": "a"}, {"id": 2, "name": "b", "pinned": True}]
    assert impl.calls == [("list", 3)]


def test_created_wrapper_sets_status_body_and_headers(client: TestClient) -> None:
    response = client.post("/api/projects/p1/dashboards/", json={"name": "new"})
    assert response.status_code == 201
    assert response.headers["location"] == "/dashboards/7/"
    assert response.json() == {"id": 7, "name": "new"}


def test_body_less_wrapper_gives_empty_response(client: TestClient) -> None:
    response = client.post("/api/projects/p1/dashboards/", json={"name": "taken"})
    assert response.status_code == 409
    assert response.content == b""
    assert "content-type" not in response.headers


def test_explicit_status_wrapper(client: TestClient) -> None:
    response = client.post("/api/projects/p1/dashboards/", json={"name": "teapot"})
    assert response.status_code == 418
    assert response.json() == {"short": "stout"}


def test_default_204_route_with_none_is_empty(client: TestClient) -> None:
    response = client.delete("/api/projects/p1/dashboards/3/")
    assert response.status_code == 204
    assert response.content == b""
    assert "content-type" not in response.headers


def test_default_405_route_with_none_is_empty(client: TestClient) -> None:
    response = client.delete("/api/projects/p1/dashboards/")
    assert response.status_code == 405
    assert response.content == b""
    assert "content-type" not in response.headers


def test_bytes_are_sent_raw_with_the_route_media_type(client: TestClient) -> None:
    response = client.get("/api/projects/p1/dashboards/export")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content == b"%PDF-1.7 fake"


def test_str_is_sent_as_text_for_text_media_types(client: TestClient) -> None:
    response = client.get("/api/projects/p1/dashboards/export.csv")
    assert response.headers["content-type"].startswith("text/csv")
    assert response.text == "id,name\n1,a\n"


def test_raw_request_and_operation_id_are_in_the_context(client: TestClient) -> None:
    response = client.get("/whoami", headers={"User-Agent": "probe/1.0"})
    assert response.json() == {
        "operation_id": "whoami",
        "user_agent": "probe/1.0",
        "path": "/whoami",
        "principal": None,
    }


# ---- 501 ------------------------------------------------------------------------------


def _assert_not_implemented(response: Any, operation_id: str) -> None:
    assert response.status_code == 501
    assert response.json() == {
        "detail": f"operation {operation_id} is not implemented",
        "operation_id": operation_id,
    }


def test_missing_implementation_answers_501() -> None:
    client = TestClient(create_app(dashboards=None))
    _assert_not_implemented(client.get("/api/projects/p/dashboards/"), "dashboards_list")


def test_missing_method_answers_501() -> None:
    class Partial:
        async def retrieve(self, project_id: str, id: int, *, context: Any) -> Dashboard:
            return Dashboard(id=id, name="x")

    client = TestClient(create_app(dashboards=Partial()))
    assert client.get("/api/projects/p/dashboards/1/").status_code == 200
    _assert_not_implemented(client.get("/api/projects/p/dashboards/"), "dashboards_list")


def test_method_only_inherited_from_the_protocol_answers_501() -> None:
    class Explicit(DashboardsApi):  # subclasses the Protocol but forgets `list`
        async def retrieve(self, project_id: str, id: int, *, context: Any) -> Dashboard:
            return Dashboard(id=id, name="x")

    client = TestClient(create_app(dashboards=Explicit()))
    assert client.get("/api/projects/p/dashboards/1/").status_code == 200
    _assert_not_implemented(client.get("/api/projects/p/dashboards/"), "dashboards_list")


def test_not_implemented_error_answers_501(client: TestClient) -> None:
    response = client.post("/api/projects/p1/dashboards/", json={"name": "later"})
    _assert_not_implemented(response, "dashboards_create")


# ---- errors ---------------------------------------------------------------------------


def test_validation_error_names_the_field(client: TestClient) -> None:
    response = client.get("/api/projects/p1/dashboards/", params={"limit": "many"})
    assert response.status_code == 422
    body = response.json()
    assert body["fields"] == ["query.limit"]
    assert body["operation_id"] == "dashboards_list"
    assert body["detail"][0]["loc"] == ["query", "limit"]
    assert body["detail"][0]["type"] == "int_parsing"


def test_validation_error_in_body_names_the_body_field(client: TestClient) -> None:
    response = client.post("/api/projects/p1/dashboards/", json={"description": "no name"})
    assert response.status_code == 422
    assert response.json()["fields"] == ["body.name"]


def test_unhandled_exception_is_500_without_traceback(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        response = client.post("/api/projects/p1/dashboards/", json={"name": "boom"})
    assert response.status_code == 500
    assert response.json() == {
        "detail": "internal server error",
        "operation_id": "dashboards_create",
    }
    assert "secret" not in response.text and "Traceback" not in response.text
    logged = [record for record in caplog.records if record.exc_info]
    assert logged and "dashboards_create" in logged[0].getMessage()


def test_api_error_answers_its_status_with_json(client: TestClient) -> None:
    response = client.post("/api/projects/p1/dashboards/", json={"name": "missing"})
    assert response.status_code == 404
    assert response.headers["x-reason"] == "gone"
    assert response.json() == {"detail": "project not found", "operation_id": "dashboards_create"}


def test_http_exception_passes_through(client: TestClient) -> None:
    response = client.post("/api/projects/p1/dashboards/", json={"name": "http"})
    assert response.status_code == 409
    assert response.json() == {"detail": "plain http exception"}


def test_user_registered_exception_handler_wins_over_the_500() -> None:
    class QuotaExceeded(Exception):
        pass

    class Impl2:
        async def whoami(self, *, context: Any) -> Any:
            raise QuotaExceeded

    app = create_app(dashboards=Impl2())

    async def on_quota(request: Request, exc: Exception) -> Response:
        return JSONResponse({"quota": "exceeded"}, status_code=429)

    app.add_exception_handler(QuotaExceeded, on_quota)
    response = TestClient(app).get("/whoami")
    assert response.status_code == 429
    assert response.json() == {"quota": "exceeded"}


# ---- middleware ------------------------------------------------------------------------


def test_middleware_wraps_in_order_and_sees_the_operation_id(impl: Impl) -> None:
    seen: list[str] = []

    def recorder(tag: str) -> Callable[[Any, Callable[[], Awaitable[Any]]], Awaitable[Any]]:
        async def middleware(context: Any, call_next: Callable[[], Awaitable[Any]]) -> Any:
            seen.append(f"{tag}>{context.operation_id}")
            result = await call_next()
            seen.append(f"{tag}<")
            return result

        return middleware

    client = TestClient(create_app(dashboards=impl, middleware=[recorder("a"), recorder("b")]))
    assert client.get("/api/projects/p/dashboards/1/").status_code == 200
    assert seen == ["a>dashboards_retrieve", "b>dashboards_retrieve", "b<", "a<"]


def test_middleware_can_short_circuit_with_a_response_or_a_value(impl: Impl) -> None:
    async def gate(context: Any, call_next: Callable[[], Awaitable[Any]]) -> Any:
        if context.operation_id == "dashboards_list":
            return PlainTextResponse("maintenance", status_code=503)
        if context.operation_id == "dashboards_retrieve":
            return rt.Ok(Dashboard(id=0, name="cached"), headers={"X-Cache": "hit"})
        return await call_next()

    client = TestClient(create_app(dashboards=impl, middleware=[gate]))
    listed = client.get("/api/projects/p/dashboards/")
    assert (listed.status_code, listed.text) == (503, "maintenance")
    cached = client.get("/api/projects/p/dashboards/1/")
    assert cached.json() == {"id": 0, "name": "cached"}
    assert cached.headers["x-cache"] == "hit"
    assert impl.calls == []
    assert client.get("/whoami").status_code == 200


def test_middleware_can_handle_implementation_errors(impl: Impl) -> None:
    async def translate(context: Any, call_next: Callable[[], Awaitable[Any]]) -> Any:
        try:
            return await call_next()
        except RuntimeError as exc:
            return rt.WithStatus(503, {"retry": True, "why": type(exc).__name__})

    client = TestClient(create_app(dashboards=impl, middleware=[translate]))
    response = client.post("/api/projects/p1/dashboards/", json={"name": "boom"})
    assert response.status_code == 503
    assert response.json() == {"retry": True, "why": "RuntimeError"}


# ---- to_response without an app ---------------------------------------------------------


def test_to_response_rules() -> None:
    json_route = rt.Route("op", 200)
    assert rt.to_response(None, json_route).body == b""
    passthrough = PlainTextResponse("x")
    assert rt.to_response(passthrough, json_route) is passthrough
    nested = rt.to_response({"items": [Dashboard(id=1, name="n", createdBy="me")]}, json_route)
    assert nested.body == b'{"items":[{"id":1,"name":"n","createdBy":"me"}]}'
    # a str on a JSON route is a JSON string, on a text route it is raw text
    assert rt.to_response("hi", json_route).body == b'"hi"'
    assert rt.to_response("hi", rt.Route("op", 200, "text/plain")).body == b"hi"
    # problem+json is JSON; a wrapper's media type overrides the route's
    problem = rt.to_response(
        rt.BadRequest({"title": "bad"}, media_type="application/problem+json"), json_route
    )
    assert problem.status_code == 400
    assert problem.headers["content-type"] == "application/problem+json"
    # bytes on a route without media type default to octet-stream
    raw = rt.to_response(b"\x00\x01", rt.Route("op", 200, None))
    assert raw.headers["content-type"] == "application/octet-stream"
    # no-body statuses drop any body
    assert rt.to_response(rt.NotModified({"ignored": 1}), json_route).body == b""
    # media ranges are not valid content types
    wildcard = rt.to_response({"a": 1}, rt.Route("op", 200, "*/*"))
    assert wildcard.headers["content-type"] == "application/json"
    image = rt.to_response(b"\x89PNG", rt.Route("op", 200, "image/*"))
    assert image.headers["content-type"] == "application/octet-stream"


def test_text_is_sent_in_the_charset_its_media_type_declares() -> None:
    latin = rt.Route("op", 200, "text/plain; charset=ISO-8859-1")
    reply = rt.to_response("caf\u00e9", latin)
    assert (reply.body, reply.headers["content-type"]) == (b"caf\xe9", latin.media_type)
    assert rt.to_response("caf\u00e9", rt.Route("op", 200, "text/csv")).body == b"caf\xc3\xa9"
    with pytest.raises(rt.ResponseMismatch, match="character 0 .* 'ISO-8859-1'"):
        rt.to_response("\u2603", latin)  # no Latin-1 snowman: a logged 500, not UTF-8 bytes
    with pytest.raises(rt.ResponseMismatch, match="unknown"):
        rt.to_response("x", rt.Route("op", 200, 'text/plain; charset="no-such"'))


def test_a_text_file_is_streamed_in_the_charset_its_media_type_declares() -> None:
    import asyncio
    import io

    async def body(reply: Any) -> bytes:
        return b"".join([chunk async for chunk in reply.body_iterator])

    latin = rt.Route("op", 200, "text/plain; charset=ISO-8859-1")
    assert asyncio.run(body(rt.to_response(io.StringIO("caf\u00e9"), latin))) == b"caf\xe9"
    utf8 = rt.Route("op", 200, "text/plain")
    assert asyncio.run(body(rt.to_response(io.StringIO("caf\u00e9"), utf8))) == b"caf\xc3\xa9"
    with pytest.raises(rt.ResponseMismatch, match="unknown"):
        rt.to_response(io.StringIO("x"), rt.Route("op", 200, "text/plain; charset=no-such"))


def test_wrappers_compare_by_value_for_implementation_tests() -> None:
    assert rt.Created({"id": 1}) == rt.Created({"id": 1})
    assert rt.Created({"id": 1}) != rt.Ok({"id": 1})
    assert rt.Created({"id": 1}) != rt.Created({"id": 1}, headers={"Location": "/1"})
    assert rt.WithStatus(201, {"id": 1}) != rt.Created({"id": 1})
    assert rt.NoContent() == rt.NoContent(None)
    assert repr(rt.Conflict()) == "Conflict(status=409, body=None)"


def test_status_rejects_out_of_range_codes() -> None:
    with pytest.raises(ValueError):
        rt.WithStatus(99)
    assert rt.WithStatus(299).status_code == 299


EXPECTED_STATUS_NAMES = {
    200: "Ok", 201: "Created", 202: "Accepted", 203: "NonAuthoritativeInformation",
    204: "NoContent", 205: "ResetContent", 206: "PartialContent", 207: "MultiStatus",
    300: "MultipleChoices", 301: "MovedPermanently", 302: "Found", 303: "SeeOther",
    304: "NotModified", 307: "TemporaryRedirect", 308: "PermanentRedirect",
    400: "BadRequest", 401: "Unauthorized", 402: "PaymentRequired", 403: "Forbidden",
    404: "NotFound", 405: "MethodNotAllowed", 406: "NotAcceptable", 408: "RequestTimeout",
    409: "Conflict", 410: "Gone", 411: "LengthRequired", 412: "PreconditionFailed",
    413: "ContentTooLarge", 415: "UnsupportedMediaType", 416: "RangeNotSatisfiable",
    417: "ExpectationFailed", 418: "ImATeapot", 421: "MisdirectedRequest",
    422: "UnprocessableEntity", 423: "Locked", 424: "FailedDependency", 425: "TooEarly",
    426: "UpgradeRequired", 428: "PreconditionRequired", 429: "TooManyRequests",
    431: "RequestHeaderFieldsTooLarge", 451: "UnavailableForLegalReasons",
    500: "InternalServerError", 501: "NotImplemented_", 502: "BadGateway",
    503: "ServiceUnavailable", 504: "GatewayTimeout", 505: "HttpVersionNotSupported",
}  # fmt: skip


def test_status_classes_table_matches_the_generator_contract() -> None:
    actual = {code: cls.__name__ for code, cls in rt.STATUS_CLASSES.items()}
    assert actual == EXPECTED_STATUS_NAMES
    for code, name in EXPECTED_STATUS_NAMES.items():
        cls = getattr(rt, name)
        assert cls.status_code == code
        assert name in rt.__all__
        wrapped = cls({"k": 1}, headers={"X": "1"})
        assert (wrapped.body, wrapped.headers) == ({"k": 1}, {"X": "1"})
        assert cls().body is None
