"""Raw-response access: ``with_raw_response(client.users.get)(id=1)``.

The wrappers install a capture slot in a ``ContextVar``; the client's ``_call`` puts
the final ``httpx.Response`` there. So no per-operation code is generated, and the
capture follows the call through ``await`` (and into tasks it spawns).
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Generic, ParamSpec, TypeVar

import httpx

__all__ = ["APIResponse", "async_with_raw_response", "capture_response", "with_raw_response"]

T = TypeVar("T")
P = ParamSpec("P")

_CAPTURE: ContextVar[list[httpx.Response] | None] = ContextVar(
    "apiforge_raw_response_capture", default=None
)


@dataclass(frozen=True)
class APIResponse(Generic[T]):
    """A parsed result together with the HTTP response it came from."""

    parsed: T
    http_response: httpx.Response

    @property
    def status_code(self) -> int:
        """The HTTP status code."""
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        """The response headers."""
        return self.http_response.headers

    @property
    def request(self) -> httpx.Request:
        """The request that produced the response."""
        return self.http_response.request


def capture_response(response: httpx.Response) -> None:
    """Record ``response`` for an enclosing raw-response wrapper, if any."""
    slot = _CAPTURE.get()
    if slot is not None:
        slot.append(response)


def _result(parsed: T, slot: list[httpx.Response], fn: Callable[..., object]) -> APIResponse[T]:
    if not slot:
        name = getattr(fn, "__qualname__", repr(fn))
        raise RuntimeError(f"{name} returned without performing an API call")
    return APIResponse(parsed=parsed, http_response=slot[-1])


def with_raw_response(fn: Callable[P, T]) -> Callable[P, APIResponse[T]]:
    """Wrap a sync operation method so it returns an ``APIResponse`` (parsed + raw).

    Example::

        resp = with_raw_response(client.dashboards.retrieve)(project_id="1", id=2)
        resp.status_code, resp.headers["x-request-id"], resp.parsed.name
    """

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> APIResponse[T]:
        slot: list[httpx.Response] = []
        token = _CAPTURE.set(slot)
        try:
            parsed = fn(*args, **kwargs)
        finally:
            _CAPTURE.reset(token)
        return _result(parsed, slot, fn)

    return wrapper


def async_with_raw_response(
    fn: Callable[P, Awaitable[T]],
) -> Callable[P, Awaitable[APIResponse[T]]]:
    """Wrap an async operation method so it returns an ``APIResponse`` (parsed + raw)."""

    @functools.wraps(fn)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> APIResponse[T]:
        slot: list[httpx.Response] = []
        token = _CAPTURE.set(slot)
        try:
            parsed = await fn(*args, **kwargs)
        finally:
            _CAPTURE.reset(token)
        return _result(parsed, slot, fn)

    return wrapper
