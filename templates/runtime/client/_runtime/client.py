"""Client base classes that generated ``Client`` and ``AsyncClient`` classes extend.

As in httpx (``BaseClient`` vs ``Client``/``AsyncClient``), everything that does no
I/O is shared: settings and the retry policy live in ``_ClientCore``, and one call's
request building, retry decisions and response parsing (``calls.Attempts``) and a
pagination run (``calls.Pages``) are written once. The sync and async classes only
add the httpx call, the sleep between retries and the context managers; their
methods differ in nothing but ``await``.

Generated resource methods call ``_call`` (one result) or ``_paginate`` (an iterator
over all items of all pages). Tests can override ``_sleep``, ``_now`` and ``_jitter``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import random
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar, cast

import httpx

from .auth import Auth, check_header
from .calls import Attempts, Pages, warn_if_deprecated
from .credentials import Credentials
from .operation import Operation, RequestOptions, T
from .request import ClientSettings, TimeoutLike, build_request
from .response import HTTPX_ERRORS
from .retry import RetryPolicy

if TYPE_CHECKING:  # typing.Self needs Python 3.11; only the type checker reads this
    from typing_extensions import Self

__all__ = ["AsyncClientBase", "SyncClientBase"]


class _ClientCore:
    """The I/O-free half of both clients."""

    _max_pages: ClassVar[int] = 10_000
    """Safety bound on the pages one ``_paginate`` call may request."""

    def __init__(
        self,
        *,
        base_url: str,
        auth: Auth | Credentials | None,
        timeout: TimeoutLike,
        max_retries: int,
        headers: Mapping[str, str] | None,
        user_agent: str,
        retry_non_idempotent: bool,
    ) -> None:
        _check_base_url(base_url)
        for name, value in (headers or {}).items():
            check_header(f"header {name!r}", value)
        self._settings = ClientSettings(
            base_url=base_url,
            headers=dict(headers or {}),
            auth=auth,
            timeout=timeout,
            user_agent=user_agent,
        )
        self._retry_policy = RetryPolicy(
            max_retries=max(0, max_retries), retry_non_idempotent=retry_non_idempotent
        )

    def _attempts(
        self,
        op: Operation[Any],
        args: Mapping[str, Any],
        body: Any,
        options: RequestOptions | None,
        query_override: list[tuple[str, str]] | None,
    ) -> Attempts:
        """The I/O-free state of one request's attempts (see ``calls.Attempts``)."""
        prepared = build_request(
            op, args, body, options, self._settings, query_override=query_override
        )
        return Attempts(op, prepared, self._policy(options), (self._now, self._jitter))

    def _pages(self, op: Operation[Any], item_type: type[T]) -> Pages[T]:
        """The I/O-free state of one ``_paginate`` run (see ``calls.Pages``)."""
        warn_if_deprecated(op)
        return Pages(item_type, self._max_pages, op)

    def _policy(self, options: RequestOptions | None) -> RetryPolicy:
        policy = self._retry_policy
        if options and "max_retries" in options:
            policy = dataclasses.replace(policy, max_retries=max(0, options["max_retries"]))
        if options and "retry_non_idempotent" in options:
            policy = dataclasses.replace(
                policy, retry_non_idempotent=options["retry_non_idempotent"]
            )
        return policy

    def _now(self) -> float:
        """The current POSIX time (overridable in tests)."""
        return time.time()

    def _jitter(self) -> float:
        """A number in [0, 1) spreading retry delays (overridable in tests)."""
        return random.random()


class SyncClientBase(_ClientCore):
    """Base class of generated synchronous clients.

    Args:
        base_url: the API root, e.g. ``"https://eu.posthog.com"``; operation paths are
            appended to it.
        auth: credentials by security scheme (``Credentials``, see ``credentials``), or
            an ``Auth`` (``bearer_auth``...) sent to every operation that takes any.
        timeout: default timeout for every request, in seconds or as an
            ``httpx.Timeout``; applies to a provided ``http_client`` too.
        max_retries: retries after the first attempt (see the retry policy).
        http_client: an ``httpx.Client`` to use (proxies, custom transports, event
            hooks); it is not closed by ``close()``.
        transport: an ``httpx.BaseTransport`` for the client created internally
            (e.g. ``httpx.MockTransport`` in tests); exclusive with ``http_client``.
        headers: extra headers sent with every request.
        user_agent: the ``User-Agent`` header.
        retry_non_idempotent: also retry POST/PATCH after the request was sent.

    Example::

        with Client(base_url="https://api.example.com", auth=bearer_auth(token)) as client:
            project = client.projects.retrieve(id=1)
    """

    def __init__(
        self,
        *,
        base_url: str,
        auth: Auth | Credentials | None = None,
        timeout: float | httpx.Timeout | None = 60.0,
        max_retries: int = 2,
        http_client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        headers: Mapping[str, str] | None = None,
        user_agent: str = "apiforge-client",
        retry_non_idempotent: bool = False,
    ) -> None:
        super().__init__(
            base_url=base_url,
            auth=auth,
            timeout=timeout,
            max_retries=max_retries,
            headers=headers,
            user_agent=user_agent,
            retry_non_idempotent=retry_non_idempotent,
        )
        _check_http_client(http_client, transport, httpx.Client)
        self._owns_http_client = http_client is None
        self._http_client = (
            http_client
            if http_client is not None
            else httpx.Client(transport=transport, timeout=timeout)
        )

    def _call(
        self,
        op: Operation[T],
        args: Mapping[str, Any],
        body: Any = None,
        options: RequestOptions | None = None,
    ) -> T:
        """Perform ``op`` and return its parsed result (raises ``APIError`` subclasses)."""
        warn_if_deprecated(op)
        parsed, _ = self._send(op, args, body, options, None)
        return cast(T, parsed)

    def _paginate(
        self,
        op: Operation[Any],
        args: Mapping[str, Any],
        item_type: type[T],
        body: Any = None,
        options: RequestOptions | None = None,
    ) -> Iterator[T]:
        """Iterate over the items of every page of ``op`` (see the pagination rules)."""
        pages = self._pages(op, item_type)
        while pages.more:
            page, response = self._send(op, args, body, options, pages.query)
            yield from pages.items(page, response)

    def _send(
        self,
        op: Operation[Any],
        args: Mapping[str, Any],
        body: Any,
        options: RequestOptions | None,
        query_override: list[tuple[str, str]] | None,
    ) -> tuple[Any, httpx.Response]:
        attempts = self._attempts(op, args, body, options, query_override)
        delay: float | None
        while True:
            try:
                response = self._exchange(attempts)
            except HTTPX_ERRORS as exc:
                delay = attempts.failed(exc)
            else:
                delay = attempts.answered(response)
                if delay is None:
                    return attempts.result(response)
                response.close()
            self._sleep(delay)

    def _exchange(self, attempts: Attempts) -> httpx.Response:
        """One attempt: the request, and the redirects it leads to if ``http_client`` follows them."""
        http_client = self._http_client
        response = http_client.send(attempts.request(http_client), follow_redirects=False)
        while (following := attempts.redirect(response, http_client)) is not None:
            response.close()
            # As in httpx, a redirect does not run the http_client's auth again.
            response = http_client.send(following, auth=None, follow_redirects=False)
        return response

    def _sleep(self, seconds: float) -> None:
        """Wait between retries (overridable in tests)."""
        time.sleep(seconds)

    def close(self) -> None:
        """Close the underlying ``httpx.Client`` if this client created it."""
        if self._owns_http_client:
            self._http_client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncClientBase(_ClientCore):
    """Base class of generated asynchronous clients; arguments as ``SyncClientBase``.

    ``http_client`` is an ``httpx.AsyncClient`` and ``transport`` an
    ``httpx.AsyncBaseTransport``. Retries wait with ``asyncio.sleep``.
    """

    def __init__(
        self,
        *,
        base_url: str,
        auth: Auth | Credentials | None = None,
        timeout: float | httpx.Timeout | None = 60.0,
        max_retries: int = 2,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        headers: Mapping[str, str] | None = None,
        user_agent: str = "apiforge-client",
        retry_non_idempotent: bool = False,
    ) -> None:
        super().__init__(
            base_url=base_url,
            auth=auth,
            timeout=timeout,
            max_retries=max_retries,
            headers=headers,
            user_agent=user_agent,
            retry_non_idempotent=retry_non_idempotent,
        )
        _check_http_client(http_client, transport, httpx.AsyncClient)
        self._owns_http_client = http_client is None
        self._http_client = (
            http_client
            if http_client is not None
            else httpx.AsyncClient(transport=transport, timeout=timeout)
        )

    async def _call(
        self,
        op: Operation[T],
        args: Mapping[str, Any],
        body: Any = None,
        options: RequestOptions | None = None,
    ) -> T:
        """Perform ``op`` and return its parsed result (raises ``APIError`` subclasses)."""
        warn_if_deprecated(op)
        parsed, _ = await self._send(op, args, body, options, None)
        return cast(T, parsed)

    async def _paginate(
        self,
        op: Operation[Any],
        args: Mapping[str, Any],
        item_type: type[T],
        body: Any = None,
        options: RequestOptions | None = None,
    ) -> AsyncIterator[T]:
        """Iterate over the items of every page of ``op`` (see the pagination rules)."""
        pages = self._pages(op, item_type)
        while pages.more:
            page, response = await self._send(op, args, body, options, pages.query)
            for item in pages.items(page, response):
                yield item

    async def _send(
        self,
        op: Operation[Any],
        args: Mapping[str, Any],
        body: Any,
        options: RequestOptions | None,
        query_override: list[tuple[str, str]] | None,
    ) -> tuple[Any, httpx.Response]:
        attempts = self._attempts(op, args, body, options, query_override)
        delay: float | None
        while True:
            try:
                response = await self._exchange(attempts)
            except HTTPX_ERRORS as exc:
                delay = attempts.failed(exc)
            else:
                delay = attempts.answered(response)
                if delay is None:
                    return attempts.result(response)
                await response.aclose()
            await self._sleep(delay)

    async def _exchange(self, attempts: Attempts) -> httpx.Response:
        """One attempt: the request, and the redirects it leads to if ``http_client`` follows them."""
        http_client = self._http_client
        response = await http_client.send(attempts.request(http_client), follow_redirects=False)
        while (following := attempts.redirect(response, http_client)) is not None:
            await response.aclose()
            # As in httpx, a redirect does not run the http_client's auth again.
            response = await http_client.send(following, auth=None, follow_redirects=False)
        return response

    async def _sleep(self, seconds: float) -> None:
        """Wait between retries (overridable in tests)."""
        await asyncio.sleep(seconds)

    async def aclose(self) -> None:
        """Close the underlying ``httpx.AsyncClient`` if this client created it."""
        if self._owns_http_client:
            await self._http_client.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


# ----------------------------------------------------------------------------- helpers


def _check_base_url(base_url: str) -> None:
    try:
        url = httpx.URL(base_url)
    except httpx.InvalidURL as exc:
        raise ValueError(f"invalid base_url {base_url!r}: {exc}") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError(f"base_url must be an absolute http(s) URL, not {base_url!r}")
    if "?" in base_url or "#" in base_url:
        # Operation paths are appended to base_url: they would land in its query or fragment.
        raise ValueError(f"base_url must have no query string or fragment, not {base_url!r}")


def _check_http_client(http_client: object, transport: object, expected: type) -> None:
    """Reject ``http_client`` together with ``transport``, or of the other flavour."""
    if http_client is not None and transport is not None:
        raise ValueError("pass either http_client or transport, not both")
    if http_client is not None and not isinstance(http_client, expected):
        raise TypeError(
            f"http_client must be an httpx.{expected.__name__}, not {type(http_client).__name__}"
        )
