"""The route class of an apiforge-generated server: any RFC 6570 level-1 path template the spec gives.

Part of the server runtime package (``<pkg>/_runtime/template_route.py``, copied verbatim);
every generated route is a :class:`TemplateRoute` (the group routers' ``route_class``).
It matches the path as the client encoded it, so a parameter value may hold ``/`` (sent
as ``%2F``; see :func:`raw_route_path`), and answers 415 for a body in a media type its
operation does not list.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import unquote, unquote_to_bytes

from fastapi.routing import APIRoute
from starlette._utils import get_route_path
from starlette.convertors import StringConvertor
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match
from starlette.types import Scope

from .bodies import _is_json, _media_matches, build_body_validator, media_essence
from .errors import ApiError

__all__ = [
    "PERCENT",
    "PLACEHOLDER",
    "RAW_PATH_PARAMS",
    "SLASH",
    "STARLETTE_NAME",
    "TemplateRoute",
    "raw_route_path",
]

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")  # a path template's {name}
STARLETTE_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")  # a name Starlette's templates accept
# How raw_route_path spells a "/" within a segment: a lone surrogate, which no percent-decoded
# path holds, one character for one (the route's regex sees it as any other character).
SLASH = "\udc2f"
PERCENT = ord("%")  # a raw_path without it encodes no "/": ``PERCENT in raw_path``, a quick test
# The scope key of a matched route's path parameters as sent, percent-escapes undecoded
# (set when the request's raw_path holds one): a styled parameter splits them first.
RAW_PATH_PARAMS = "apiforge.raw_path_params"
_UTF8_ESCAPES = re.compile(r"(?:%[89a-fA-F][0-9a-fA-F])+")  # a non-ASCII text's escaped bytes


def raw_route_path(scope: Scope) -> str | None:
    """The path a route matches (``path`` below ``root_path``, as Starlette cuts it) with every
    ``/`` that ``raw_path`` spells ``%2F`` written as :data:`SLASH`; None when there is none.

    Starlette matches the decoded ``path``, where ``/n/a%2Fb`` reads as three segments; here
    ``raw_path`` is split first, then each segment decoded as ASGI decodes ``path``. Also
    None, leaving the decoded ``path`` as all there is, when ``raw_path`` is missing or does
    not decode to ``path`` (a middleware rewrote ``path``, or the router toggled its
    trailing slash to look for a redirect), or when ``root_path`` ends inside a segment.
    """
    raw = scope.get("raw_path")
    if not isinstance(raw, bytes) or PERCENT not in raw or b"%2F" not in raw and b"%2f" not in raw:
        return None
    segments = [unquote_to_bytes(part).decode("utf-8", "replace") for part in raw.split(b"/")]
    path = scope["path"]
    if "/".join(segments) != path:
        return None
    spelt = "/".join(segment.replace("/", SLASH) for segment in segments)  # as long as path
    route_path = spelt[len(path) - len(get_route_path(scope)) :]
    return None if route_path.startswith(SLASH) else route_path


class TemplateRoute(APIRoute):
    """An APIRoute matching any RFC 6570 level-1 path template the spec gives.

    Starlette only recognises ``{identifier}`` placeholders and matches each greedily. A
    route whose template spells another name (``{item-id}``) or holds several parameters
    in one segment (``/compare/{base}...{head}``, ``/v{version}-{id}``) is matched with its
    own pattern: numbered placeholders, and every parameter followed by another one in the
    same segment ends at the first occurrence of the literal text between them (so
    ``v7-x-1`` is version ``7``, id ``x-1``). The values are handed on under the spec's
    names, so FastAPI (reading ``Path(alias=...)``) and ``app.openapi()`` keep the spec's
    path and names. A name used twice (``/{id}/copy/{id}``) must match the same text twice.

    A ``%2F`` in the request is a character of its segment (:func:`raw_route_path`): ``/n/a%2Fb``
    matches ``/n/{name}`` with ``name`` ``a/b``, and never a literal ``/n/a/b``.
    """

    def __init__(self, path: str, endpoint: Any, **kwargs: Any) -> None:
        pieces = PLACEHOLDER.split(path)  # literal, name, literal, name, ..., literal
        names = pieces[1::2]
        repeated = len(set(names)) < len(names)
        if repeated:  # Starlette refuses a name used twice: hand it a template without repeats
            unique = [pieces[0]]
            for index, name in enumerate(names):
                unique += ["{" + (name if names.index(name) == index else f"repeat_{index}") + "}"]
                unique += [pieces[2 * index + 2]]
            super().__init__("".join(unique), endpoint, **kwargs)
            self.path = self.path_format = path  # documented as the spec spells it
        else:
            super().__init__(path, endpoint, **kwargs)
        build_body_validator(self)
        self.reads_raw_path = SLASH not in path  # a template holding it could match a "/"
        self._raw_regex: tuple[re.Pattern[str], dict[str, str]] | None = None
        self.spec_names: dict[str, str] = {}
        crowded = any("/" not in literal for literal in pieces[2:-1:2])
        if not repeated and not crowded and all(STARLETTE_NAME.fullmatch(n) for n in names):
            return
        pattern, self.spec_names = segment_pattern(pieces, re.escape)
        self.path_regex = re.compile(pattern)
        self.param_convertors = {token: StringConvertor() for token in self.spec_names}

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """FastAPI's handler, refusing (415) a body whose Content-Type the operation does not list.

        FastAPI reads a body in its one media type whatever the request's Content-Type
        says (a JSON body sent as ``text/plain`` would answer 422, "Input should be a
        valid dictionary"); a body in several media types has its :class:`BodyReader`,
        which answers 415 itself. A request without a Content-Type is left to FastAPI.
        """
        handler = super().get_route_handler()
        field_info = getattr(self.body_field, "field_info", None)
        listed = getattr(field_info, "media_type", None)
        if not isinstance(listed, str):
            return handler
        expected = media_essence(listed)

        async def checked(request: Request) -> Response:
            content_type = request.headers.get("content-type")
            if content_type is not None:
                essence = media_essence(content_type)
                if not _covers(expected, essence) and await request.body():
                    raise ApiError(415, f"unsupported media type {essence}; expected {expected}")
            return await handler(request)

        return checked

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        """Starlette's match of the path as the client encoded it, with values decoded and
        numbered parameters renamed to the spec's names."""
        raw, route_path = scope.get("raw_path"), None
        root_path = scope.get("root_path", "")  # the raw path's prefix, before any rewrite
        if isinstance(raw, bytes) and PERCENT in raw and self.reads_raw_path:
            route_path = raw_route_path(scope)
            if route_path is not None:
                scope = {**scope, "path": route_path, "root_path": ""}
        match, child = super().matches(scope)
        if match is not Match.NONE and (self.spec_names or route_path is not None):
            names = self.spec_names
            child["path_params"] = {
                names.get(key, key): value.replace(SLASH, "/") if isinstance(value, str) else value
                for key, value in child["path_params"].items()
            }
        if match is not Match.NONE and isinstance(raw, bytes) and PERCENT in raw:
            child[RAW_PATH_PARAMS] = self._raw_params(raw, root_path)
        return match, child

    def _raw_params(self, raw: bytes, root_path: str) -> dict[str, str]:
        """The path parameters as ``raw`` spells them, non-ASCII text decoded as the
        template's is (empty when it cannot tell: the raw path does not start with
        ``root_path`` or the route's pattern misses it)."""
        text = _UTF8_ESCAPES.sub(  # escapes of ASCII (delimiters) stay, as a template's
            lambda escaped: unquote(escaped[0], errors="replace"), raw.decode("utf-8", "replace")
        )
        if not text.startswith(root_path):
            return {}
        if self._raw_regex is None:
            self._raw_regex = _raw_pattern(self.path_format)
        pattern, names = self._raw_regex
        found = pattern.match(text[len(root_path) :])
        if found is None:
            return {}
        return {names[key]: value for key, value in found.groupdict().items() if key in names}


def segment_pattern(pieces: list[str], literal: Callable[[str], str]) -> tuple[str, dict[str, str]]:
    """A regex matching a path template split by :data:`PLACEHOLDER` (literal, name, ...,
    literal), each literal text spelt by ``literal``, and the spec's name of each group.

    A parameter followed by literal text ``L`` in its segment ends at the first occurrence of
    ``L`` after its first character: ``[^/](?:(?!L)[^/])*``, which cannot backtrack (a lazy
    ``[^/]+?`` followed by further parameters can: cubic in the segment's length for three).
    """
    names: dict[str, str] = {}
    tokens: dict[str, str] = {}
    pattern = "^" + literal(pieces[0])
    for index, name in enumerate(pieces[1::2]):
        following = literal(pieces[2 * index + 2])
        if name in tokens:  # the same variable again: the same text (RFC 6570)
            pattern += f"(?P={tokens[name]})" + following
            continue
        token = tokens[name] = f"apiforge_param_{index}"
        names[token] = name
        ends_early = 2 * index + 3 < len(pieces) and "/" not in pieces[2 * index + 2]
        value = "[^/]+"
        if ends_early:  # adjacent parameters ({a}{b}): the first as short as it can be
            value = f"[^/](?:(?!{following})[^/])*" if following else "[^/]+?"
        pattern += f"(?P<{token}>{value})" + following
    return pattern + "$", names


def _raw_pattern(path: str) -> tuple[re.Pattern[str], dict[str, str]]:
    """A regex matching the raw path of the route ``path`` (its template), and the spec's
    name of each of its groups: as the route's own pattern, but the template's literal
    text as a client may send it (:func:`_raw_literal`), its escapes of non-ASCII text
    decoded as ``_raw_params`` decodes them."""
    pattern, names = segment_pattern(PLACEHOLDER.split(path), _raw_literal)
    return re.compile(pattern), names


# The ASCII characters of a template's literal text a client may send percent-escaped: RFC
# 3986's unreserved ones (an escape of one is equivalent to it) and those a client must
# escape (a space, "<>\\^`{|}%). Any other (":", ",", ...) is a delimiter whose escape is data.
_ESCAPABLE = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~" + ' "<>\\^`{|}%'
)


def _raw_literal(text: str) -> str:
    """A regex matching the template literal ``text`` as sent: each character of
    :data:`_ESCAPABLE` as itself or its percent-escape (either case of hex digits), any
    other as itself."""
    spelt = []
    for char in text:
        if char not in _ESCAPABLE:
            spelt.append(re.escape(char))
        else:
            code = f"{ord(char):02X}"
            high, low = code[0], code[1]
            escape = f"%{high}[{low}{low.lower()}]" if low.isalpha() else f"%{high}{low}"
            spelt.append(f"(?:{re.escape(char)}|{escape})")
    return "".join(spelt)


def _covers(listed: str, essence: str) -> bool:
    """True when a body of media type ``essence`` is one of ``listed`` (a JSON one is any JSON)."""
    return _media_matches(listed, essence) or (_is_json(listed) and _is_json(essence))
