"""Request building: operation + arguments + client settings -> ``PreparedRequest`` (pure).

Both client classes call ``build_request`` and only hand the result to httpx. Header
precedence, lowest first: ``User-Agent`` and ``Accept`` defaults, the client's
``headers``, credentials, header parameters, the body's ``Content-Type``, then the
per-call ``extra_headers``. Cookie parameters and cookie credentials are joined into
one ``Cookie`` header (httpx deprecates per-request cookie jars).
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import httpx

from .auth import Auth
from .encoding import (
    FilePart,
    cookie_pair,
    cookie_pairs,
    encode_body,
    header_value,
    path_segment,
    query_pair,
    query_pairs,
)
from .operation import Operation, Param, RequestOptions, is_given

__all__ = ["ClientSettings", "PreparedRequest", "TimeoutLike", "build_request", "wants_json"]

TimeoutLike = float | httpx.Timeout | None

_PLACEHOLDER: Final = re.compile(r"\{([^{}]+)\}")
# OpenAPI: header parameters with these names "SHALL be ignored".
_IGNORED_HEADER_PARAMS: Final = frozenset({"accept", "content-type", "authorization"})


@dataclass(frozen=True)
class ClientSettings:
    """The per-client defaults every request starts from."""

    base_url: str
    headers: Mapping[str, str]
    auth: Auth | None
    timeout: TimeoutLike
    user_agent: str


@dataclass(frozen=True)
class PreparedRequest:
    """A fully encoded request: the arguments for ``httpx.Client.build_request``."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    content: bytes | None
    files: list[tuple[str, FilePart]] | None
    timeout: TimeoutLike


def build_request(
    op: Operation[Any],
    args: Mapping[str, Any],
    body: Any,
    options: RequestOptions | None,
    settings: ClientSettings,
    *,
    query_override: Sequence[tuple[str, str]] | None = None,
) -> PreparedRequest:
    """Encode one call of ``op``.

    Args:
        op: the operation descriptor.
        args: parameter values by wire name; ``None`` and ``NOT_GIVEN`` are not sent.
        body: the request body, or ``None``/``NOT_GIVEN`` for none.
        options: per-call overrides.
        settings: the client's defaults.
        query_override: percent-encoded query pairs that replace the operation's
            query parameters and ``extra_query`` (used to follow pagination links).

    Raises:
        TypeError: unknown or missing required parameters, or a body for an
            operation that takes none.
    """
    opts: RequestOptions = options or {}
    given = _given_params(op, args)

    query = _query(op, given, opts, settings.auth if op.authenticated else None, query_override)
    url = settings.base_url.rstrip("/") + _render_path(op, given)
    if query:
        url += "?" + "&".join(f"{name}={value}" for name, value in query)

    headers = httpx.Headers({"User-Agent": settings.user_agent})
    if wants_json(op):
        headers["Accept"] = "application/json"
    headers.update(settings.headers)
    cookies: list[str] = []
    if op.authenticated and settings.auth is not None:
        for name, value in settings.auth.headers:
            headers[name] = value
        cookies.extend(cookie_pair(name, value) for name, value in settings.auth.cookies)
    for param, value in given:
        if param.location == "header" and param.name.lower() not in _IGNORED_HEADER_PARAMS:
            headers[param.name] = header_value(param, value)
        elif param.location == "cookie":
            cookies.extend(cookie_pairs(param, value))
    if cookies:
        existing = headers.get("Cookie")
        headers["Cookie"] = "; ".join(([existing] if existing else []) + cookies)

    content: bytes | None = None
    files: list[tuple[str, FilePart]] | None = None
    if is_given(body):
        if op.body is None:
            raise TypeError(f"{op.operation_id}() takes no request body")
        encoded = encode_body(op.body, body)
        content, files = encoded.content, encoded.files
        if encoded.content_type is not None:
            headers["Content-Type"] = encoded.content_type
    headers.update(opts.get("extra_headers", {}))

    return PreparedRequest(
        method=op.method.upper(),
        url=url,
        headers=tuple(headers.multi_items()),
        content=content,
        files=files,
        timeout=opts.get("timeout", settings.timeout),
    )


def wants_json(op: Operation[Any]) -> bool:
    """True when every documented success body is JSON (so ``Accept: application/json``)."""
    kinds = {outcome.kind for outcome in op.responses.values()} - {"empty"}
    return kinds == {"json"}


def _given_params(op: Operation[Any], args: Mapping[str, Any]) -> list[tuple[Param, Any]]:
    declared = {param.name for param in op.params}
    unknown = sorted(name for name in args if name not in declared)
    if unknown:
        raise TypeError(f"{op.operation_id}() got unknown parameter(s): {', '.join(unknown)}")
    given: list[tuple[Param, Any]] = []
    for param in op.params:
        value = args.get(param.name)
        if is_given(value):
            given.append((param, value))
        elif param.required:
            raise TypeError(
                f"{op.operation_id}() missing required {param.location} parameter {param.name!r}"
            )
    return given


def _render_path(op: Operation[Any], given: list[tuple[Param, Any]]) -> str:
    segments = {p.name: path_segment(p, v) for p, v in given if p.location == "path"}

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in segments:
            raise TypeError(f"{op.operation_id}() missing path parameter {name!r}")
        return segments[name]

    path = _PLACEHOLDER.sub(substitute, op.path)
    return path if path.startswith("/") else "/" + path


def _query(
    op: Operation[Any],
    given: list[tuple[Param, Any]],
    opts: RequestOptions,
    auth: Auth | None,
    override: Sequence[tuple[str, str]] | None,
) -> list[tuple[str, str]]:
    auth_names = {name for name, _ in auth.query} if auth is not None else set()
    if override is not None:
        # A followed link may echo a query credential back: send ours exactly once.
        pairs = [p for p in override if urllib.parse.unquote_plus(p[0]) not in auth_names]
    else:
        pairs = [pair for p, v in given if p.location == "query" for pair in query_pairs(p, v)]
        for name, value in opts.get("extra_query", {}).items():
            pairs.extend(query_pairs(Param(name, "query"), value))
    if auth is not None:
        pairs.extend(query_pair(name, value) for name, value in auth.query)
    return pairs
