"""Client runtime, response side: outcome parsing, error mapping, no httpx leaks."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pydantic
import pytest

# --------------------------------------------------------------------------- loader
from client_runtime_loader import load_client_runtime
from pydantic import BaseModel

rt = load_client_runtime()
BASE = "https://api.test/v1"
Handler = Callable[[httpx.Request], httpx.Response]


# -------------------------------------------------------------------------- helpers
class Item(BaseModel):
    id: int
    name: str


class Problem(BaseModel):
    detail: str


class ValidationProblem(BaseModel):
    errors: list[str]


def operation(**overrides: Any) -> Any:
    fields: dict[str, Any] = {
        "operation_id": "get_item",
        "method": "GET",
        "path": "/items/1",
        "responses": {"200": rt.Outcome("json", Item)},
        "security": (("key",),),
    }
    fields.update(overrides)
    return rt.Operation(**fields)


def client_for(handler: Handler, **kwargs: Any) -> Any:
    kwargs.setdefault("max_retries", 0)
    return rt.SyncClientBase(base_url=BASE, transport=httpx.MockTransport(handler), **kwargs)


def reply(status: int, **kwargs: Any) -> Handler:
    return lambda request: httpx.Response(status, **kwargs)


def call(op: Any, handler: Handler, **kwargs: Any) -> Any:
    with client_for(handler, **kwargs) as client:
        return client._call(op, {})


# ----------------------------------------------------------------------- outcomes
@pytest.mark.parametrize(
    ("outcome", "response", "expected"),
    [
        (rt.Outcome("json", Item), {"json": {"id": 1, "name": "a"}}, Item(id=1, name="a")),
        (
            rt.Outcome("json", list[Item]),
            {"json": [{"id": 1, "name": "a"}, {"id": "2", "name": "b"}]},
            [Item(id=1, name="a"), Item(id=2, name="b")],
        ),
        (rt.Outcome("json", dict[str, Any]), {"json": {"k": [1]}}, {"k": [1]}),
        (rt.Outcome("json", int), {"json": 5}, 5),
        (rt.Outcome("json"), {"json": {"free": "form"}}, {"free": "form"}),
        (rt.Outcome("json", Item | None), {"content": b""}, None),
        (rt.Outcome("bytes"), {"content": b"\x89PNG"}, b"\x89PNG"),
        (rt.Outcome("text"), {"text": "a,b\n1,2"}, "a,b\n1,2"),
        (rt.Outcome("empty"), {"content": b"ignored"}, None),
    ],
)
def test_success_outcomes(outcome: Any, response: dict[str, Any], expected: Any) -> None:
    op = operation(responses={"200": outcome})
    assert call(op, reply(200, **response)) == expected


def test_outcome_lookup_exact_then_range_then_default() -> None:
    class Exact(BaseModel):
        exact: int

    class Ranged(BaseModel):
        ranged: int

    op = operation(
        responses={
            "200": rt.Outcome("json", Exact),
            "2xx": rt.Outcome("json", Ranged),
            "default": rt.Outcome("text"),
        }
    )
    assert call(op, reply(200, json={"exact": 1})) == Exact(exact=1)
    assert call(op, reply(201, json={"ranged": 2})) == Ranged(ranged=2)
    only_default = operation(responses={"default": rt.Outcome("json", Item)})
    assert call(only_default, reply(202, json={"id": 1, "name": "x"})) == Item(id=1, name="x")
    with pytest.raises(rt.UnexpectedStatusError):
        call(only_default, reply(302, headers={"Location": "/elsewhere"}))


def test_invalid_success_body_raises_response_validation_error() -> None:
    with pytest.raises(rt.ResponseValidationError) as info:
        call(operation(), reply(200, json={"id": "not-a-number"}))
    error = info.value
    assert isinstance(error, rt.APIError)
    assert isinstance(error.__cause__, pydantic.ValidationError)
    assert error.status_code == 200
    assert error.response.status_code == 200
    assert error.body == b'{"id":"not-a-number"}'
    assert "Item" in error.message

    with pytest.raises(rt.ResponseValidationError) as info:
        call(operation(), reply(200, content=b"<html>oops</html>"))
    assert isinstance(info.value.__cause__, ValueError)


def test_an_unwrapped_root_model_returns_its_member_and_still_validates() -> None:
    """Issue 16.12: a union body is validated by its RootModel and returned as the member."""

    class Pet(pydantic.RootModel[Item | Problem]):
        root: Item | Problem

    op = operation(
        responses={"200": rt.Outcome("json", Pet, unwrap=True)},
        errors={"409": rt.Outcome("json", Pet, unwrap=True)},
    )
    assert call(op, reply(200, json={"detail": "x"})) == Problem(detail="x")
    with pytest.raises(rt.ResponseValidationError, match="Pet"):
        call(op, reply(200, json={"neither": 1}))
    with pytest.raises(rt.APIStatusError) as info:
        call(op, reply(409, json={"id": 1, "name": "n"}))
    assert info.value.parsed == Item(id=1, name="n")
    kept = operation(responses={"200": rt.Outcome("json", Pet)})
    assert call(kept, reply(200, json={"detail": "x"})) == Pet(Problem(detail="x"))


# ---------------------------------------------------------------------- status errors
@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (400, "BadRequestError"),
        (401, "AuthenticationError"),
        (403, "PermissionDeniedError"),
        (404, "NotFoundError"),
        (405, "MethodNotAllowedError"),
        (409, "ConflictError"),
        (418, "APIStatusError"),
        (422, "UnprocessableEntityError"),
        (429, "RateLimitError"),
        (500, "InternalServerError"),
        (503, "InternalServerError"),
        (599, "InternalServerError"),
    ],
)
def test_status_errors_map_to_classes(status: int, error_class: str) -> None:
    with pytest.raises(rt.APIStatusError) as info:
        call(operation(), reply(status, json={"detail": "nope"}))
    assert type(info.value) is getattr(rt, error_class)
    assert info.value.status_code == status
    assert info.value.parsed is None  # no error outcome documented


def test_error_attributes_and_message() -> None:
    op = operation(
        params=(rt.Param("expand", "query"),), errors={"404": rt.Outcome("json", Problem)}
    )
    handler = reply(404, json={"detail": "no such item"}, headers={"X-Request-Id": "r1"})
    client = client_for(handler, auth=rt.api_key_auth("api_key", "query", "s3cret"))
    with client, pytest.raises(rt.NotFoundError) as info:
        client._call(op, {"expand": "all"})
    error = info.value
    assert error.parsed == Problem(detail="no such item")
    assert error.status_code == 404
    assert error.headers["x-request-id"] == "r1"
    assert error.body == b'{"detail":"no such item"}'
    assert error.request is not None and error.request.url.params["api_key"] == "s3cret"
    assert error.response is not None and error.response.status_code == 404
    assert str(error) == error.message
    assert error.message.startswith("404 Not Found from GET https://api.test/v1/items/1")
    assert "no such item" in error.message
    assert "s3cret" not in error.message  # the query string is left out


def test_error_models_by_exact_range_and_default() -> None:
    op = operation(
        errors={
            "422": rt.Outcome("json", ValidationProblem),
            "4XX": rt.Outcome("json", Problem),
            "default": rt.Outcome("text"),
        }
    )
    with pytest.raises(rt.UnprocessableEntityError) as unprocessable:
        call(op, reply(422, json={"errors": ["bad"]}))
    assert unprocessable.value.parsed == ValidationProblem(errors=["bad"])
    with pytest.raises(rt.ConflictError) as conflict:
        call(op, reply(409, json={"detail": "taken"}))
    assert conflict.value.parsed == Problem(detail="taken")
    with pytest.raises(rt.InternalServerError) as server:
        call(op, reply(500, text="boom"))
    assert server.value.parsed == "boom"


@pytest.mark.parametrize("content", [b"<html>Bad gateway</html>", b'{"unexpected": 1}', b""])
def test_unreadable_error_body_never_hides_the_status_error(content: bytes) -> None:
    op = operation(errors={"default": rt.Outcome("json", Problem)})
    with pytest.raises(rt.NotFoundError) as info:
        call(op, reply(404, content=content))
    assert info.value.parsed is None
    assert info.value.body == content


# ---------------------------------------------------------------- undocumented status
def test_undocumented_2xx_with_single_compatible_outcome_is_parsed() -> None:
    assert call(operation(), reply(201, json={"id": 1, "name": "a"})) == Item(id=1, name="a")
    delete = operation(method="DELETE", responses={"204": rt.Outcome("empty")})
    assert call(delete, reply(200, json={"deleted": True})) is None


def test_undocumented_2xx_with_incompatible_body_raises_unexpected_status() -> None:
    with pytest.raises(rt.UnexpectedStatusError) as info:
        call(operation(), reply(202, json={"queued": True}))
    assert info.value.status_code == 202
    assert isinstance(info.value.__cause__, pydantic.ValidationError)
    assert "documented: 200" in info.value.message
    with pytest.raises(rt.UnexpectedStatusError):
        call(operation(), reply(204))


def test_undocumented_2xx_with_several_outcomes_raises_unexpected_status() -> None:
    op = operation(responses={"200": rt.Outcome("json", Item), "201": rt.Outcome("json", Item)})
    with pytest.raises(rt.UnexpectedStatusError):
        call(op, reply(202, json={"id": 1, "name": "a"}))


def test_undocumented_3xx_raises_unexpected_status() -> None:
    with pytest.raises(rt.UnexpectedStatusError) as info:
        call(operation(), reply(301, headers={"Location": "https://elsewhere.test/"}))
    assert isinstance(info.value, rt.APIStatusError)
    assert info.value.status_code == 301


def test_documented_3xx_is_an_outcome() -> None:
    op = operation(responses={"200": rt.Outcome("json", Item), "304": rt.Outcome("empty")})
    assert call(op, reply(304)) is None


# ----------------------------------------------------------------- transport failures
def raising(exc: Exception) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    return handler


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (httpx.ConnectError("refused"), "APIConnectionError"),
        (httpx.ReadTimeout("slow"), "APITimeoutError"),
        (httpx.ConnectTimeout("slow"), "APITimeoutError"),
        (httpx.PoolTimeout("busy"), "APITimeoutError"),
        (httpx.RemoteProtocolError("closed"), "APIConnectionError"),
        (httpx.ReadError("reset"), "APIConnectionError"),
        (httpx.UnsupportedProtocol("ftp"), "APIConnectionError"),
        (httpx.TooManyRedirects("loop"), "APIConnectionError"),
        (httpx.DecodingError("gzip"), "APIConnectionError"),
    ],
)
def test_no_httpx_exception_leaks(exc: Exception, expected: str) -> None:
    with pytest.raises(rt.APIError) as info:
        call(operation(), raising(exc))
    error = info.value
    assert type(error) is getattr(rt, expected)
    assert not isinstance(error, httpx.HTTPError)
    assert error.__cause__ is exc
    assert error.status_code is None and error.response is None
    assert error.body == b"" and len(error.headers) == 0
    assert error.request is not None and error.request.url.path == "/v1/items/1"


def test_no_httpx_exception_leaks_from_the_async_client() -> None:
    async def main() -> None:
        transport = httpx.MockTransport(raising(httpx.ReadTimeout("slow")))
        async with rt.AsyncClientBase(base_url=BASE, transport=transport, max_retries=0) as client:
            with pytest.raises(rt.APITimeoutError) as info:
                await client._call(operation(), {})
        assert isinstance(info.value.__cause__, httpx.ReadTimeout)

    asyncio.run(main())


def test_exception_hierarchy() -> None:
    for name in [
        "BadRequestError",
        "AuthenticationError",
        "PermissionDeniedError",
        "NotFoundError",
        "MethodNotAllowedError",
        "ConflictError",
        "UnprocessableEntityError",
        "RateLimitError",
        "InternalServerError",
        "UnexpectedStatusError",
    ]:
        assert issubclass(getattr(rt, name), rt.APIStatusError)
    assert issubclass(rt.APIStatusError, rt.APIError)
    assert issubclass(rt.APITimeoutError, rt.APIConnectionError)
    assert issubclass(rt.APIConnectionError, rt.APIError)
    assert issubclass(rt.ResponseValidationError, rt.APIError)
    assert not issubclass(rt.ResponseValidationError, rt.APIStatusError)
    assert issubclass(rt.APIError, Exception)


def test_type_adapters_are_cached_even_for_unhashable_types() -> None:
    from typing import Annotated

    assert rt.response.type_adapter(list[Item]) is rt.response.type_adapter(list[Item])
    unhashable = Annotated[int, {"unhashable": "metadata"}]
    with pytest.raises(TypeError):
        hash(unhashable)
    adapter = rt.response.type_adapter(unhashable)
    assert adapter is rt.response.type_adapter(unhashable)
    assert adapter.validate_python("3") == 3


# ---------------------------------------------------------- a string under */* (text)
def test_a_text_outcome_reads_a_text_reply_as_its_text() -> None:
    op = operation(responses={"200": rt.Outcome("json", str, text=True)})
    assert call(op, reply(200, text="hello")) == "hello"
    assert call(op, reply(200, text="123")) == "123"
    assert call(op, reply(200, json="hello")) == "hello"
    assert call(op, reply(200, content=b'"hi"', headers={"Content-Type": "text/json"})) == "hi"
    # Neither JSON nor text: as documented (JSON).
    assert call(op, reply(200, content=b'"hi"')) == "hi"
    with pytest.raises(rt.ResponseValidationError, match="the server sent no Content-Type"):
        call(op, reply(200, content=b"hi"))
    untyped = operation(responses={"200": rt.Outcome("json", text=True)})
    assert call(untyped, reply(200, text="hello")) == "hello"


def test_a_text_outcome_validates_the_text_as_its_type() -> None:
    import datetime as dt

    op = operation(responses={"200": rt.Outcome("json", dt.date, text=True)})
    assert call(op, reply(200, text="2026-12-07")) == dt.date(2026, 12, 7)
    with pytest.raises(rt.ResponseValidationError) as info:
        call(op, reply(200, text="soon"))
    assert isinstance(info.value.__cause__, pydantic.ValidationError)


def test_a_json_outcome_reads_json_whatever_the_label_and_says_what_came() -> None:
    assert call(operation(), reply(200, text='{"id": 1, "name": "a"}')) == Item(id=1, name="a")
    with pytest.raises(rt.ResponseValidationError, match="the server sent text/html"):
        call(operation(), reply(200, content=b"<p>", headers={"Content-Type": "text/html"}))
    with pytest.raises(rt.ResponseValidationError) as info:
        call(operation(), reply(200, json={"id": "x"}))
    assert "server sent" not in info.value.message  # JSON was sent: nothing to add


def test_a_text_outcome_does_not_ask_for_json() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, text="hello")

    op = operation(responses={"200": rt.Outcome("json", str, text=True)})
    assert call(op, handler) == "hello"
    assert seen[0].headers["accept"] == "*/*"
