"""Pagination over ``{results, next}`` pages: limit/offset and cursor styles (pure).

A page is a model or mapping with ``results`` (the items) and ``next`` (the URL of the
following page, or null). Only the *query string* of ``next`` is used: the same
operation path is requested again on the client's own ``base_url`` with that query
instead of the operation's query parameters. A ``next`` pointing at another host
therefore never receives the client's credentials. Iteration stops at an empty page,
a missing or repeated ``next``, a ``next`` without a query string, or after
``max_pages`` pages (the client then warns).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

__all__ = ["Pager", "next_query", "page_items", "page_next"]


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


def next_query(next_url: str) -> list[tuple[str, str]]:
    """The raw (still percent-encoded) query pairs of ``next_url``, in order."""
    try:
        raw = httpx.URL(next_url).query.decode("ascii", errors="replace")
    except httpx.InvalidURL:
        return []
    pairs: list[tuple[str, str]] = []
    for fragment in raw.split("&"):
        if fragment:
            name, _, value = fragment.partition("=")
            pairs.append((name, value))
    return pairs


class Pager:
    """The stop rules of one pagination run, shared by the sync and async iterators."""

    def __init__(self, max_pages: int) -> None:
        self._max_pages = max_pages
        self._pages = 1
        self._seen: set[str] = set()
        self.truncated = False
        """True when iteration stopped at ``max_pages`` although a next page exists."""

    def follow(self, page: Any) -> list[tuple[str, str]] | None:
        """The query of the page after ``page``, or None when iteration must stop."""
        if not page_items(page):
            return None
        url = page_next(page)
        if url is None or url in self._seen:
            return None
        self._seen.add(url)
        if self._pages >= self._max_pages:
            self.truncated = True
            return None
        query = next_query(url)
        if not query:
            return None
        self._pages += 1
        return query
