"""Request building: operation + arguments + client settings -> ``PreparedRequest`` (pure).

Both client classes call ``build_request`` and only hand the result to httpx. Header
precedence, lowest first: ``User-Agent`` and ``Accept`` defaults, the client's
``headers``, credentials, header parameters, the body's ``Content-Type``, then the
per-call ``extra_headers``. Cookie parameters and cookie credentials are joined into
one ``Cookie`` header (httpx deprecates per-request cookie jars).
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Final

import httpx

from .auth import Auth, check_header
from .bodies import FilePart, encode_body
from .credentials import Credentials
from .encoding import (
    cookie_pair,
    cookie_pairs,
    header_value,
    path_segment,
    query_pair,
    query_pairs,
)
from .errors import MissingCredentialsError
from .operation import NotGiven, Operation, Param, RequestOptions, Security, is_given

__all__ = ["ClientSettings", "PreparedRequest", "TimeoutLike", "build_request", "wants_json"]

TimeoutLike = float | httpx.Timeout | None

_Pairs = tuple[tuple[str, str], ...]

# OpenAPI: header parameters with these names "SHALL be ignored".
_IGNORED_HEADER_PARAMS: Final = frozenset({"accept", "content-type", "authorization"})
_UNKEYED: Final = (str, int, float, list, tuple)
"""Values a cookie parameter sends under its own name (``bool`` is an ``int``)."""


@dataclass(frozen=True)
class Placed:
    """The credentials one kind of operation is sent, encoded once: cookies as
    ``name=value`` strings and percent-encoded query pairs."""

    key: Security
    """The alternatives of the operations sent these (the header prefixes' cache key)."""
    auth: Auth
    cookies: tuple[str, ...]
    query: _Pairs
    query_names: frozenset[str]
    """The (decoded) names of the credential query parameters."""


@dataclass(frozen=True)
class ClientSettings:
    """The per-client defaults every request starts from.

    What every request derives from them alone (the fixed headers, each operation's
    credentials encoded) is computed on first use and kept, so treat the settings,
    ``headers`` included, as immutable.
    """

    base_url: str
    headers: Mapping[str, str]
    auth: Credentials | Auth | None
    """Credentials by scheme, or an ``Auth`` for every operation that takes credentials."""
    timeout: TimeoutLike
    user_agent: str
    _header_prefixes: dict[tuple[Security | None, str | None], _Pairs] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    # Each ``security``'s credentials, chosen (``Credentials.choose``) and encoded once.
    _placed: dict[Security, Placed | None] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @cached_property
    def credentials(self) -> Credentials | None:
        """``auth`` as ``Credentials``."""
        return Credentials({}, self.auth) if isinstance(self.auth, Auth) else self.auth

    @cached_property
    def credential_headers(self) -> tuple[str, ...]:
        """The (lower-cased) names of the headers that carry credentials, sent or not."""
        if self.credentials is None:
            return ()
        return tuple(sorted(self.credentials.header_names))

    @cached_property
    def credential_cookies(self) -> Mapping[str, str]:
        """The cookies the API's security schemes read, each with ``the security scheme 'name'``."""
        schemes = self.credentials.schemes if self.credentials is not None else {}
        return {
            scheme.param: f"the security scheme {name!r}"
            for name, scheme in schemes.items()
            if scheme.kind == "api_key" and scheme.location == "cookie"
        }

    def placed(self, op: Operation[Any], opts: RequestOptions) -> Placed | None:
        """The credentials ``op`` is sent with ``opts`` (see ``Credentials.choose``), or None.

        Raises:
            MissingCredentialsError: none of the client's credentials fit ``op``, and the
                call's ``extra_headers``/``extra_query`` bring none of its schemes' either.
        """
        credentials = self.credentials
        if credentials is None or not op.security:
            return None
        if op.security in self._placed:
            return self._placed[op.security]
        try:
            placed = _placed(op.security, credentials.choose(op.operation_id, op.security, False))
        except MissingCredentialsError:
            headers, query = opts.get("extra_headers") or {}, opts.get("extra_query") or {}
            if not credentials.supplied(op.security, headers, query):
                raise
            # not kept: a call without those extras raises
            return _placed(op.security, credentials.choose(op.operation_id, op.security, True))
        self._placed[op.security] = placed
        return placed

    def header_prefix(
        self, placed: Placed | None, *, accept_json: bool, accept: str = "application/json"
    ) -> _Pairs:
        """The headers every such request starts with, as lower-cased ``(name, value)`` pairs.

        ``User-Agent``, ``Accept: <accept>`` (when ``accept_json``), the client's
        ``headers`` and the credential headers of ``placed``; built once per combination
        with ``httpx.Headers`` so precedence and casing are httpx's own.
        """
        key = (placed.key if placed is not None else None, accept if accept_json else None)
        prefix = self._header_prefixes.get(key)
        if prefix is None:
            headers = httpx.Headers({"User-Agent": self.user_agent})
            if accept_json:
                headers["Accept"] = accept
            headers.update(self.headers)
            if placed is not None:
                for name, value in placed.auth.headers:
                    headers[name] = value
            prefix = self._header_prefixes[key] = tuple(headers.multi_items())
        return prefix


@dataclass(frozen=True)
class PreparedRequest:
    """A fully encoded request: the arguments for ``httpx.Client.build_request``."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    content: bytes | None
    files: list[tuple[str, FilePart]] | None
    timeout: TimeoutLike
    credential_headers: tuple[str, ...] = ()
    """The names of the headers that carry credentials (the schemes', whoever sets them):
    kept on the origin across redirects."""


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
        args: parameter values by wire name (by ``Param.key`` for one whose wire name
            another parameter has); ``None`` and ``NOT_GIVEN`` are not sent.
        body: the request body, or ``None``/``NOT_GIVEN`` for none.
        options: per-call overrides.
        settings: the client's defaults.
        query_override: percent-encoded query pairs that replace the operation's
            query parameters and ``extra_query`` (used to follow pagination links).

    Raises:
        TypeError: unknown or missing required parameters, or a body for an
            operation that takes none.
        ValueError: path parameters that would leave a segment empty, ``.`` or ``..``
            (see ``_check_segments``), or a header parameter or extra header with a
            character no header value carries (a line break, a non-ASCII character...),
            or an exploded object cookie with a key another cookie has (a credential's,
            another cookie parameter's).
        MissingCredentialsError: the client's credentials fit none of ``op``'s security
            alternatives (see ``ClientSettings.placed``).
    """
    opts: RequestOptions = options or {}
    given = _given_params(op, args)
    placed = settings.placed(op, opts)

    query = _query(op, given, opts, placed, query_override)
    url = settings.base_url.rstrip("/") + _render_path(op, given)
    if query:
        url += "?" + "&".join(f"{name}={value}" for name, value in query)

    accept = op.accept_header
    if accept is None:
        prefix = settings.header_prefix(placed, accept_json=False)
    else:
        prefix = settings.header_prefix(placed, accept_json=True, accept=accept)
    # Copied (as pairs with httpx.Headers' semantics) only when this call changes it.
    headers: list[tuple[str, str]] | None = None
    cookies: list[str] = list(placed.cookies) if placed is not None else []
    for param, value in given:
        location = param.location
        if location == "header" and param.name.lower() not in _IGNORED_HEADER_PARAMS:
            if headers is None:
                headers = list(prefix)
            _set_header(headers, param.name, header_value(param, value))
        elif location == "cookie":
            # Only an exploded object names its own cookies (scalars and lists: no work).
            keyed = param.resolved_explode and not isinstance(value, _UNKEYED)
            taken = _taken_cookies(op, param, settings, placed) if keyed else None
            cookies.extend(cookie_pairs(param, value, taken))
    if cookies:
        if headers is None:
            headers = list(prefix)
        existing = ", ".join(value for name, value in headers if name == "cookie")
        _set_header(headers, "Cookie", "; ".join(([existing] if existing else []) + cookies))

    content: bytes | None = None
    files: list[tuple[str, FilePart]] | None = None
    if is_given(body) or (body is None and op.body is not None and op.body.null):
        if op.body is None:
            raise TypeError(f"{op.operation_id}() takes no request body")
        encoded = encode_body(op.body, body)
        content, files = encoded.content, encoded.files
        if encoded.content_type is not None:
            if headers is None:
                headers = list(prefix)
            _set_header(headers, "Content-Type", encoded.content_type)
    extra_headers = opts.get("extra_headers")
    if extra_headers:
        for name, value in extra_headers.items():
            check_header(f"extra header {name!r}", value)
        headers = _update_headers(prefix if headers is None else headers, extra_headers)

    return PreparedRequest(
        method=op.method.upper(),
        url=url,
        headers=prefix if headers is None else tuple(headers),
        content=content,
        files=files,
        timeout=opts.get("timeout", settings.timeout),
        credential_headers=settings.credential_headers,
    )


def _taken_cookies(
    op: Operation[Any], param: Param, settings: ClientSettings, placed: Placed | None
) -> dict[str, str]:
    """The cookies an exploded object cookie ``param`` may not send: the credentials' (the
    schemes' cookies, and those ``placed`` sends) and ``op``'s other cookie parameters."""
    taken = dict(settings.credential_cookies)
    for name, _ in placed.auth.cookies if placed is not None else ():
        taken.setdefault(name, "a credential")
    for other in op.params:
        if other.location == "cookie" and other is not param:
            taken[other.name] = f"the cookie parameter {other.name!r}"
    return taken


def _placed(security: Security, auth: Auth | None) -> Placed | None:
    """``auth`` encoded for the requests of operations with ``security``."""
    if auth is None:
        return None
    return Placed(
        security,
        auth,
        tuple(cookie_pair(name, value) for name, value in auth.cookies),
        tuple(query_pair(name, value) for name, value in auth.query),
        frozenset(name for name, _ in auth.query),
    )


def wants_json(op: Operation[Any]) -> bool:
    """True when every documented success body is JSON (so ``Accept: application/json``)."""
    return op.wants_json


def _header_key(name: str) -> str:
    # httpx lower-cases ASCII names only (anything else fails its ASCII encoding later).
    return name.lower() if name.isascii() else name


def _set_header(headers: list[tuple[str, str]], name: str, value: str) -> None:
    """``httpx.Headers.__setitem__`` on lower-cased pairs: the first entry with that name
    takes the value, later ones are dropped; a new name is appended."""
    key = _header_key(name)
    found = [i for i, (existing, _) in enumerate(headers) if existing == key]
    if not found:
        headers.append((key, value))
        return
    headers[found[0]] = (key, value)
    for i in reversed(found[1:]):
        del headers[i]


def _update_headers(
    headers: Sequence[tuple[str, str]], update: Mapping[str, str]
) -> list[tuple[str, str]]:
    """``httpx.Headers.update`` on lower-cased pairs: every name in ``update`` is removed,
    then ``update``'s entries are appended."""
    added = [(_header_key(name), value) for name, value in update.items()]
    replaced = {name for name, _ in added}
    return [pair for pair in headers if pair[0] not in replaced] + added


def _given_params(op: Operation[Any], args: Mapping[str, Any]) -> list[tuple[Param, Any]]:
    if not op.param_names.issuperset(args):
        unknown = sorted(name for name in args if name not in op.param_names)
        raise TypeError(f"{op.operation_id}() got unknown parameter(s): {', '.join(unknown)}")
    given: list[tuple[Param, Any]] = []
    for param in op.params:
        value = args.get(param.arg_key)
        if value is not None and not isinstance(value, NotGiven):
            given.append((param, value))
        elif param.required:
            raise TypeError(
                f"{op.operation_id}() missing required {param.location} parameter {param.name!r}"
            )
    return given


def _render_path(op: Operation[Any], given: list[tuple[Param, Any]]) -> str:
    parts = op.path_parts
    if len(parts) == 1:
        path = parts[0][0]
    else:
        segments = {p.name: path_segment(p, v) for p, v in given if p.location == "path"}
        pieces: list[str] = []
        for literal, name in parts:
            pieces.append(literal)
            if name is not None:
                if name not in segments:
                    raise TypeError(f"{op.operation_id}() missing path parameter {name!r}")
                pieces.append(segments[name])
        path = "".join(pieces)
        if any(not text.strip(".") for text in segments.values()):  # "", "." or ".."
            _check_segments(op, path)
    return path if path.startswith("/") else "/" + path


def _check_segments(op: Operation[Any], path: str) -> None:
    """Reject values that leave a path segment empty, ``.`` or ``..``.

    URL normalisation (httpx's included) removes ``.`` and ``..`` segments, and their
    percent-encoded spellings alike, so such a value would send the request to another
    path (``/items/..`` is ``/``); an empty one would name the collection instead.
    """
    for rendered, template in zip(path.split("/"), op.path.split("/")):
        if rendered in ("", ".", "..") and rendered != template:
            raise ValueError(
                f"{op.operation_id}(): path parameters make the segment {template!r} of "
                f"{op.path!r} {rendered!r}, which would send the request to another path"
            )


def _query(
    op: Operation[Any],
    given: list[tuple[Param, Any]],
    opts: RequestOptions,
    auth: Placed | None,
    override: Sequence[tuple[str, str]] | None,
) -> list[tuple[str, str]]:
    """The query pairs; ``auth`` holds the credentials that go along, if any."""
    if override is not None:
        # A followed link may echo a query credential back: send ours exactly once.
        auth_names = auth.query_names if auth is not None else frozenset()
        pairs = [p for p in override if urllib.parse.unquote_plus(p[0]) not in auth_names]
    else:
        pairs = [pair for p, v in given if p.location == "query" for pair in query_pairs(p, v)]
        extra_query = opts.get("extra_query")
        if extra_query:
            for name, value in extra_query.items():
                pairs.extend(query_pairs(Param(name, "query"), value))
    if auth is not None:
        replaced = (opts.get("extra_query") or {}) if override is None else {}
        pairs.extend(
            pair for (name, _), pair in zip(auth.auth.query, auth.query) if name not in replaced
        )
    return pairs
