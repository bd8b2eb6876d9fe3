"""Runtime support for an apiforge-generated FastAPI server package.

This file is copied verbatim (not templated) into every generated server package as
``<pkg>/_runtime.py``. It imports only the standard library, FastAPI/Starlette and
pydantic v2, so the generated package never depends on apiforge itself.

Contract with the generated code
--------------------------------
The generated ``routes/<group>.py`` modules declare one FastAPI route per operation.
Each route function lets FastAPI parse and validate parameters, then hands
:meth:`Binder.call` its typed call of the implementation's method
(``lambda self, context: self.<method>(..., context=context)``), which

1. answers ``501`` when the user's implementation (a class satisfying the generated
   ``Protocol``) is missing or lacks the operation's method;
2. builds a :class:`RequestContext` and runs the :data:`OperationMiddleware` chain around
   that call;
3. turns the result into a Starlette ``Response`` with :func:`to_response` (FastAPI's
   ``response_model`` re-validation is bypassed: the route returns a ``Response``);
4. maps :class:`ApiError`, ``NotImplementedError`` and unexpected exceptions to JSON
   error bodies that name the ``operation_id`` and never leak a traceback.

Parameters FastAPI cannot decode (non-exploded or delimited arrays, objects,
``deepObject``, ``label``/``matrix`` path segments) are read by a
:class:`StyledParameter` dependency, and a request body offered in several media types
by a :class:`BodyReader`; both validate into typed values and document themselves
through the route's ``openapi_extra``. :func:`install_openapi` makes ``app.openapi()``
list every documented status with all its media types (``CONTENT_KEY``), and
:attr:`Route.media_types` makes a status answer with its documented media type.

Security is declared per operation with :meth:`Binder.requires` (the generated routes'
one-dependency marker), :meth:`Binder.security` or :meth:`Binder.security_any` (for
alternatives), which all register the spec's scheme in ``app.openapi()`` and enforce it
at request time through the user's :data:`Authenticator`. :func:`install_error_handlers`
gives request-validation and HTTP errors the same JSON shape.

Error body shapes (all ``application/json``)::

    401/403/500/501 and ApiError  {"detail": ..., "operation_id": "op" | null, ...}
    403 (scopes)                  {..., "missing_scopes": ["scope", ...]}
    415 (BodyReader)              {"detail": "unsupported media type ...", "operation_id": ...}
    422 (request validation)      {"detail": [{"loc", "msg", "type", ...}], "fields": ["query.limit"],
                                   "operation_id": ...}   (documented as ValidationErrorBody;
                                   a ValidationErrorHook may answer the spec's own 422 body)

What a handler may return
-------------------------
* a pydantic model, ``RootModel``, or list/dict/scalar (JSON-encoded with
  ``by_alias=True, exclude_unset=True``), ``str`` (raw text for non-JSON media types),
  ``bytes`` (raw body) or ``None`` (empty body) -> the route's default status;
* a status wrapper such as ``Created(model, headers={...})`` or ``WithStatus(418, body)``
  -> that status;
* any Starlette ``Response`` (e.g. ``StreamingResponse``) -> passed through untouched.
"""

import inspect
import json
import logging
from base64 import b64decode
from binascii import Error as BinasciiError
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from http import HTTPStatus
from typing import (
    Annotated,
    Any,
    ClassVar,
    Final,
    Generic,
    Literal,
    Protocol,
    TypeVar,
    overload,
    runtime_checkable,
)

from fastapi import FastAPI, HTTPException, Request, Security
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.security import (
    APIKeyCookie,
    APIKeyHeader,
    APIKeyQuery,
    HTTPBasic,
    HTTPBearer,
    OAuth2,
    OpenIdConnect,
)
from fastapi.security.base import SecurityBase
from pydantic import BaseModel, TypeAdapter, ValidationError
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import HTTPConnection
from starlette.responses import Response
from starlette.routing import Router

__all__ = [
    "API_KEY_COOKIE",
    "API_KEY_HEADER",
    "API_KEY_QUERY",
    "BASIC",
    "BEARER",
    "OAUTH2",
    "OPENID_CONNECT",
    "STATUS_CLASSES",
    "Accepted",
    "ApiError",
    "Authenticator",
    "BadGateway",
    "BadRequest",
    "Binder",
    "BodyReader",
    "Conflict",
    "ContentTooLarge",
    "Created",
    "ExpectationFailed",
    "FailedDependency",
    "Forbidden",
    "Found",
    "GatewayTimeout",
    "Gone",
    "HttpVersionNotSupported",
    "ImATeapot",
    "InternalServerError",
    "LengthRequired",
    "Locked",
    "MethodNotAllowed",
    "MisdirectedRequest",
    "MovedPermanently",
    "MultiStatus",
    "MultipleChoices",
    "NoContent",
    "NonAuthoritativeInformation",
    "NotAcceptable",
    "NotFound",
    "NotImplemented_",
    "NotModified",
    "Ok",
    "OperationMiddleware",
    "PartialContent",
    "PaymentRequired",
    "PermanentRedirect",
    "PreconditionFailed",
    "PreconditionRequired",
    "Principal",
    "RangeNotSatisfiable",
    "RequestContext",
    "RequestHeaderFieldsTooLarge",
    "RequestTimeout",
    "ResetContent",
    "Route",
    "SecurityKind",
    "SecurityRequirement",
    "SeeOther",
    "ServiceUnavailable",
    "SimplePrincipal",
    "StatusResponse",
    "StyledParameter",
    "TemporaryRedirect",
    "TooEarly",
    "TooManyRequests",
    "Unauthorized",
    "UnavailableForLegalReasons",
    "UnprocessableEntity",
    "UnsupportedMediaType",
    "UpgradeRequired",
    "ValidationErrorBody",
    "ValidationErrorHook",
    "ValidationIssue",
    "WithStatus",
    "build_routes",
    "install_error_handlers",
    "install_openapi",
    "routes_openapi",
    "schema_of",
    "to_response",
]

logger = logging.getLogger(__name__)

T_co = TypeVar("T_co", covariant=True)
Impl = TypeVar("Impl")  # a group's implementation (a class satisfying its Protocol)

# --------------------------------------------------------------------------------------
# Principals, context and route metadata
# --------------------------------------------------------------------------------------


@runtime_checkable
class Principal(Protocol):
    """Whoever an :data:`Authenticator` recognised; only ``scopes`` is required."""

    @property
    def scopes(self) -> Collection[str]:
        """Scopes (or roles) granted to the principal, checked against the operation's."""
        ...


@dataclass(frozen=True, slots=True)
class SimplePrincipal:
    """A ready-made :class:`Principal`: a subject identifier plus its granted scopes."""

    subject: str
    scopes: frozenset[str] = frozenset()


Authenticator = Callable[[str], "Principal | None | Awaitable[Principal | None]"]
"""Turns a credential into a principal, or ``None`` when the credential is invalid.

It receives the bearer token (``BEARER``/``OAUTH2``/``OPENID_CONNECT``), the API key
(``API_KEY_*``) or the decoded ``"username:password"`` (``BASIC``). It may be sync or
async; a sync authenticator runs on the event loop, so it must not block. It is
scheme-blind: one hook serves every scheme of the API.
"""


@dataclass(frozen=True, slots=True)
class RequestContext:
    """Passed as ``context=`` to every implementation method and to every middleware.

    :param operation_id: the spec's operationId of the operation being served.
    :param request: the raw Starlette request (headers, client address, ``request.state``).
    :param principal: the authenticated principal, or ``None`` for unsecured operations.
    """

    operation_id: str
    request: Request
    principal: Principal | None


@dataclass(frozen=True, slots=True)
class Route:
    """Static facts about one operation, supplied by the generated route function.

    :param operation_id: the spec's operationId.
    :param status_code: the status used when the handler returns a plain value.
    :param media_type: media type of the default success response; ``None`` = no body.
    :param media_types: the media type of other documented statuses where it differs
        (``{"404": "application/problem+json", "4XX": ...}``): a status wrapper without
        its own ``media_type`` answers with it.
    """

    operation_id: str
    status_code: int
    media_type: str | None = "application/json"
    media_types: Mapping[str, str] | None = None

    def media_type_for(self, status_code: int) -> str | None:
        """The documented media type of ``status_code``: exact, then range (``4XX``), then default."""
        if self.media_types:
            for key in (str(status_code), f"{status_code // 100}XX", "default"):
                if key in self.media_types:
                    return self.media_types[key]
        return self.media_type


OperationMiddleware = Callable[[RequestContext, Callable[[], Awaitable[Any]]], Awaitable[Any]]
"""``async def mw(context, call_next) -> result``.

Middleware run in the order given, outermost first, around the implementation call.
``await call_next()`` returns the handler's raw result (a model, a status wrapper, ...);
a middleware may transform it, return its own value or ``Response`` without calling
``call_next`` (short-circuit), or catch exceptions raised below it (a pluggable error
handler). Whatever the outermost middleware returns goes through :func:`to_response`.
"""

# --------------------------------------------------------------------------------------
# Status wrappers
# --------------------------------------------------------------------------------------


class _Reply(Generic[T_co]):
    """Shared storage of :class:`StatusResponse` and :class:`WithStatus` (body, headers)."""

    __slots__ = ("_body", "_headers", "_media_type")

    def __init__(
        self, body: T_co, headers: Mapping[str, str] | None, media_type: str | None
    ) -> None:
        self._body = body
        self._headers = headers
        self._media_type = media_type

    @property
    def body(self) -> T_co:
        """The response body (``None`` for an empty body)."""
        return self._body

    @property
    def headers(self) -> Mapping[str, str] | None:
        """Extra response headers, if any."""
        return self._headers

    @property
    def media_type(self) -> str | None:
        """Media type overriding the route's default one, if given."""
        return self._media_type

    def _status(self) -> int:
        raise NotImplementedError

    def _key(self) -> tuple[object, ...]:
        return (type(self), self._status(), self._body, self._headers, self._media_type)

    def __eq__(self, other: object) -> bool:
        """Equal when class, status, body, headers and media type are (handy in tests)."""
        return isinstance(other, _Reply) and self._key() == other._key()

    __hash__ = None  # type: ignore[assignment]  # mutable bodies: unhashable like a list

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self._status()}, body={self._body!r})"


class StatusResponse(_Reply[T_co]):
    """Base of the fixed-status wrappers: ``return Created(dashboard, headers={...})``.

    Each subclass fixes ``status_code``; ``body`` defaults to ``None`` (empty body), and
    ``media_type`` overrides the route's default for this response (for example
    ``application/problem+json`` on an error status).
    """

    __slots__ = ()
    status_code: ClassVar[int]

    @overload
    def __init__(
        self: "StatusResponse[None]",
        *,
        headers: Mapping[str, str] | None = None,
        media_type: str | None = None,
    ) -> None: ...

    @overload
    def __init__(
        self,
        body: T_co,
        *,
        headers: Mapping[str, str] | None = None,
        media_type: str | None = None,
    ) -> None: ...

    def __init__(
        self,
        body: Any = None,
        *,
        headers: Mapping[str, str] | None = None,
        media_type: str | None = None,
    ) -> None:
        super().__init__(body, headers, media_type)

    def _status(self) -> int:
        return self.status_code


class WithStatus(_Reply[T_co]):
    """A response with an explicit status code, for codes without a named class.

    Use it for spec ranges (``4XX``) and ``default`` responses: ``WithStatus(418, body)``.
    (Not ``Status``: specs often have a schema of that name.)
    """

    __slots__ = ("_code",)

    @overload
    def __init__(
        self: "WithStatus[None]",
        status_code: int,
        *,
        headers: Mapping[str, str] | None = None,
        media_type: str | None = None,
    ) -> None: ...

    @overload
    def __init__(
        self,
        status_code: int,
        body: T_co,
        *,
        headers: Mapping[str, str] | None = None,
        media_type: str | None = None,
    ) -> None: ...

    def __init__(
        self,
        status_code: int,
        body: Any = None,
        *,
        headers: Mapping[str, str] | None = None,
        media_type: str | None = None,
    ) -> None:
        if not 100 <= status_code <= 599:
            raise ValueError(f"HTTP status code out of range: {status_code}")
        super().__init__(body, headers, media_type)
        self._code = status_code

    @property
    def status_code(self) -> int:
        """The HTTP status code given at construction."""
        return self._code

    def _status(self) -> int:
        return self._code


# --------------------------------------------------------------------------------------
# Result -> Response
# --------------------------------------------------------------------------------------

_ANY: Final = TypeAdapter(Any)
_NO_BODY_STATUSES: Final = frozenset({204, 205, 304})


@lru_cache(maxsize=256)
def _is_json(media_type: str | None) -> bool:
    """True for ``application/json``, ``*/*+json`` and ``None``/``*/*`` (JSON by default)."""
    if media_type is None:
        return True
    essence = media_type.split(";", 1)[0].strip().lower()
    return essence in ("application/json", "*/*") or essence.endswith("+json")


def _json_bytes(value: object) -> bytes:
    """Serialise ``value`` to JSON with aliases, omitting fields that were never set."""
    if isinstance(value, BaseModel):  # the common case: one call into pydantic-core
        return value.__pydantic_serializer__.to_json(value, by_alias=True, exclude_unset=True)
    return _ANY.dump_json(value, by_alias=True, exclude_unset=True)


def _concrete(media_type: str | None, fallback: str) -> str:
    """``media_type`` unless it is missing or a range such as ``*/*`` or ``image/*``."""
    return media_type if media_type and "*" not in media_type else fallback


def _render(
    body: object, status_code: int, media_type: str | None, headers: Mapping[str, str] | None
) -> Response:
    if body is None or status_code in _NO_BODY_STATUSES or status_code < 200:
        return Response(status_code=status_code, headers=headers)
    if isinstance(body, (bytes, bytearray, memoryview)):
        raw_type = _concrete(media_type, "application/octet-stream")
        return Response(bytes(body), status_code, headers, raw_type)
    if _is_json(media_type):
        json_type = _concrete(media_type, "application/json")
        return Response(_json_bytes(body), status_code, headers, json_type)
    if isinstance(body, str):
        return Response(body, status_code, headers, _concrete(media_type, "text/plain"))
    # A structured value on a non-JSON media type: JSON is the only encoding we know.
    return Response(_json_bytes(body), status_code, headers, "application/json")


def to_response(result: object, route: Route) -> Response:
    """Convert a handler's result into a Starlette ``Response``.

    Rules, in order:

    * a ``Response`` is returned as is;
    * a :class:`StatusResponse`/:class:`WithStatus` supplies status, body, headers and,
      optionally, the media type; anything else uses ``route.status_code``;
    * ``None`` and the no-body statuses (1xx, 204, 205, 304) give an empty body with no
      ``content-type`` (a body returned with such a status is dropped);
    * ``bytes`` are sent raw as the media type (``application/octet-stream`` if none);
    * for JSON media types (``application/json``, ``*+json``, or none given) the body is
      serialised by pydantic with ``by_alias=True, exclude_unset=True``, so a field never
      set stays absent while an explicit ``None`` becomes ``null``; models nested in
      lists and dicts get the same treatment;
    * a ``str`` on a non-JSON media type (``text/plain``, ``text/csv``...) is sent as text.

    Args:
        result: what the implementation (or the middleware chain) returned.
        route: the operation's default status and media type.
    """
    if isinstance(result, Response):
        return result
    if isinstance(result, _Reply):
        status_code = result._status()
        media_type = result.media_type or route.media_type_for(status_code)
        return _render(result.body, status_code, media_type, result.headers)
    return _render(result, route.status_code, route.media_type, None)


# --------------------------------------------------------------------------------------
# Parameters FastAPI cannot decode (styles, objects, names shared with a path parameter)
# --------------------------------------------------------------------------------------

_ABSENT: Final = object()
_DELIMITERS: Final = {"form": ",", "simple": ",", "spaceDelimited": " ", "pipeDelimited": "|"}


class StyledParameter:
    """A FastAPI dependency that reads one parameter by its OpenAPI ``style``/``explode``.

    FastAPI decodes scalars and exploded query arrays itself; everything else (a
    comma-separated ``explode: false`` array, a ``deepObject``, a ``label`` or
    ``matrix`` path segment, an object in a header...) goes through one of these,
    declared once per parameter by the generated ``app.py``::

        _TAGS = StyledParameter(list[str], "query", "tags", style="form", explode=False)

        async def route(tags: Annotated[list[str] | None, Depends(_TAGS)] = None): ...

    The raw text is split as the style says and validated with pydantic against
    ``type_``, so the implementation receives a typed value; a bad or missing value
    answers 422 naming ``<location>.<name>`` like any other parameter. FastAPI
    cannot describe a style, so the route documents the parameter itself:
    ``openapi_extra={"parameters": [_TAGS.openapi]}`` with the schema pydantic
    derives from ``type_`` (the one it validates against).

    :param type_: the decoded type (``list[int]``, a model, an enum...).
    :param location: ``path``, ``query``, ``header`` or ``cookie``.
    :param name: the parameter's name on the wire.
    :param style: the OpenAPI style (``form``, ``simple``, ``label``, ``matrix``,
        ``spaceDelimited``, ``pipeDelimited``, ``deepObject``).
    :param explode: the OpenAPI explode flag.
    :param required: answer 422 when the parameter is absent.
    :param default: a JSON value used when the parameter is absent (validated too).
    :param reserved: the operation's other query parameters, which an exploded ``form``
        object without declared properties does not collect.
    """

    def __init__(
        self,
        type_: Any,
        location: Literal["path", "query", "header", "cookie"],
        name: str,
        *,
        style: str,
        explode: bool,
        required: bool = False,
        default: Any = _ABSENT,
        description: str = "",
        deprecated: bool = False,
        reserved: Collection[str] = (),
    ) -> None:
        self._adapter: TypeAdapter[Any] = TypeAdapter(type_)
        self._location = location
        self._name = name
        self._style = style
        self._explode = explode
        self._required = required
        self._default = default
        self._reserved = frozenset(reserved)
        schema = _inline_refs(self._adapter.json_schema(mode="validation"))
        if default is not _ABSENT:
            schema["default"] = default
        self._shape = _shape(schema)
        self._properties = tuple(schema.get("properties") or ())
        self.openapi: dict[str, Any] = {
            "name": name,
            "in": location,
            "required": required,
            "style": style,
            "explode": explode,
            "schema": schema,
        }
        if description:
            self.openapi["description"] = description
        if deprecated:
            self.openapi["deprecated"] = True

    async def __call__(self, request: Request) -> Any:
        """Read, split and validate the parameter from ``request``."""
        raw = self._read(request)
        if raw is _ABSENT:
            if self._default is not _ABSENT:
                raw = self._default
            elif self._required:
                missing = {
                    "type": "missing",
                    "loc": (self._location, self._name),
                    "msg": "Field required",
                }
                raise RequestValidationError([{**missing, "input": None}])
            else:
                return None
        try:
            return self._adapter.validate_python(raw)
        except ValidationError as error:
            where = (self._location, self._name)
            errors = [{**e, "loc": (*where, *e["loc"])} for e in error.errors(include_url=False)]
            raise RequestValidationError(errors) from None

    def _read(self, request: Request) -> Any:
        if self._location == "query":
            return self._from_query(request)
        if self._location == "header":
            values = request.headers.getlist(self._name)
            return self._split_text(",".join(values), ",") if values else _ABSENT
        if self._location == "cookie":
            text = request.cookies.get(self._name)
            return _ABSENT if text is None else self._split_text(text, ",")
        text = request.path_params.get(self._name)
        return _ABSENT if not isinstance(text, str) else self._from_path(text)

    def _from_query(self, request: Request) -> Any:
        query = request.query_params
        if self._style == "deepObject":
            prefix = self._name + "["
            found = {
                k[len(prefix) : -1]: v
                for k, v in query.multi_items()
                if k.startswith(prefix) and k.endswith("]")
            }
            return found or _ABSENT
        if self._shape == "object" and self._explode:
            keys = self._properties or [k for k in query if k not in self._reserved]
            found = {k: query[k] for k in keys if k in query}
            return found or _ABSENT
        values = query.getlist(self._name)
        if not values:
            return _ABSENT
        if self._shape == "array" and self._explode:
            return values
        return self._split_text(values[-1], _DELIMITERS.get(self._style, ","))

    def _from_path(self, text: str) -> Any:
        if self._style == "label":
            text = text.removeprefix(".")
            return self._split_text(text, "." if self._explode else ",")
        if self._style == "matrix":
            parts = [p for p in text.split(";") if p]
            if self._shape == "object" and self._explode:
                return dict(_pair(p) for p in parts)
            values = [p.partition("=")[2] for p in parts if p.partition("=")[0] == self._name]
            if self._shape == "array" and self._explode:
                return values
            return self._split_text(values[-1] if values else "", ",")
        return self._split_text(text, ",")

    def _split_text(self, text: str, delimiter: str) -> Any:
        """One value, a list or an object from ``text``, as the parameter's shape says."""
        if self._shape == "scalar":
            return text
        parts = (
            [p.strip() if delimiter == "," else p for p in text.split(delimiter)] if text else []
        )
        if self._shape == "array":
            return parts
        if self._explode:  # k=v<sep>k=v
            return dict(_pair(p) for p in parts if p)
        return dict(zip(parts[0::2], parts[1::2]))  # k,v,k,v


class BodyReader:
    """A FastAPI dependency reading a request body offered in several media types.

    The request's ``Content-Type`` picks the entry of ``types`` (exactly, or through a
    range such as ``image/*``); a media type the operation does not list answers 415.
    JSON is validated into the entry's type, form and multipart fields are collected
    (files as ``bytes``; a urlencoded body's nested fields as its ``encoding`` says, see
    ``_forms.py``) and validated, ``str`` entries get the decoded text and
    ``bytes`` entries the raw body. A validation failure answers 422 naming
    ``body.<field>``. The route documents the body with :attr:`openapi`
    (``openapi_extra={"requestBody": reader.openapi}``).

    :param types: media type -> the type its body is validated into.
    :param required: answer 422 for an empty body (else the implementation gets ``None``).
    :param encoding: the urlencoded body's Encoding Object, ``(field, style, explode)``.
    """

    def __init__(
        self,
        types: Mapping[str, Any],
        *,
        required: bool = False,
        encoding: Sequence[tuple[str, str, bool]] = (),
    ) -> None:
        self._entries = [
            (media.split(";", 1)[0].strip().lower(), type_) for media, type_ in types.items()
        ]
        self._adapters: dict[str, TypeAdapter[Any]] = {}
        self._lists: dict[str, frozenset[str]] = {}
        self._objects: dict[str, frozenset[str]] = {}
        self._declared: dict[str, frozenset[str]] = {}
        self._encoding = {name: (style, explode) for name, style, explode in encoding}
        content: dict[str, Any] = {}
        for media, type_ in types.items():
            essence = media.split(";", 1)[0].strip().lower()
            if type_ is bytes:
                schema: dict[str, Any] = {"type": "string", "format": "binary"}
            elif type_ is str:
                schema = {"type": "string"}
            else:
                self._adapters[essence] = TypeAdapter(type_)
                schema = _inline_refs(self._adapters[essence].json_schema(mode="validation"))
                self._lists[essence] = frozenset(_properties_of_type(schema, "array"))
                self._objects[essence] = frozenset(_properties_of_type(schema, "object"))
                self._declared[essence] = frozenset(schema.get("properties") or ())
            content[media] = {"schema": schema}
        self._required = required
        self.openapi: dict[str, Any] = {"required": required, "content": content}

    async def __call__(self, request: Request) -> Any:
        """Read, decode and validate the body of ``request``."""
        raw = await request.body()
        if not raw:
            if not self._required:
                return None
            missing = {"type": "missing", "loc": ("body",), "msg": "Field required", "input": None}
            raise RequestValidationError([missing])
        content_type = request.headers.get("content-type", "")
        essence = content_type.split(";", 1)[0].strip().lower()
        match = next((e for e in self._entries if _media_matches(e[0], essence)), None)
        if match is None:
            accepted = ", ".join(media for media, _ in self._entries)
            raise ApiError(
                415, f"unsupported media type {essence or '(none)'}; expected one of {accepted}"
            )
        media, type_ = match
        if type_ is bytes:
            return raw
        if type_ is str:
            _, _, charset = content_type.partition("charset=")
            return raw.decode(charset.split(";")[0].strip() or "utf-8", errors="replace")
        adapter = self._adapters[media]
        try:
            if essence == "application/x-www-form-urlencoded":
                # Its own module (see _forms.py), imported on first use.
                from ._forms import decode_urlencoded

                fields = decode_urlencoded(
                    raw,
                    self._encoding,
                    self._lists[media],
                    self._objects[media],
                    self._declared[media],
                )
                return adapter.validate_python(fields)
            if essence.startswith("multipart/"):
                fields = await self._fields(request, self._lists[media])
                if essence.startswith("multipart/"):  # an object part is JSON by default
                    fields = {
                        k: _json_part(v) if k in self._objects[media] else v
                        for k, v in fields.items()
                    }
                return adapter.validate_python(fields)
            return adapter.validate_json(raw)
        except ValidationError as error:
            errors = [{**e, "loc": ("body", *e["loc"])} for e in error.errors(include_url=False)]
            raise RequestValidationError(errors) from None

    @staticmethod
    async def _fields(request: Request, lists: Collection[str]) -> dict[str, Any]:
        form = await request.form()
        fields: dict[str, Any] = {}
        for key in dict.fromkeys(form.keys()):
            values = [
                await value.read() if isinstance(value, UploadFile) else value
                for value in form.getlist(key)
            ]
            fields[key] = values if key in lists or len(values) > 1 else values[0]
        return fields


def _media_matches(listed: str, essence: str) -> bool:
    """True when the request's media type ``essence`` is ``listed`` or within its range."""
    if listed in (essence, "*/*"):
        return True
    return listed.endswith("/*") and essence.startswith(listed[:-1])


def _properties_of_type(schema: Mapping[str, Any], kind: str) -> list[str]:
    """Properties of an object schema that hold ``kind`` (``array``: one form value per item;
    ``object``: a JSON multipart part)."""
    found = []
    for name, prop in (schema.get("properties") or {}).items():
        members = [prop, *prop.get("anyOf", [])] if isinstance(prop, dict) else []
        if any(isinstance(m, dict) and m.get("type") == kind for m in members):
            found.append(name)
    return found


def _json_part(value: Any) -> Any:
    """A multipart part holding an object: its JSON text (or bytes) decoded; anything else as is."""
    try:
        return json.loads(value) if isinstance(value, (str, bytes)) else value
    except ValueError:
        return value  # pydantic reports it against the field


def _pair(text: str) -> tuple[str, str]:
    key, _, value = text.partition("=")
    return key, value


def _shape(schema: Mapping[str, Any]) -> Literal["scalar", "array", "object"]:
    kind = schema.get("type")
    if kind == "array":
        return "array"
    if kind == "object" or "properties" in schema or "additionalProperties" in schema:
        return "object"
    return "scalar"


def _inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with its ``$defs`` references replaced by the definitions (recursion stops at ``{}``)."""
    definitions: Mapping[str, Any] = schema.pop("$defs", {})

    def resolve(node: Any, seen: frozenset[str]) -> Any:
        if isinstance(node, list):
            return [resolve(item, seen) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            key = ref.removeprefix("#/$defs/")
            if key in seen or key not in definitions:
                return {}
            siblings = {k: v for k, v in node.items() if k != "$ref"}
            return resolve({**definitions[key], **siblings}, seen | {key})
        return {k: resolve(v, seen) for k, v in node.items()}

    resolved: dict[str, Any] = resolve(schema, frozenset())
    return resolved


# --------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------


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


def _validation_body(request: Request, exc: RequestValidationError) -> dict[str, Any]:
    errors = jsonable_encoder(exc.errors())
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


# --------------------------------------------------------------------------------------
# The OpenAPI document
# --------------------------------------------------------------------------------------

CONTENT_KEY: Final = "x-apiforge-content"
"""The ``openapi_extra`` key of a route listing its documented responses and media types.

``{status: {media type: schema}}``, where a schema is ``True`` for the schema FastAPI
derived from the status's ``model``, a JSON schema (:func:`schema_of` another model of
the same status), or ``False`` for no schema (FastAPI drops ``None`` values).
FastAPI documents a response's model under one media type only, and always documents
the route's own status; :func:`install_openapi` rewrites each response to the media
types listed here and drops statuses not listed (the ``200`` FastAPI adds to a route
whose spec documents only ``2XX`` or ``default``, which that range already covers).
"""


SECURITY_KEY: Final = "x-apiforge-security"
"""The ``openapi_extra`` key of a route guarded by :meth:`Binder.requires_any`: the spec's
``security`` list as written (FastAPI would document each scheme as an alternative of its own).
"""


def schema_of(type_: Any) -> dict[str, Any]:
    """The JSON schema of ``type_`` as a response serializes it, with no ``$ref`` left."""
    return _inline_refs(TypeAdapter(type_).json_schema(mode="serialization"))


SPEC_FILE: Final = "openapi.json"  # the spec the package was generated from, beside this module


def install_openapi(app: FastAPI) -> None:
    """Make ``app.openapi()`` (and ``/openapi.json``, ``/docs``) serve the spec this package
    was generated from, read from ``openapi.json`` on the first call and kept.

    Without that file (the runtime used on its own), it serves :func:`routes_openapi`.
    Either way the document is built once: later calls return the same dict.
    """

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _spec_document() or routes_openapi(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _spec_document() -> dict[str, Any] | None:
    from importlib.resources import files

    if not __package__:
        return None
    spec = files(__package__).joinpath(SPEC_FILE)
    if not spec.is_file():
        return None
    document: dict[str, Any] = json.loads(spec.read_text(encoding="utf-8"))
    return document


def routes_openapi(app: FastAPI) -> dict[str, Any]:
    """The document FastAPI derives from the app's routes (what ``app.openapi()`` would be
    without :func:`install_openapi`), with every route's responses as its
    ``x-apiforge-content`` lists them and its security as written in the spec. Built anew on every
    call; ``app.openapi()`` is unchanged.
    """
    build_routes(app.router)
    kept = app.openapi_schema
    app.openapi_schema = None
    try:
        document = FastAPI.openapi(app)
    finally:
        app.openapi_schema = kept
    for item in (document.get("paths") or {}).values():
        for operation in item.values():
            if isinstance(operation, dict) and CONTENT_KEY in operation:
                _document_content(operation, operation.pop(CONTENT_KEY))
            if isinstance(operation, dict) and SECURITY_KEY in operation:
                operation["security"] = operation.pop(SECURITY_KEY)
    return document


def build_routes(router: Router) -> None:
    """Build every route of ``router`` now: each placeholder that builds its route on first
    use (one offering ``materialize()``, as ``create_app`` puts on the app) is replaced by
    its real route."""
    routes = router.routes
    for index, route in enumerate(routes):
        materialize = getattr(type(route), "materialize", None)
        if materialize is not None:
            routes[index] = materialize(route)


def _document_content(operation: dict[str, Any], listed: Mapping[str, Mapping[str, Any]]) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    for status in [status for status in responses if status not in listed]:
        del responses[status]
    for status, media_types in listed.items():
        entry = responses.setdefault(status, {"description": status})
        derived = next((c.get("schema") for c in (entry.get("content") or {}).values()), None)
        content: dict[str, Any] = {}
        for media_type, schema in media_types.items():
            if schema is True:
                content[media_type] = {"schema": derived} if derived is not None else {}
            else:
                content[media_type] = {"schema": schema} if schema is not False else {}
        if content:
            entry["content"] = content
        else:
            entry.pop("content", None)


# --------------------------------------------------------------------------------------
# Security
# --------------------------------------------------------------------------------------

SecurityKind = Literal[
    "bearer", "api_key_header", "api_key_query", "api_key_cookie", "basic", "oauth2", "openid"
]
"""How a credential travels; one constant per spec ``securitySchemes`` type."""

BEARER: Final = "bearer"
"""``type: http, scheme: bearer``: ``Authorization: Bearer <token>``."""
API_KEY_HEADER: Final = "api_key_header"
"""``type: apiKey, in: header`` (``param_name`` is the header name)."""
API_KEY_QUERY: Final = "api_key_query"
"""``type: apiKey, in: query`` (``param_name`` is the query parameter)."""
API_KEY_COOKIE: Final = "api_key_cookie"
"""``type: apiKey, in: cookie`` (``param_name`` is the cookie name)."""
BASIC: Final = "basic"
"""``type: http, scheme: basic``; the authenticator gets ``"username:password"``."""
OAUTH2: Final = "oauth2"
"""``type: oauth2``: a bearer token; pass ``flows`` to document them."""
OPENID_CONNECT: Final = "openid"
"""``type: openIdConnect``: a bearer token; pass ``openid_connect_url``."""

_BEARER_LIKE: Final = frozenset({BEARER, OAUTH2, OPENID_CONNECT})
_MALFORMED: Final = object()


@dataclass(frozen=True)
class SecurityRequirement:
    """One scheme of an operation's ``security`` list, with the scopes it requires.

    :param kind: one of the kind constants (``BEARER``, ``API_KEY_HEADER``...).
    :param scheme_name: the key under ``components/securitySchemes`` in the spec.
    :param scopes: scopes the principal must all hold.
    :param param_name: header/query/cookie name; required for the ``API_KEY_*`` kinds.
    :param description: the scheme's description, shown in ``app.openapi()``.
    :param bearer_format: ``bearerFormat`` of a ``BEARER`` scheme (e.g. ``JWT``).
    :param flows: the ``flows`` object of an ``OAUTH2`` scheme.
    :param openid_connect_url: the ``openIdConnectUrl`` of an ``OPENID_CONNECT`` scheme.
    """

    kind: SecurityKind
    scheme_name: str
    scopes: Sequence[str] = ()
    param_name: str | None = None
    description: str | None = None
    bearer_format: str | None = None
    flows: Mapping[str, Mapping[str, Any]] | None = None
    openid_connect_url: str | None = None


class _LenientHTTPBasic(HTTPBasic):
    """``HTTPBasic`` that never raises: returns the raw base64 parameter or ``None``.

    FastAPI's own class answers malformed credentials with its own 401 even when
    ``auto_error=False``; decoding here keeps the runtime's error shape.
    """

    async def __call__(self, request: HTTPConnection) -> str | None:  # type: ignore[override]
        scheme, _, param = (request.headers.get("Authorization") or "").partition(" ")
        return param.strip() if scheme.lower() == "basic" else None


def _make_scheme(req: SecurityRequirement) -> Callable[..., Awaitable[Any]]:
    """Build the FastAPI security object that documents ``req``'s scheme."""
    name, description = req.scheme_name, req.description
    if req.kind == BEARER:
        return HTTPBearer(
            scheme_name=name,
            description=description,
            bearerFormat=req.bearer_format,
            auto_error=False,
        )
    if req.kind == BASIC:
        return _LenientHTTPBasic(scheme_name=name, description=description, auto_error=False)
    if req.kind == OAUTH2:
        flows = {key: dict(value) for key, value in (req.flows or {}).items()}
        return OAuth2(flows=flows, scheme_name=name, description=description, auto_error=False)
    if req.kind == OPENID_CONNECT:
        if not req.openid_connect_url:
            raise ValueError(f"security scheme {name!r}: openid_connect_url is required")
        return OpenIdConnect(
            openIdConnectUrl=req.openid_connect_url,
            scheme_name=name,
            description=description,
            auto_error=False,
        )
    if req.kind not in (API_KEY_HEADER, API_KEY_QUERY, API_KEY_COOKIE):
        raise ValueError(f"security scheme {name!r}: unknown kind {req.kind!r}")
    if not req.param_name:
        raise ValueError(f"security scheme {name!r}: param_name is required for {req.kind}")
    key_name = req.param_name
    if req.kind == API_KEY_HEADER:
        return APIKeyHeader(
            name=key_name, scheme_name=name, description=description, auto_error=False
        )
    if req.kind == API_KEY_QUERY:
        return APIKeyQuery(
            name=key_name, scheme_name=name, description=description, auto_error=False
        )
    return APIKeyCookie(name=key_name, scheme_name=name, description=description, auto_error=False)


def _extract(kind: str, raw: Any) -> object:
    """The credential string from what the scheme object returned, ``None`` if absent.

    Returns ``_MALFORMED`` for a credential that is present but unusable.
    """
    if raw is None:
        return None
    if kind == BEARER:  # HTTPAuthorizationCredentials
        token: str = raw.credentials.strip()
        return token or _MALFORMED
    if kind == BASIC:
        try:
            decoded = b64decode(str(raw), validate=True).decode("utf-8")
        except (BinasciiError, ValueError):
            return _MALFORMED
        return decoded if ":" in decoded else _MALFORMED
    if kind in (OAUTH2, OPENID_CONNECT):  # the raw Authorization header value
        scheme, _, token = str(raw).partition(" ")
        if not scheme:
            return None
        token = token.strip()
        return token if scheme.lower() == "bearer" and token else _MALFORMED
    return str(raw) or None  # API keys


def _challenge(kinds: Collection[str], error: str | None = None, scope: str = "") -> str | None:
    """A ``WWW-Authenticate`` value for the bearer/basic kinds involved, if any."""
    challenges: list[str] = []
    if any(kind in _BEARER_LIKE for kind in kinds):
        params = [f'error="{error}"'] if error else []
        if scope:
            params.append(f'scope="{scope}"')
        challenges.append("Bearer" + (" " + ", ".join(params) if params else ""))
    if BASIC in kinds:
        challenges.append("Basic")
    return ", ".join(challenges) or None


def _auth_error(
    status_code: int, detail: str, challenge: str | None, extra: Mapping[str, Any] | None = None
) -> ApiError:
    headers = {"WWW-Authenticate": challenge} if challenge else None
    return ApiError(status_code, detail, headers=headers, extra=extra)


# --------------------------------------------------------------------------------------
# Binder
# --------------------------------------------------------------------------------------


_STUB_CACHE: dict[tuple[type, str], bool] = {}


def _inherited_protocol_stub(cls: type, name: str) -> bool:
    """True when ``cls`` gets method ``name`` from a ``Protocol`` class body (cached).

    A user class that subclasses the generated ``Protocol`` explicitly but forgets a
    method inherits the stub, whose ``...`` body would silently return ``None``.
    """
    key = (cls, name)
    cached = _STUB_CACHE.get(key)
    if cached is None:
        owner = next((klass for klass in cls.__mro__ if name in vars(klass)), None)
        cached = owner is not None and bool(vars(owner).get("_is_protocol", False))
        _STUB_CACHE[key] = cached
    return cached


def _resolve_method(implementation: object, name: str) -> Callable[..., Any] | None:
    if implementation is None:
        return None
    method: object = getattr(implementation, name, None)
    if not callable(method):
        return None
    if name not in getattr(implementation, "__dict__", ()) and _inherited_protocol_stub(
        type(implementation), name
    ):
        return None
    return method


class Binder:
    """Binds user implementations to generated routes; one per ``create_router`` call.

    :param authenticate: turns credentials into principals. When it is ``None``, every
        operation that requires security answers ``401`` (secure by default); operations
        without security are unaffected.
    :param middleware: :data:`OperationMiddleware` run around every implementation call,
        the first one outermost.
    """

    def __init__(
        self,
        *,
        authenticate: Authenticator | None = None,
        middleware: Sequence[OperationMiddleware] = (),
    ) -> None:
        self._authenticate = authenticate
        self._middleware = tuple(middleware)
        self._warned_no_authenticator = False

    # ---- security -------------------------------------------------------------------

    def requires(
        self,
        kind: SecurityKind,
        scheme_name: str,
        scopes: Sequence[str] = (),
        *,
        param_name: str | None = None,
        description: str | None = None,
        bearer_format: str | None = None,
        flows: Mapping[str, Mapping[str, Any]] | None = None,
        openid_connect_url: str | None = None,
    ) -> Any:
        """The ``Security(...)`` marker of a route's principal parameter requiring one scheme.

        Use as ``principal: Annotated[Principal | None, binder.requires(BEARER, "Key",
        ("dashboard:read",))] = None``; parameters are those of :class:`SecurityRequirement`.
        It answers exactly as :meth:`security` does, but FastAPI solves one dependency per
        request (the scheme itself reads the credential and authorizes it) instead of a
        dependency calling the scheme's, and documents the scopes in ``app.openapi()``.
        """
        requirement = SecurityRequirement(
            kind,
            scheme_name,
            tuple(scopes),
            param_name,
            description,
            bearer_format,
            flows,
            openid_connect_url,
        )
        return Security(_Guard(self, requirement), scopes=list(requirement.scopes))

    def security(
        self,
        kind: SecurityKind,
        scheme_name: str,
        scopes: Sequence[str] = (),
        *,
        param_name: str | None = None,
        description: str | None = None,
        bearer_format: str | None = None,
        flows: Mapping[str, Mapping[str, Any]] | None = None,
        openid_connect_url: str | None = None,
    ) -> Callable[..., Awaitable[Principal | None]]:
        """A FastAPI dependency requiring one security scheme; see :meth:`security_any`.

        Use as ``Depends(binder.security(BEARER, "PersonalAPIKeyAuth", ("dashboard:read",)))``.
        Parameters are those of :class:`SecurityRequirement`.
        """
        requirement = SecurityRequirement(
            kind,
            scheme_name,
            tuple(scopes),
            param_name,
            description,
            bearer_format,
            flows,
            openid_connect_url,
        )
        return self.security_any(requirement)

    def security_any(
        self, *requirements: SecurityRequirement, optional: bool = False
    ) -> Callable[..., Awaitable[Principal | None]]:
        """A FastAPI dependency satisfied by any one of ``requirements`` (spec ``security``).

        The dependency declares each scheme (so ``app.openapi()`` lists it under
        ``components/securitySchemes`` by its spec name, with the operation's scopes) and,
        per request, tries the requirements in order whose credential is present:

        * no credential at all -> ``401`` (``None`` when ``optional``, for a spec that
          lists the empty requirement ``{}``); bearer kinds add ``WWW-Authenticate``;
        * malformed credential, no authenticator configured, or the authenticator
          returned ``None`` -> ``401``;
        * a principal lacking required scopes -> ``403`` with ``missing_scopes``;
        * otherwise the first satisfied requirement's principal is returned.

        Requirements that combine several schemes (AND) are not supported; pass one
        :class:`SecurityRequirement` per alternative.
        """
        if not requirements:
            raise ValueError("security_any needs at least one requirement")
        reqs = tuple(requirements)
        kinds = frozenset(req.kind for req in reqs)
        names = [f"credential_{index}" for index in range(len(reqs))]

        async def dependency(**credentials: Any) -> Principal | None:
            extracted = [_extract(req.kind, credentials[name]) for req, name in zip(reqs, names)]
            return await self._authorize(reqs, extracted, kinds, optional)

        # FastAPI reads the dependency's parameters from its signature: one Security(...)
        # per scheme, each documenting the scheme and the scopes in app.openapi().
        parameters = []
        for name, req in zip(names, reqs):
            marker = Security(_make_scheme(req), scopes=list(req.scopes))
            parameters.append(
                inspect.Parameter(
                    name, inspect.Parameter.KEYWORD_ONLY, annotation=Annotated[Any, marker]
                )
            )
        dependency.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
        return dependency

    def requires_any(self, alternatives: Sequence[Sequence[SecurityRequirement]]) -> Any:
        """The ``Security(...)`` marker of a route whose spec lists several ways in.

        A spec's ``security`` is an OR of requirements, each an AND of schemes. A request
        gets in through the first alternative (in spec order) whose every scheme carries a
        credential the authenticator accepts, with that scheme's scopes; the principal is
        the one of that alternative's first scheme. Otherwise it answers ``403`` naming the
        missing scopes when an alternative failed on scopes alone, ``401`` when credentials
        were presented but none let it in, and ``401`` when no credential was presented at
        all (``None``, no principal, when an alternative is empty: the spec's ``{}``). Each scheme is declared once,
        so ``app.openapi()`` lists it under ``components/securitySchemes``; the operation's
        ``security`` is documented from :data:`SECURITY_KEY`.
        """
        schemes: dict[str, SecurityRequirement] = {}
        for alternative in alternatives:
            for req in alternative:
                schemes.setdefault(req.scheme_name, req)
        if not schemes:
            raise ValueError("requires_any needs at least one requirement")
        reqs = [tuple(alternative) for alternative in alternatives if alternative]
        optional = len(reqs) < len(alternatives)
        kinds = frozenset(req.kind for req in schemes.values())
        names = {scheme: f"credential_{index}" for index, scheme in enumerate(schemes)}

        async def dependency(**credentials: Any) -> Principal | None:
            extracted = {
                scheme: _extract(schemes[scheme].kind, credentials[name])
                for scheme, name in names.items()
            }
            return await self._authorize_all(reqs, extracted, kinds, optional)

        parameters = [
            inspect.Parameter(
                name,
                inspect.Parameter.KEYWORD_ONLY,
                annotation=Annotated[Any, Security(_make_scheme(schemes[scheme]))],
            )
            for scheme, name in names.items()
        ]
        dependency.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
        return Security(dependency)

    async def _authorize_all(
        self,
        alternatives: Sequence[Sequence[SecurityRequirement]],
        credentials: Mapping[str, object],
        kinds: Collection[str],
        optional: bool,
    ) -> Principal | None:
        """The principal of the first alternative all of whose schemes are satisfied."""
        presented = False
        missing_scopes: list[str] | None = None
        for alternative in alternatives:
            given = [credentials[req.scheme_name] for req in alternative]
            presented = presented or any(credential is not None for credential in given)
            tokens = [credential for credential in given if isinstance(credential, str)]
            if len(tokens) != len(alternative):
                continue
            principals = [await self._principal_for(token, kinds) for token in tokens]
            accepted = [principal for principal in principals if principal is not None]
            if len(accepted) != len(alternative):
                continue
            missing = [
                scope
                for req, principal in zip(alternative, accepted)
                for scope in req.scopes
                if scope not in principal.scopes
            ]
            if not missing:
                return accepted[0]
            if missing_scopes is None:
                missing_scopes = missing
        self._refuse(presented, missing_scopes, kinds, optional)
        return None

    def _refuse(
        self,
        presented: bool,
        missing_scopes: list[str] | None,
        kinds: Collection[str],
        optional: bool,
    ) -> None:
        """Raise the 403/401 of a request no requirement let in (None: optional and no credential)."""
        if missing_scopes is not None:
            noun = "scope" if len(missing_scopes) == 1 else "scopes"
            detail = f"missing {noun}: {', '.join(missing_scopes)}"
            challenge = _challenge(kinds, "insufficient_scope", " ".join(missing_scopes))
            raise _auth_error(403, detail, challenge, {"missing_scopes": missing_scopes})
        if presented:
            raise _auth_error(401, "invalid credentials", _challenge(kinds, "invalid_token"))
        if not optional:
            raise _auth_error(401, "not authenticated", _challenge(kinds))

    async def _authorize(
        self,
        reqs: Sequence[SecurityRequirement],
        credentials: Sequence[object],
        kinds: Collection[str],
        optional: bool,
    ) -> Principal | None:
        """The principal of the first requirement satisfied by its credential (see :func:`_extract`)."""
        presented = False
        missing_scopes: list[str] | None = None
        for req, credential in zip(reqs, credentials):
            if credential is None:
                continue
            presented = True
            if not isinstance(credential, str):
                continue
            principal = await self._principal_for(credential, kinds)
            if principal is None:
                continue
            missing = [scope for scope in req.scopes if scope not in principal.scopes]
            if not missing:
                return principal
            if missing_scopes is None:
                missing_scopes = missing
        self._refuse(presented, missing_scopes, kinds, optional)
        return None

    async def _principal_for(self, credential: str, kinds: Collection[str]) -> Principal | None:
        if self._authenticate is None:
            if not self._warned_no_authenticator:
                self._warned_no_authenticator = True
                logger.warning("a secured operation was called but no authenticator is set")
            detail = "not authenticated: no authenticator is configured"
            raise _auth_error(401, detail, _challenge(kinds))
        result = self._authenticate(credential)
        if inspect.isawaitable(result):
            result = await result
        return result

    # ---- dispatch -------------------------------------------------------------------

    async def call(
        self,
        route: Route,
        request: Request,
        principal: Principal | None,
        implementation: Impl | None,
        method_name: str,
        invoke: Callable[[Impl, RequestContext], Awaitable[object]],
    ) -> Response:
        """Run one operation and return its response; the body of every generated route.

        ``invoke(implementation, context)`` is the route's typed call of the operation's
        method (``lambda self, context: self.method(..., context=context)``: mypy checks it
        against the group's Protocol). It answers ``501`` when ``implementation`` is
        ``None``, has no callable ``method_name`` (or only inherits the Protocol's stub),
        or the call raises ``NotImplementedError``. Otherwise it runs ``invoke`` inside the
        middleware chain and converts the result with :func:`to_response`. (A sync
        method is tolerated: its result is used as it is.)

        Exceptions: :class:`ApiError` becomes its JSON response; an exception type the app
        has a specific handler for (``HTTPException``, user-registered ones) propagates to
        that handler; anything else is logged and answered ``500`` without details.
        """
        operation_id = route.operation_id
        if implementation is None or _resolve_method(implementation, method_name) is None:
            return _not_implemented(operation_id)
        context = RequestContext(operation_id, request, principal)
        try:
            if self._middleware:
                result = await self._run_chain(context, implementation, invoke)
            else:
                result = invoke(implementation, context)
                if inspect.isawaitable(result):
                    result = await result
            return to_response(result, route)
        except ApiError as exc:
            return exc.to_response(operation_id)
        except NotImplementedError:
            return _not_implemented(operation_id)
        except Exception as exc:
            if _has_app_handler(request, exc):
                raise
            logger.exception("unhandled exception in operation %s", operation_id)
            return _internal_error(operation_id)

    async def _run_chain(
        self,
        context: RequestContext,
        implementation: Impl,
        invoke: Callable[[Impl, RequestContext], Awaitable[object]],
    ) -> Any:
        async def innermost() -> Any:
            result = invoke(implementation, context)
            return await result if inspect.isawaitable(result) else result

        call_next: Callable[[], Awaitable[Any]] = innermost
        for middleware in reversed(self._middleware):
            call_next = _bind(middleware, context, call_next)
        return await call_next()


class _Guard(SecurityBase):
    """One security requirement as a single FastAPI dependency (see :meth:`Binder.requires`).

    FastAPI documents it as the requirement's scheme (it is a ``SecurityBase`` with that
    scheme's model and name); per request it reads the credential through the scheme
    object, a plain call rather than a dependency of its own, and returns the principal.
    A bearer token is read from the ``Authorization`` header directly, as ``HTTPBearer``
    reads it, without building its credentials model.
    """

    def __init__(self, binder: Binder, requirement: SecurityRequirement) -> None:
        self._binder = binder
        self._requirements = (requirement,)
        self._kinds = frozenset({requirement.kind})
        scheme = _make_scheme(requirement)
        self._read: Callable[..., Awaitable[Any]] = scheme
        documented: object = scheme
        assert isinstance(documented, SecurityBase)
        self.model = documented.model
        self.scheme_name = documented.scheme_name

    async def __call__(self, request: HTTPConnection) -> Principal | None:
        """The principal of ``request``'s credential; 401/403 as :meth:`Binder.security_any` says."""
        kind = self._requirements[0].kind
        if kind == BEARER:
            scheme, _, token = (request.headers.get("Authorization") or "").partition(" ")
            token = token.strip()
            credential: object = token if token and scheme.lower() == "bearer" else None
        else:
            credential = _extract(kind, await self._read(request))
        return await self._binder._authorize(self._requirements, (credential,), self._kinds, False)


def _bind(
    middleware: OperationMiddleware,
    context: RequestContext,
    call_next: Callable[[], Awaitable[Any]],
) -> Callable[[], Awaitable[Any]]:
    async def step() -> Any:
        return await middleware(context, call_next)

    return step


# --------------------------------------------------------------------------------------
# Named status classes (the generator maps spec status codes through STATUS_CLASSES)
# --------------------------------------------------------------------------------------
# fmt: off
class Ok(StatusResponse[T_co]):
    """200 OK."""
    status_code = 200
class Created(StatusResponse[T_co]):
    """201 Created."""
    status_code = 201
class Accepted(StatusResponse[T_co]):
    """202 Accepted."""
    status_code = 202
class NonAuthoritativeInformation(StatusResponse[T_co]):
    """203 Non-Authoritative Information."""
    status_code = 203
class NoContent(StatusResponse[T_co]):
    """204 No Content (any body is dropped)."""
    status_code = 204
class ResetContent(StatusResponse[T_co]):
    """205 Reset Content (any body is dropped)."""
    status_code = 205
class PartialContent(StatusResponse[T_co]):
    """206 Partial Content."""
    status_code = 206
class MultiStatus(StatusResponse[T_co]):
    """207 Multi-Status."""
    status_code = 207
class MultipleChoices(StatusResponse[T_co]):
    """300 Multiple Choices."""
    status_code = 300
class MovedPermanently(StatusResponse[T_co]):
    """301 Moved Permanently (set ``Location`` in ``headers``)."""
    status_code = 301
class Found(StatusResponse[T_co]):
    """302 Found (set ``Location`` in ``headers``)."""
    status_code = 302
class SeeOther(StatusResponse[T_co]):
    """303 See Other (set ``Location`` in ``headers``)."""
    status_code = 303
class NotModified(StatusResponse[T_co]):
    """304 Not Modified (any body is dropped)."""
    status_code = 304
class TemporaryRedirect(StatusResponse[T_co]):
    """307 Temporary Redirect (set ``Location`` in ``headers``)."""
    status_code = 307
class PermanentRedirect(StatusResponse[T_co]):
    """308 Permanent Redirect (set ``Location`` in ``headers``)."""
    status_code = 308
class BadRequest(StatusResponse[T_co]):
    """400 Bad Request."""
    status_code = 400
class Unauthorized(StatusResponse[T_co]):
    """401 Unauthorized."""
    status_code = 401
class PaymentRequired(StatusResponse[T_co]):
    """402 Payment Required."""
    status_code = 402
class Forbidden(StatusResponse[T_co]):
    """403 Forbidden."""
    status_code = 403
class NotFound(StatusResponse[T_co]):
    """404 Not Found."""
    status_code = 404
class MethodNotAllowed(StatusResponse[T_co]):
    """405 Method Not Allowed."""
    status_code = 405
class NotAcceptable(StatusResponse[T_co]):
    """406 Not Acceptable."""
    status_code = 406
class RequestTimeout(StatusResponse[T_co]):
    """408 Request Timeout."""
    status_code = 408
class Conflict(StatusResponse[T_co]):
    """409 Conflict."""
    status_code = 409
class Gone(StatusResponse[T_co]):
    """410 Gone."""
    status_code = 410
class LengthRequired(StatusResponse[T_co]):
    """411 Length Required."""
    status_code = 411
class PreconditionFailed(StatusResponse[T_co]):
    """412 Precondition Failed."""
    status_code = 412
class ContentTooLarge(StatusResponse[T_co]):
    """413 Content Too Large."""
    status_code = 413
class UnsupportedMediaType(StatusResponse[T_co]):
    """415 Unsupported Media Type."""
    status_code = 415
class RangeNotSatisfiable(StatusResponse[T_co]):
    """416 Range Not Satisfiable."""
    status_code = 416
class ExpectationFailed(StatusResponse[T_co]):
    """417 Expectation Failed."""
    status_code = 417
class ImATeapot(StatusResponse[T_co]):
    """418 I'm a Teapot."""
    status_code = 418
class MisdirectedRequest(StatusResponse[T_co]):
    """421 Misdirected Request."""
    status_code = 421
class UnprocessableEntity(StatusResponse[T_co]):
    """422 Unprocessable Content."""
    status_code = 422
class Locked(StatusResponse[T_co]):
    """423 Locked."""
    status_code = 423
class FailedDependency(StatusResponse[T_co]):
    """424 Failed Dependency."""
    status_code = 424
class TooEarly(StatusResponse[T_co]):
    """425 Too Early."""
    status_code = 425
class UpgradeRequired(StatusResponse[T_co]):
    """426 Upgrade Required."""
    status_code = 426
class PreconditionRequired(StatusResponse[T_co]):
    """428 Precondition Required."""
    status_code = 428
class TooManyRequests(StatusResponse[T_co]):
    """429 Too Many Requests."""
    status_code = 429
class RequestHeaderFieldsTooLarge(StatusResponse[T_co]):
    """431 Request Header Fields Too Large."""
    status_code = 431
class UnavailableForLegalReasons(StatusResponse[T_co]):
    """451 Unavailable For Legal Reasons."""
    status_code = 451
class InternalServerError(StatusResponse[T_co]):
    """500 Internal Server Error."""
    status_code = 500
class NotImplemented_(StatusResponse[T_co]):  # `NotImplemented` is a builtin constant
    """501 Not Implemented."""
    status_code = 501
class BadGateway(StatusResponse[T_co]):
    """502 Bad Gateway."""
    status_code = 502
class ServiceUnavailable(StatusResponse[T_co]):
    """503 Service Unavailable."""
    status_code = 503
class GatewayTimeout(StatusResponse[T_co]):
    """504 Gateway Timeout."""
    status_code = 504
class HttpVersionNotSupported(StatusResponse[T_co]):
    """505 HTTP Version Not Supported."""
    status_code = 505

STATUS_CLASSES: Final[dict[int, type[StatusResponse[Any]]]] = {
    cls.status_code: cls
    for cls in (
        Ok, Created, Accepted, NonAuthoritativeInformation, NoContent, ResetContent,
        PartialContent, MultiStatus, MultipleChoices, MovedPermanently, Found, SeeOther,
        NotModified, TemporaryRedirect, PermanentRedirect, BadRequest, Unauthorized,
        PaymentRequired, Forbidden, NotFound, MethodNotAllowed, NotAcceptable, RequestTimeout,
        Conflict, Gone, LengthRequired, PreconditionFailed, ContentTooLarge,
        UnsupportedMediaType, RangeNotSatisfiable, ExpectationFailed, ImATeapot,
        MisdirectedRequest, UnprocessableEntity, Locked, FailedDependency, TooEarly,
        UpgradeRequired, PreconditionRequired, TooManyRequests, RequestHeaderFieldsTooLarge,
        UnavailableForLegalReasons, InternalServerError, NotImplemented_, BadGateway,
        ServiceUnavailable, GatewayTimeout, HttpVersionNotSupported,
    )
}
"""Status code -> wrapper class, for every code with a named class."""
# fmt: on
