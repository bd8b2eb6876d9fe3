"""Errors: ``ApiError``, the JSON shape of every error response, the 422 body and its hook."""

import logging
from collections.abc import Awaitable, Callable, Mapping
from http import HTTPStatus
from typing import (
    Any,
    Final,
)

from fastapi import FastAPI, HTTPException, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import HTTPConnection
from starlette.responses import Response

from .responses import _ANY, _NO_BODY_STATUSES, _json_bytes

logger = logging.getLogger(__name__)


class ApiError(HTTPException):
    """Raise from an implementation, middleware or authenticator to answer an error.

    The body is ``{"detail": detail, **extra, "operation_id": ...}``. ``detail`` may be
    any JSON-serialisable value (models included) and defaults to the status phrase.

    It subclasses FastAPI's ``HTTPException``: in an app without
    :func:`install_error_handlers`, FastAPI still answers ``{"detail": detail}``.

    :param status_code: the HTTP status to answer.
    :param detail: the ``detail`` member of the JSON body.
    :param headers: extra response headers.
    :param extra: more top-level members of the body.
    """

    def __init__(
        self,
        status_code: int,
        detail: Any = None,
        *,
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        if detail is None:
            detail = HTTPStatus(status_code).phrase if status_code in _PHRASES else "error"
        super().__init__(status_code, detail, dict(headers) if headers else None)
        self.extra: Mapping[str, Any] = extra or {}

    def to_response(self, operation_id: str | None) -> Response:
        """Render this error as a JSON response naming ``operation_id``."""
        body = {"detail": self.detail, **self.extra, "operation_id": operation_id}
        return _error_response(self.status_code, body, self.headers)


_PHRASES: Final = frozenset(status.value for status in HTTPStatus)


def _error_response(
    status_code: int, body: Mapping[str, Any], headers: Mapping[str, str] | None = None
) -> Response:
    if status_code in _NO_BODY_STATUSES or status_code < 200:
        return Response(status_code=status_code, headers=headers)
    return Response(_ANY.dump_json(body, by_alias=True), status_code, headers, "application/json")


def _operation_id_of(conn: HTTPConnection) -> str | None:
    """The operationId of the FastAPI route serving ``conn``, once routing happened."""
    operation_id = getattr(conn.scope.get("route"), "operation_id", None)
    return operation_id if isinstance(operation_id, str) else None


def _not_implemented(operation_id: str) -> Response:
    detail = f"operation {operation_id} is not implemented"
    return _error_response(501, {"detail": detail, "operation_id": operation_id})


def _internal_error(operation_id: str | None) -> Response:
    return _error_response(500, {"detail": "internal server error", "operation_id": operation_id})


def _has_app_handler(request: Request, exc: Exception) -> bool:
    """True when the app registered an exception handler for ``exc`` (by its MRO).

    Starlette stores the handlers of its ``ExceptionMiddleware`` in the scope; ``Exception``
    itself is never among them, so this finds only specific (user or framework) handlers.
    """
    handlers = request.scope.get("starlette.exception_handlers")
    if not handlers:
        return False
    exception_handlers: Mapping[Any, Any] = handlers[0]
    return any(cls in exception_handlers for cls in type(exc).__mro__)


class ValidationIssue(BaseModel):
    """One problem of a request that failed validation (pydantic's error, as FastAPI reports it)."""

    loc: list[str | int]
    msg: str
    type: str
    input: Any = None
    ctx: dict[str, Any] | None = None


class ValidationErrorBody(BaseModel):
    """The ``422`` body of a request that failed validation (documented on every route with inputs)."""

    detail: list[ValidationIssue]
    fields: list[str]
    operation_id: str | None


ValidationErrorHook = Callable[[ValidationErrorBody], object]
"""Builds the response of a request that failed validation, from the runtime's body.

It returns the body to send with ``422`` as JSON (a pydantic model, such as the
spec's own 422 schema, or any JSON value), or a :class:`Response`, sent as it is.
"""


def _text(raw: bytes) -> str:
    """Bytes echoed in a 422 body (a body or file part's input), as text even when not UTF-8."""
    return raw.decode("utf-8", "replace")


def _validation_body(request: Request, exc: RequestValidationError) -> dict[str, Any]:
    errors = jsonable_encoder(exc.errors(), custom_encoder={bytes: _text})
    fields = [".".join(str(part) for part in error.get("loc", ())) for error in errors]
    return {
        "detail": errors,
        "fields": list(dict.fromkeys(fields)),
        "operation_id": _operation_id_of(request),
    }


async def _validation_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    return _error_response(422, _validation_body(request, exc))


def _custom_validation_handler(
    hook: ValidationErrorHook,
) -> Callable[[Request, Exception], Awaitable[Response]]:
    async def handle(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        built = hook(ValidationErrorBody.model_validate(_validation_body(request, exc)))
        if isinstance(built, Response):
            return built
        return Response(_json_bytes(built), 422, media_type="application/json")

    return handle


async def _api_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return exc.to_response(_operation_id_of(request))


async def _http_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    return await http_exception_handler(request, exc)


async def _unhandled_error_handler(request: Request, exc: Exception) -> Response:
    operation_id = _operation_id_of(request)
    logger.error("unhandled exception in operation %s", operation_id, exc_info=exc)
    return _internal_error(operation_id)


def install_error_handlers(
    app: FastAPI, validation_error: ValidationErrorHook | None = None
) -> None:
    """Give every error the runtime's JSON shape (call it once on the app).

    * request validation errors -> ``422`` keeping FastAPI's ``detail`` list and adding
      ``"fields": ["query.limit", "body.name", ...]`` and ``"operation_id"``
      (:class:`ValidationErrorBody`); with ``validation_error``, the response it builds
      from that body instead (to answer with the spec's own 422 schema);
    * :class:`ApiError` (also raised by the security dependencies) -> its status with
      ``{"detail", ..., "operation_id"}``;
    * other ``HTTPException`` -> FastAPI's usual ``{"detail": ...}`` with its headers;
    * any other exception escaping a route -> ``500`` ``{"detail": "internal server
      error", "operation_id": ...}``, logged with its traceback, never sent to the client.
      (Exceptions raised by implementations are already turned into 500 by
      :meth:`Binder.call`; this is the last resort for the rest.)

    Handlers the user registers afterwards for specific exception types take precedence.
    """
    if validation_error is None:
        app.add_exception_handler(RequestValidationError, _validation_error_handler)
    else:
        handler = _custom_validation_handler(validation_error)
        app.add_exception_handler(RequestValidationError, handler)
    app.add_exception_handler(ApiError, _api_error_handler)
    app.add_exception_handler(StarletteHTTPException, _http_error_handler)
    app.add_exception_handler(Exception, _unhandled_error_handler)
