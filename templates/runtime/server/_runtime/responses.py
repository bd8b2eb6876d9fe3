"""Status wrappers a handler returns, and how a handler's result becomes a ``Response``."""

import json
from collections.abc import Mapping
from functools import lru_cache
from typing import (
    Any,
    ClassVar,
    Final,
    Generic,
    TypeVar,
    overload,
)

from pydantic import BaseModel, TypeAdapter, ValidationError
from starlette.responses import Response, StreamingResponse

from .context import Route
from .reply_media import accepts, chunks, concrete, encoded

T_co = TypeVar("T_co", covariant=True)


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

    Each subclass fixes ``status_code``; ``body`` defaults to ``None`` (an empty body,
    for a status that documents none; see :func:`to_response`), and
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


class ResponseMismatch(Exception):
    """A body an implementation returned does not fit the spec's response for its status.

    The binder logs it (the fields at fault, never their values) and answers ``500``:
    sending it would break the API's contract, or leak what the response leaves out
    (a ``writeOnly`` password). ``None`` where the status documents a JSON body that is
    not nullable is such a body too.
    """

    def __init__(self, operation_id: str, status_code: int, error: ValidationError | str) -> None:
        problems = (
            error
            if isinstance(error, str)
            else "; ".join(
                f"{'.'.join(str(part) for part in issue['loc']) or '(body)'}: {issue['msg']}"
                for issue in error.errors(include_url=False, include_input=False)
            )
        )
        super().__init__(
            f"operation {operation_id} returned a body that does not match its documented "
            f"{status_code} response: {problems}"
        )


@lru_cache(maxsize=512)
def _adapter(declared: Any) -> TypeAdapter[Any]:
    return TypeAdapter(declared)


@lru_cache(maxsize=512)
def _admits_null(declared: Any) -> bool:
    """True when the documented body type is nullable: ``None`` is then sent as ``null``."""
    try:
        _adapter(declared).validate_python(None)
    except ValidationError:
        return False
    return True


def _conform(
    body: object, declared: Any, operation_id: str, status_code: int
) -> tuple[object, TypeAdapter[Any] | None]:
    """``body`` validated into the documented type ``declared``, with the adapter that sends it.

    An instance of exactly that class is already valid (the common case costs nothing);
    a dict, an object with the attributes, another model or a subclass instance is read
    into it, so that only the documented fields are sent. Raises :class:`ResponseMismatch`.
    """
    if declared is None or body is None or type(body) is declared:
        return body, None
    if isinstance(body, (bytes, bytearray, memoryview)):
        return body, None
    adapter = _adapter(declared)
    try:
        return adapter.validate_python(body, from_attributes=True), adapter
    except ValidationError as error:
        raise ResponseMismatch(operation_id, status_code, error) from None


def _media_for(
    body: object, status_code: int, media_type: str | None, route: Route, accept: str | None
) -> str | None:
    """``media_type``, or the text type the status documents beside it for a ``str`` that is
    no valid JSON body of that status (a ``Document`` or its ``text/plain`` rendering), when
    the request's ``Accept`` admits it: a caller asking for JSON only (the generated client)
    is never sent text it cannot read (the ``str`` then fails as a JSON body: a logged 500)."""
    if not isinstance(body, str) or route.texts is None or not _is_json(media_type):
        return media_type
    text_type = route.text_type_for(status_code)
    if text_type is None or not accepts(accept, text_type):
        return media_type
    declared = route.body_type_for(status_code) if route.bodies else None
    if declared is not None:
        try:  # strictly, as the JSON text it would be: "on" is no boolean, "42" no integer
            _adapter(declared).validate_json(json.dumps(body), strict=True)
        except ValidationError:
            return text_type
        return media_type  # a JSON string: sent as JSON, as the status's own type says
    return text_type


def _render(
    body: object,
    status_code: int,
    media_type: str | None,
    headers: Mapping[str, str] | None,
    route: Route,
    head: bool,
) -> Response:
    if status_code in _NO_BODY_STATUSES or status_code < 200:
        return Response(status_code=status_code, headers=headers)
    if body is None:
        if head:  # a reply to HEAD has no body to promise (the server sends none anyway)
            return Response(status_code=status_code, headers=headers)
        declared = route.body_type_for(status_code) if route.bodies else None
        if declared is None or not _is_json(media_type):
            return Response(status_code=status_code, headers=headers)
        if not _admits_null(declared):
            raise ResponseMismatch(
                route.operation_id, status_code, "no body (None), but one is documented"
            )
        return Response(b"null", status_code, headers, concrete(media_type, "application/json"))
    if isinstance(body, (bytes, bytearray, memoryview)):
        raw_type = concrete(media_type, "application/octet-stream")
        return Response(bytes(body), status_code, headers, raw_type)
    if callable(getattr(body, "read", None)):  # a file: streamed, unless JSON is documented
        if _is_json(media_type) and route.body_type_for(status_code) is not None:
            problem = f"a file object is no {media_type or 'JSON'} body (name its media type)"
            raise ResponseMismatch(route.operation_id, status_code, problem)
        raw_type = concrete(media_type, "application/octet-stream")
        try:
            streamed = chunks(body, raw_type)
        except ValueError as problem:
            raise ResponseMismatch(route.operation_id, status_code, str(problem)) from None
        return StreamingResponse(streamed, status_code, headers, raw_type)
    if _is_json(media_type):
        json_type = concrete(media_type, "application/json")
        declared = route.body_type_for(status_code) if route.bodies else None
        body, adapter = _conform(body, declared, route.operation_id, status_code)
        content = (
            adapter.dump_json(body, by_alias=True, exclude_unset=True)
            if adapter is not None
            else _json_bytes(body)
        )
        return Response(content, status_code, headers, json_type)
    if isinstance(body, str):
        text_type = concrete(media_type, "text/plain")
        try:
            encoded_text = encoded(body, text_type)
        except ValueError as problem:
            raise ResponseMismatch(route.operation_id, status_code, str(problem)) from None
        return Response(encoded_text, status_code, headers, text_type)
    # A structured value on a non-JSON media type: JSON is the only encoding we know.
    return Response(_json_bytes(body), status_code, headers, "application/json")


def to_response(
    result: object, route: Route, *, head: bool = False, accept: str | None = None
) -> Response:
    """Convert a handler's result into a Starlette ``Response``.

    Rules, in order:

    * a ``Response`` is returned as is;
    * a :class:`StatusResponse`/:class:`WithStatus` supplies status, body, headers and,
      optionally, the media type; anything else uses ``route.status_code``;
    * the no-body statuses (1xx, 204, 205, 304) give an empty body with no
      ``content-type`` (a body returned with such a status is dropped), and so does
      ``None`` for a status that documents no JSON body; ``None`` for a status
      documenting a nullable JSON body is sent as ``null``, and for one documenting a
      JSON body that is not nullable raises :class:`ResponseMismatch` (the spec promises
      a body: the binder answers ``500``);
    * ``bytes`` are sent raw as the media type (``application/octet-stream`` if none),
      and so is a file object (a ``read`` method, or an async one: ``aiofiles``, an
      ``UploadFile``), streamed in chunks, then closed,
      unless its media type is JSON on a status documenting a JSON body: then it raises
      :class:`ResponseMismatch` (``rt.Ok(file, media_type="application/pdf")`` streams);
    * for JSON media types (``application/json``, ``*+json``, or none given) the body is
      first validated into the status's documented type (``route.bodies``) unless it is
      an instance of exactly that class: a dict, another model or a subclass instance
      keeps only the documented fields (a ``writeOnly`` one never leaves), and a body
      that does not fit raises :class:`ResponseMismatch` (the binder answers ``500``).
      It is then serialised by pydantic with ``by_alias=True, exclude_unset=True``, so
      a field never set stays absent while an explicit ``None`` becomes ``null``; models
      nested in lists and dicts get the same treatment;
    * a ``str`` on a non-JSON media type (``text/plain``, ``text/csv``...) is sent as text,
      and so is one for a status documenting a text type beside its JSON one
      (``route.texts``) unless it is a valid JSON body of that status (a JSON string) or
      the request's ``Accept`` does not admit the text type.

    Args:
        result: what the implementation (or the middleware chain) returned.
        route: the operation's default status and media type.
        head: the request is a HEAD: ``None`` is no mismatch (a body returned is still
            conformed, so its headers, ``Content-Length`` included, are those of GET's).
        accept: the request's ``Accept`` header (None: anything).
    """
    if isinstance(result, Response):
        return result
    if isinstance(result, _Reply):
        status_code = result._status()
        media_type = result.media_type or _media_for(
            result.body, status_code, route.media_type_for(status_code), route, accept
        )
        return _render(result.body, status_code, media_type, result.headers, route, head)
    media_type = _media_for(result, route.status_code, route.media_type, route, accept)
    return _render(result, route.status_code, media_type, None, route, head)
