"""Client base classes that generated ``Client`` and ``AsyncClient`` classes extend.

As in httpx (``BaseClient`` vs ``Client``/``AsyncClient``), everything that does no
I/O lives in ``_ClientCore``: settings, request building, the retry decision and the
pagination rules. The sync and async classes only add the httpx call, the sleep
between retries and the context managers, so their loops mirror each other line for
line.

Generated resource methods call ``_call`` (one result) or ``_paginate`` (an iterator
over all items of all pages). Tests can override ``_sleep``, ``_now`` and ``_jitter``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import random
import sys
import time
import warnings
from collections.abc import AsyncIterator, Iterator, Mapping
from types import FrameType, TracebackType
from typing import TYPE_CHECKING, Any, ClassVar, cast

import httpx
from pydantic import TypeAdapter

from .auth import Auth
from .errors import ResponseValidationError
from .operation import Operation, RequestOptions, T
from .pagination import Pager, page_items
from .raw import capture_response
from .request import ClientSettings, PreparedRequest, TimeoutLike, build_request
from .response import HTTPX_ERRORS, connection_error, parse_response, type_adapter
from .retry import RetryPolicy, retry_delay

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
        auth: Auth | None,
        timeout: TimeoutLike,
        max_retries: int,
        headers: Mapping[str, str] | None,
        user_agent: str,
        retry_non_idempotent: bool,
    ) -> None:
        _check_base_url(base_url)
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

    def _prepare(
        self,
        op: Operation[Any],
        args: Mapping[str, Any],
        body: Any,
        options: RequestOptions | None,
        query_override: list[tuple[str, str]] | None,
    ) -> PreparedRequest:
        return build_request(op, args, body, options, self._settings, query_override=query_override)

    def _policy(self, options: RequestOptions | None) -> RetryPolicy:
        policy = self._retry_policy
        if options and "max_retries" in options:
            policy = dataclasses.replace(policy, max_retries=max(0, options["max_retries"]))
        if options and "retry_non_idempotent" in options:
            policy = dataclasses.replace(
                policy, retry_non_idempotent=options["retry_non_idempotent"]
            )
        return policy

    def _retry_delay(
        self,
        policy: RetryPolicy,
        method: str,
        retries_done: int,
        *,
        response: httpx.Response | None = None,
        error: BaseException | None = None,
    ) -> float | None:
        return retry_delay(
            policy,
            method=method,
            retries_done=retries_done,
            response=response,
            error=error,
            now=self._now(),
            jitter=self._jitter(),
        )

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
        auth: credentials (see ``bearer_auth``, ``api_key_auth``, ``basic_auth``).
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
        auth: Auth | None = None,
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
        if http_client is not None and transport is not None:
            raise ValueError("pass either http_client or transport, not both")
        if http_client is not None and not isinstance(http_client, httpx.Client):
            raise TypeError(
                f"http_client must be an httpx.Client, not {type(http_client).__name__}"
            )
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
        if op.deprecated:
            _warn_deprecated(op)
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
        if op.deprecated:
            _warn_deprecated(op)
        adapter = type_adapter(item_type)
        pager = Pager(self._max_pages)
        page, response = self._send(op, args, body, options, None)
        while True:
            for item in page_items(page):
                yield _validate_item(adapter, item, response)
            query = pager.follow(page)
            if query is None:
                break
            page, response = self._send(op, args, body, options, query)
        if pager.truncated:
            _warn_truncated(self._max_pages)

    def _send(
        self,
        op: Operation[Any],
        args: Mapping[str, Any],
        body: Any,
        options: RequestOptions | None,
        query_override: list[tuple[str, str]] | None,
    ) -> tuple[Any, httpx.Response]:
        prepared = self._prepare(op, args, body, options, query_override)
        policy = self._policy(options)
        retries = 0
        while True:
            request: httpx.Request | None = None
            try:
                request = _httpx_request(self._http_client, prepared)
                response = self._http_client.send(request)
            except HTTPX_ERRORS as exc:
                delay = self._retry_delay(policy, prepared.method, retries, error=exc)
                if delay is None:
                    raise connection_error(exc, request) from exc
            else:
                delay = self._retry_delay(policy, prepared.method, retries, response=response)
                if delay is None:
                    capture_response(response)
                    return parse_response(op, response), response
                response.close()
            self._sleep(delay)
            retries += 1

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
        auth: Auth | None = None,
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
        if http_client is not None and transport is not None:
            raise ValueError("pass either http_client or transport, not both")
        if http_client is not None and not isinstance(http_client, httpx.AsyncClient):
            raise TypeError(
                f"http_client must be an httpx.AsyncClient, not {type(http_client).__name__}"
            )
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
        if op.deprecated:
            _warn_deprecated(op)
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
        if op.deprecated:
            _warn_deprecated(op)
        adapter = type_adapter(item_type)
        pager = Pager(self._max_pages)
        page, response = await self._send(op, args, body, options, None)
        while True:
            for item in page_items(page):
                yield _validate_item(adapter, item, response)
            query = pager.follow(page)
            if query is None:
                break
            page, response = await self._send(op, args, body, options, query)
        if pager.truncated:
            _warn_truncated(self._max_pages)

    async def _send(
        self,
        op: Operation[Any],
        args: Mapping[str, Any],
        body: Any,
        options: RequestOptions | None,
        query_override: list[tuple[str, str]] | None,
    ) -> tuple[Any, httpx.Response]:
        prepared = self._prepare(op, args, body, options, query_override)
        policy = self._policy(options)
        retries = 0
        while True:
            request: httpx.Request | None = None
            try:
                request = _httpx_request(self._http_client, prepared)
                response = await self._http_client.send(request)
            except HTTPX_ERRORS as exc:
                delay = self._retry_delay(policy, prepared.method, retries, error=exc)
                if delay is None:
                    raise connection_error(exc, request) from exc
            else:
                delay = self._retry_delay(policy, prepared.method, retries, response=response)
                if delay is None:
                    capture_response(response)
                    return parse_response(op, response), response
                await response.aclose()
            await self._sleep(delay)
            retries += 1

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


def _httpx_request(
    client: httpx.Client | httpx.AsyncClient, prepared: PreparedRequest
) -> httpx.Request:
    return client.build_request(
        prepared.method,
        prepared.url,
        headers=prepared.headers,
        content=prepared.content,
        files=prepared.files,
        timeout=prepared.timeout,
    )


def _validate_item(adapter: TypeAdapter[T], item: Any, response: httpx.Response) -> T:
    """Validate one page item (models already validated by the page come back as is)."""
    try:
        return adapter.validate_python(item)
    except ValueError as exc:
        raise ResponseValidationError(
            f"a page item is not valid ({exc})", response=response
        ) from exc


def _warn_deprecated(op: Operation[Any]) -> None:
    _warn_user(
        f"{op.operation_id} ({op.method.upper()} {op.path}) is deprecated by the API",
        DeprecationWarning,
    )


def _warn_truncated(max_pages: int) -> None:
    _warn_user(f"pagination stopped after {max_pages} pages; more pages exist", RuntimeWarning)


def _warn_user(message: str, category: type[Warning]) -> None:
    """Warn with the location of the first caller outside the generated package."""
    warnings.warn(message, category, stacklevel=_user_stacklevel())


def _user_stacklevel() -> int:
    """The ``stacklevel`` (seen from ``_warn_user``) of the first frame outside our code.

    "Our code" is the generated package this runtime was copied into (the parent of
    ``_runtime``), which also holds the generated resource methods; when the runtime
    is imported on its own, just the runtime package.
    """
    runtime = __name__.rpartition(".")[0]
    owner = runtime.rpartition(".")[0] or runtime
    frame: FrameType | None = sys._getframe(2)  # the caller of _warn_user
    level = 2
    while frame is not None:
        name = str(frame.f_globals.get("__name__", ""))
        if name != owner and not name.startswith(owner + "."):
            break
        frame = frame.f_back
        level += 1
    return level
