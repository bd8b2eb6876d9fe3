"""Pagination as Django REST Framework does it: limit/offset and cursor pages.

``next`` and ``previous`` are absolute URLs built from the incoming request URL, so
every other query parameter (filters, ``search``...) survives in them, exactly like
DRF's ``LimitOffsetPagination`` and ``CursorPagination``.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from starlette.datastructures import URL

from .store import not_found

__all__ = ["Page", "cursor_page", "limit_offset_page"]

T = TypeVar("T")

MAX_LIMIT = 1000
"""Larger ``limit`` values are clamped, as PostHog does."""


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of items and the links around it (``count`` is None for cursor pages)."""

    results: list[T]
    count: int | None
    next: str | None
    previous: str | None


def limit_offset_page(
    items: Sequence[T], url: URL, limit: int | None, offset: int | None, default_limit: int
) -> Page[T]:
    """The page ``items[offset:offset + limit]``; a missing or non-positive limit means default.

    A negative offset counts as 0. ``previous`` drops ``offset`` when it would be 0.
    """
    size = min(limit, MAX_LIMIT) if limit is not None and limit > 0 else default_limit
    start = offset if offset is not None and offset > 0 else 0
    count = len(items)
    next_url = None
    if start + size < count:
        next_url = str(url.include_query_params(limit=size, offset=start + size))
    previous_url = None
    if start > 0:
        back = url.include_query_params(limit=size)
        previous_url = str(
            back.remove_query_params("offset")
            if start - size <= 0
            else back.include_query_params(offset=start - size)
        )
    return Page(list(items[start : start + size]), count, next_url, previous_url)


def cursor_page(items: Sequence[T], url: URL, cursor: str | None, page_size: int) -> Page[T]:
    """The page at the opaque ``cursor`` (the first page without one).

    Raises:
        ApiError: 404 "Invalid cursor", as DRF answers a cursor it did not issue.
    """
    start = _decode(cursor) if cursor else 0
    end = start + page_size
    next_url = str(url.include_query_params(cursor=_encode(end))) if end < len(items) else None
    previous_url = None
    if start > 0:
        back = max(start - page_size, 0)
        previous_url = str(
            url.remove_query_params("cursor")
            if back == 0
            else url.include_query_params(cursor=_encode(back))
        )
    return Page(list(items[start:end]), None, next_url, previous_url)


def _encode(position: int) -> str:
    return base64.urlsafe_b64encode(f"o={position}".encode()).decode("ascii")


def _decode(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor.encode("ascii")).decode("ascii")
    except (binascii.Error, UnicodeError, ValueError):
        text = ""
    name, _, value = text.partition("=")
    if name != "o" or not value.isdigit() or not value.isascii():
        raise not_found("Invalid cursor")
    return int(value)
