"""Test-side pieces of the end-to-end suite: middleware probes and a sync/async client facade.

* :class:`Recorder` (operation middleware) records what reached each implementation:
  the operationId, the ``Authorization`` header, the principal, the raw query and body.
* :class:`Flaky` answers ``429 Retry-After: 0`` to the next N calls of an operation.
* :func:`delay` sleeps for ``X-Fake-Delay`` seconds first (to trigger client timeouts).
* :class:`Blocking` drives a generated ``AsyncClient`` from synchronous test code: each
  coroutine runs to completion on one private event loop and async iterators are
  collected into lists, so one scenario body exercises both clients.
"""

from __future__ import annotations

import asyncio
import inspect
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from posthog_server import runtime as rt

MODE_HEADER = "X-E2E-Mode"


@dataclass(frozen=True)
class Seen:
    """One request as an implementation's middleware saw it."""

    operation_id: str
    mode: str | None
    authorization: str | None
    subject: str | None
    method: str
    path: str
    query: str
    body: bytes
    headers: dict[str, str]


@dataclass
class Recorder:
    """Operation middleware keeping a :class:`Seen` per call (outermost: sees retries too)."""

    seen: list[Seen] = field(default_factory=list)

    async def __call__(
        self, context: rt.RequestContext, call_next: Callable[[], Awaitable[Any]]
    ) -> Any:
        request = context.request
        self.seen.append(
            Seen(
                operation_id=context.operation_id,
                mode=request.headers.get(MODE_HEADER),
                authorization=request.headers.get("authorization"),
                subject=getattr(context.principal, "subject", None),
                method=request.method,
                path=request.url.path,
                query=request.url.query,
                body=await request.body(),
                headers=dict(request.headers),
            )
        )
        return await call_next()

    def last(self, operation_id: str) -> Seen:
        """The latest call of ``operation_id``."""
        for seen in reversed(self.seen):
            if seen.operation_id == operation_id:
                return seen
        raise AssertionError(f"{operation_id} never reached an implementation")

    def operations(self, mode: str) -> set[str]:
        """The operationIds called by clients of ``mode`` ("sync" or "async")."""
        return {seen.operation_id for seen in self.seen if seen.mode == mode}


@dataclass
class Flaky:
    """Operation middleware answering 429 (``Retry-After: 0``) to the next N calls."""

    pending: dict[str, int] = field(default_factory=dict)
    attempts: Counter[str] = field(default_factory=Counter)

    def fail(self, operation_id: str, times: int) -> None:
        """Refuse the next ``times`` calls of ``operation_id`` and reset its attempt count."""
        self.pending[operation_id] = times
        self.attempts[operation_id] = 0

    async def __call__(
        self, context: rt.RequestContext, call_next: Callable[[], Awaitable[Any]]
    ) -> Any:
        operation_id = context.operation_id
        self.attempts[operation_id] += 1
        if self.pending.get(operation_id, 0) > 0:
            self.pending[operation_id] -= 1
            return rt.TooManyRequests({"detail": "slow down"}, headers={"Retry-After": "0"})
        return await call_next()


async def delay(context: rt.RequestContext, call_next: Callable[[], Awaitable[Any]]) -> Any:
    """Operation middleware sleeping ``X-Fake-Delay`` seconds before the implementation."""
    seconds = context.request.headers.get("x-fake-delay")
    if seconds:
        await asyncio.sleep(float(seconds))
    return await call_next()


class Blocking:
    """A synchronous view of an async object: calls are awaited on ``loop``.

    Attribute access wraps the attribute; calling runs the coroutine to completion
    (or collects an async iterator into a list). ``target`` is the wrapped object.
    """

    def __init__(self, target: Any, loop: asyncio.AbstractEventLoop) -> None:
        self.target = target
        self._loop = loop

    def __getattr__(self, name: str) -> Blocking:
        return Blocking(getattr(self.target, name), self._loop)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        result = self.target(*args, **kwargs)
        if inspect.isawaitable(result):
            return self._loop.run_until_complete(result)
        if hasattr(result, "__anext__"):
            return self._loop.run_until_complete(_collect(result))
        return result


async def _collect(items: AsyncIterator[Any]) -> list[Any]:
    return [item async for item in items]
