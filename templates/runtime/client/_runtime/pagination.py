"""Pagination over ``{results, next}`` pages: limit/offset and cursor styles (pure).

A page is a model or mapping with ``results`` (the items) and ``next`` (the URL of the
following page, or null). Only the *query string* of ``next`` is used: the same
operation path is requested again on the client's own ``base_url`` with that query
instead of the operation's query parameters. A ``next`` pointing at another host
therefore never receives the client's credentials. A ``next`` that is no link but a
bare token (``"eyJwIjoy"``, or a page number) is sent as the operation's cursor
parameter (``cursor``, ``page_token``, ``page``... see :func:`cursor_param`), the
previous page's other query parameters kept. Iteration stops at an empty page, a
missing or repeated ``next``, or after ``max_pages`` pages; and, with a warning
(``unfollowed``), at a ``next`` it cannot follow: a link without a query string, or a
token where there is no cursor parameter.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping
from typing import Any, Final

import httpx

from .operation import Operation

__all__ = ["Pager", "cursor_param", "next_query", "page_items", "page_next"]

_CURSOR_NAMES: Final = frozenset(
    ("cursor", "pagecursor", "nextcursor", "pagetoken", "nextpagetoken", "nexttoken")
    + ("continuationtoken", "after", "page", "pagenumber")
)
"""Query parameters that take a page token (or number), compared without case, ``_`` or ``-``."""


def cursor_param(op: Operation[Any]) -> str | None:
    """The wire name of the query parameter ``op`` takes a page token in, if it has one."""
    for param in op.params:
        folded = param.name.lower().replace("_", "").replace("-", "")
        if param.location == "query" and folded in _CURSOR_NAMES:
            return param.name
    return None


def page_items(page: Any) -> list[Any]:
    """The items of a page (its ``results``), or an empty list."""
    results = page.get("results") if isinstance(page, Mapping) else getattr(page, "results", None)
    return list(results) if results else []


def page_next(page: Any) -> str | None:
    """The page's ``next`` URL when it is a non-empty string."""
    value = page.get("next") if isinstance(page, Mapping) else getattr(page, "next", None)
    if value is None:
        return None
    text = str(value).strip()  # pydantic URL types are not str
    return text or None


def is_link(next_value: str) -> bool:
    """True when a page's ``next`` is a URL (absolute, a path or a query), not a bare token."""
    return "?" in next_value or next_value.startswith("/") or "://" in next_value


def token_query(token: str, cursor: str, previous: bytes) -> list[tuple[str, str]]:
    """The query of the page after ``previous`` (a raw query string): ``cursor=token``."""
    raw = previous.decode("ascii", errors="replace")
    pairs = [pair for pair in _pairs(raw) if urllib.parse.unquote_plus(pair[0]) != cursor]
    return [*pairs, (urllib.parse.quote(cursor, safe=""), urllib.parse.quote(token, safe=""))]


def next_query(next_url: str) -> list[tuple[str, str]]:
    """The raw (still percent-encoded) query pairs of ``next_url``, in order."""
    try:
        raw = httpx.URL(next_url).query.decode("ascii", errors="replace")
    except httpx.InvalidURL:
        return []
    return _pairs(raw)


def _pairs(raw: str) -> list[tuple[str, str]]:
    """The ``(name, value)`` pairs of a raw query string, still percent-encoded."""
    pairs: list[tuple[str, str]] = []
    for fragment in raw.split("&"):
        if fragment:
            name, _, value = fragment.partition("=")
            pairs.append((name, value))
    return pairs


class Pager:
    """The stop rules of one pagination run, shared by the sync and async iterators.

    ``cursor``: the operation's cursor parameter (:func:`cursor_param`), for a bare token.
    """

    def __init__(self, max_pages: int, cursor: str | None = None) -> None:
        self._max_pages = max_pages
        self._cursor = cursor
        self._pages = 1
        self._seen: set[str] = set()
        self.truncated = False
        """True when iteration stopped at ``max_pages`` although a next page exists."""
        self.unfollowed: str | None = None
        """The ``next`` iteration stopped at because it cannot follow it (see the module)."""

    def follow(self, page: Any, previous: bytes = b"") -> list[tuple[str, str]] | None:
        """The query of the page after ``page`` (whose request had the raw query
        ``previous``), or None when iteration must stop."""
        if not page_items(page):
            return None
        url = page_next(page)
        if url is None or url in self._seen:
            return None
        self._seen.add(url)
        if self._pages >= self._max_pages:
            self.truncated = True
            return None
        query = next_query(url) if is_link(url) else []
        if not query and self._cursor is not None and "?" not in url and "://" not in url:
            # a token (standard base64 may start with "/"), sent as the cursor parameter
            query = token_query(url, self._cursor, previous)
        if not query:
            self.unfollowed = url
            return None
        self._pages += 1
        return query
