"""Response reading: ``httpx.Response`` -> parsed value or ``APIError`` (pure, no I/O).

Outcome lookup for a status tries the exact code (``"404"``), then its range
(``"4XX"``), then ``"default"`` (for success outcomes, ``default`` only covers 2xx; an
operation documented by ``default`` alone reads its error bodies with it too).

- status >= 400: raise the status class's error; ``parsed`` is filled from
  ``op.errors`` when the body reads, and a body that does not read never hides the
  status error.
- documented success: read per its ``Outcome``; a body that does not decode or
  validate raises ``ResponseValidationError``. A JSON outcome is decoded whatever
  ``Content-Type`` the server sends, except a ``text`` one (a string under ``*/*``):
  a ``text/*`` reply is then the text itself; so is a reply of a text type the status
  documents beside JSON (``Outcome.text_types``).
- undocumented 2xx: if the operation documents exactly one success outcome and the
  body reads with it, return that; otherwise (and for any undocumented 3xx) raise
  ``UnexpectedStatusError``. An ``empty`` outcome reads any body (as None).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import httpx
from pydantic import TypeAdapter, ValidationError

from .errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ResponseValidationError,
    UnexpectedStatusError,
    status_error_class,
)
from .operation import Operation, Outcome

__all__ = [
    "HTTPX_ERRORS",
    "READING_REPLY",
    "connection_error",
    "match_outcome",
    "parse_response",
    "read_outcome",
    "status_error",
    "type_adapter",
]

HTTPX_ERRORS: Final = (httpx.HTTPError, httpx.InvalidURL, httpx.CookieConflict, httpx.StreamError)
"""Every exception httpx raises while building, sending or reading a request."""

_SNIPPET_CHARS: Final = 500

READING_REPLY: Final = {"apiforge_reply": True}
"""The validation context of a server's reply: the models' ``date-time`` reads a
timestamp without an offset (naive) instead of failing the whole reply."""

_ADAPTERS: dict[Any, TypeAdapter[Any]] = {}
# Unhashable types (e.g. Annotated[..., Field(...)]) are keyed by id; the tuple keeps
# the type alive so its id cannot be reused by another object.
_ADAPTERS_BY_ID: dict[int, tuple[Any, TypeAdapter[Any]]] = {}


def type_adapter(tp: Any) -> TypeAdapter[Any]:
    """A cached ``TypeAdapter`` for ``tp`` (building one is far costlier than using it)."""
    try:
        adapter = _ADAPTERS.get(tp)
    except TypeError:
        entry = _ADAPTERS_BY_ID.get(id(tp))
        if entry is None:
            entry = _ADAPTERS_BY_ID[id(tp)] = (tp, TypeAdapter(tp))
        return entry[1]
    if adapter is None:
        adapter = _ADAPTERS[tp] = TypeAdapter(tp)
    return adapter


def match_outcome(
    outcomes: Mapping[str, Outcome], status_code: int, *, default_range: range | None = None
) -> Outcome | None:
    """The outcome for ``status_code``: exact code, then ``"NXX"``, then ``"default"``.

    ``default_range`` limits which statuses ``"default"`` may cover.
    """
    exact = outcomes.get(str(status_code))
    if exact is not None:
        return exact
    family = f"{status_code // 100}XX"
    for key, outcome in outcomes.items():
        if key.upper() == family:
            return outcome
    if default_range is None or status_code in default_range:
        return outcomes.get("default")
    return None


def read_outcome(outcome: Outcome, response: httpx.Response) -> Any:
    """Read the body as ``outcome`` says (a ``RootModel`` it unwraps gives its ``root``).

    Raises:
        ValueError: the body is not JSON, or not valid for ``outcome.type`` (pydantic's
            ``ValidationError`` is a ``ValueError``).
    """
    if outcome.text_types and _is_text_alternative(outcome.text_types, response):
        return response.text
    value = _read(outcome, response)
    if outcome.unwrap == "items":
        return [item.root for item in value]
    if outcome.unwrap == "values":
        return {key: item.root for key, item in value.items()}
    return value.root if outcome.unwrap else value


def _read(outcome: Outcome, response: httpx.Response) -> Any:
    if outcome.kind == "empty":
        return None
    if outcome.kind == "bytes":
        return response.content
    if outcome.kind == "text":
        return response.text
    if outcome.text and _is_text(response):
        text = response.text
        if outcome.type is None or outcome.type is str:
            return text
        return type_adapter(outcome.type).validate_python(text, context=READING_REPLY)
    content = response.content
    if outcome.type is None:
        return response.json() if content else None
    adapter = type_adapter(outcome.type)
    if not content:
        return adapter.validate_python(None, context=READING_REPLY)
    try:
        # Straight from the bytes: about twice as fast as json.loads + validate_python.
        return adapter.validate_json(content, context=READING_REPLY)
    except ValidationError as exc:
        if not _is_invalid_json(exc):
            raise
    # Bytes pydantic's JSON parser rejects: decode them as before (json.loads also reads
    # UTF-16/32, a BOM and lone surrogate escapes), so such bodies read, or fail with
    # json's own error, exactly as they always did.
    return adapter.validate_python(response.json(), context=READING_REPLY)


def parse_response(op: Operation[Any], response: httpx.Response) -> Any:
    """The parsed result of ``op`` for ``response``, or the matching ``APIError``."""
    status = response.status_code
    if status >= 400:
        raise status_error(op, response)
    outcome = match_outcome(op.responses, status, default_range=range(200, 300))
    if outcome is not None:
        try:
            return read_outcome(outcome, response)
        except ValueError as exc:
            raise ResponseValidationError(
                f"{_describe(response)}: the body is not a valid {_type_name(outcome)} "
                f"({exc}){_sent_as(outcome, response)}",
                response=response,
            ) from exc
    if not op.responses and 200 <= status < 300:
        return None  # no response documented (3.1 allows it): typed None, any 2xx is success
    documented = ", ".join(op.responses) or "none"
    message = f"{_describe(response)}: undocumented status (documented: {documented})"
    if 200 <= status < 300 and len(op.responses) == 1:
        (only,) = op.responses.values()
        try:
            return read_outcome(only, response)
        except ValueError as exc:
            raise UnexpectedStatusError(message, response=response) from exc
    raise UnexpectedStatusError(message, response=response)


def status_error(op: Operation[Any], response: httpx.Response) -> APIStatusError:
    """The exception for an error status, with ``parsed`` filled when the body reads."""
    parsed: Any = None
    # A ``default`` among the success outcomes is the operation's only documented reply:
    # it describes every status, errors included.
    outcome = match_outcome(op.errors, response.status_code) or op.responses.get("default")
    if outcome is not None:
        try:
            parsed = read_outcome(outcome, response)
        except Exception:  # noqa: BLE001 - whatever fails here, the status error must win
            parsed = None
    message = _describe(response)
    snippet = _snippet(response)
    if snippet:
        message += f": {snippet}"
    cls = status_error_class(response.status_code)
    return cls(message, response=response, parsed=parsed)


def connection_error(exc: Exception, request: httpx.Request | None) -> APIConnectionError:
    """Map an httpx exception to ``APITimeoutError`` or ``APIConnectionError``.

    The caller raises the result ``from exc`` so the original stays as ``__cause__``.
    """
    where = f" for {request.method} {_redact(request.url)}" if request is not None else ""
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(f"request timed out{where} ({type(exc).__name__})", request=request)
    detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return APIConnectionError(f"request failed{where} ({detail})", request=request)


def _describe(response: httpx.Response) -> str:
    """``"404 Not Found from GET https://host/path"`` (without the query string)."""
    text = f"{response.status_code} {response.reason_phrase}".rstrip()
    try:
        request = response.request
    except RuntimeError:
        return text
    return f"{text} from {request.method} {_redact(request.url)}"


def _redact(url: httpx.URL) -> str:
    """The URL without its query string, which may carry an API key."""
    return str(url.copy_with(query=None))


def _snippet(response: httpx.Response) -> str:
    try:
        text = response.text.strip()
    except (httpx.ResponseNotRead, ValueError):
        return ""
    if len(text) > _SNIPPET_CHARS:
        return text[:_SNIPPET_CHARS] + "..."
    return text


def _media_type(response: httpx.Response) -> str:
    """The response's media type without parameters, lower case ("" when not given)."""
    header: str = response.headers.get("content-type", "")
    return header.split(";", 1)[0].strip().lower()


def _is_json(response: httpx.Response) -> bool:
    return _media_type(response).endswith(("/json", "+json"))


def _is_text(response: httpx.Response) -> bool:
    """True for a ``text/*`` reply (``text/json`` aside, which is JSON)."""
    media = _media_type(response)
    return media.startswith("text/") and not media.endswith("/json")


def _is_text_alternative(text_types: tuple[str, ...], response: httpx.Response) -> bool:
    """True when the reply's media type is one of ``text_types`` (or in a ``text/*`` of them)."""
    media = _media_type(response)
    return media in text_types or f"{media.partition('/')[0]}/*" in text_types


def _sent_as(outcome: Outcome, response: httpx.Response) -> str:
    """``"; the server sent text/html"`` when a JSON outcome came as another media type."""
    if outcome.kind != "json" or _is_json(response):
        return ""
    media = _media_type(response)
    return f"; the server sent {media}" if media else "; the server sent no Content-Type"


def _is_invalid_json(exc: ValidationError) -> bool:
    """True when ``validate_json`` failed on the JSON syntax, not on the data."""
    errors = exc.errors(include_url=False, include_context=False, include_input=False)
    return len(errors) == 1 and errors[0]["type"] == "json_invalid"


def _type_name(outcome: Outcome) -> str:
    if outcome.type is None:
        return "JSON document"
    if isinstance(outcome.type, type):
        return outcome.type.__name__
    return repr(outcome.type)
