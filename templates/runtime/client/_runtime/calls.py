"""One call and one pagination run without the I/O, shared by the sync and async clients.

As in httpx (one ``auth_flow`` driven by a sync and an async loop), the decisions are
written once here: :class:`Attempts` builds the request, decides whether and when to
retry and parses the answer; :class:`Pages` knows the query of the next page and
validates the items. ``SyncClientBase`` and ``AsyncClientBase`` drive them in loops
that differ only in ``await``.
"""

from __future__ import annotations

import sys
import urllib.parse
import warnings
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any, Generic

import httpx
from pydantic import TypeAdapter

from .errors import ResponseValidationError
from .operation import Operation, T
from .pagination import Pager, cursor_param, page_items
from .raw import capture_response
from .request import PreparedRequest
from .response import READING_REPLY, connection_error, parse_response, type_adapter
from .retry import RetryPolicy, retry_delay

__all__ = ["Attempts", "Pages", "warn_if_deprecated"]


class Attempts:
    """The attempts of one request: what to send, whether to retry, what it answered.

    Args:
        op: the operation.
        prepared: its request, built once.
        policy: the retry policy for this call.
        clock: ``(now, jitter)`` sources, read at each retry decision.
    """

    def __init__(
        self,
        op: Operation[Any],
        prepared: PreparedRequest,
        policy: RetryPolicy,
        clock: tuple[Callable[[], float], Callable[[], float]],
    ) -> None:
        self._op = op
        self._prepared = prepared
        self._policy = policy
        self._now, self._jitter = clock
        self._retries = 0
        self._request: httpx.Request | None = None
        self._redirects: list[httpx.Response] = []

    def request(self, http_client: httpx.Client | httpx.AsyncClient) -> httpx.Request:
        """The ``httpx.Request`` of the next attempt (built by ``http_client`` for its defaults)."""
        self._request = None
        self._redirects = []
        prepared = self._prepared
        self._request = http_client.build_request(
            prepared.method,
            prepared.url,
            headers=prepared.headers,
            content=prepared.content,
            files=prepared.files,
            timeout=prepared.timeout,
        )
        if http_client.params:
            # httpx replaces a URL's query with the client's own params: put ours back.
            self._request.url = httpx.URL(_with_client_params(prepared.url, http_client.params))
        if http_client.cookies and "cookie" in self._request.headers:
            # httpx leaves its jar out of a request that has a Cookie header: join them.
            _add_jar_cookies(self._request, http_client.cookies)
        return self._request

    def redirect(
        self, response: httpx.Response, http_client: httpx.Client | httpx.AsyncClient
    ) -> httpx.Request | None:
        """The request a redirect leads to when ``http_client`` follows redirects, else None.

        The clients send with ``follow_redirects=False`` and follow here, as httpx would
        (its ``next_request``, ``max_redirects``), because httpx strips only
        ``Authorization`` when a redirect leaves the origin: the client's credentials
        (an API key header, a cookie) go to its own origin only, and come back with a
        redirect that returns there.

        Raises:
            httpx.TooManyRedirects: past ``http_client.max_redirects``.
        """
        following = response.next_request
        if following is None or not http_client.follow_redirects:
            return None
        first = (self._redirects[0] if self._redirects else response).request
        if len(self._redirects) >= http_client.max_redirects:
            raise httpx.TooManyRedirects("Exceeded maximum allowed redirects.", request=following)
        headers = following.headers
        if _same_origin(first.url, following.url):
            # httpx drops every Cookie header on a redirect: the first request's go again.
            for name in ("cookie", *self._prepared.credential_headers):
                if name in first.headers:
                    headers[name] = first.headers[name]
        else:
            for name in self._prepared.credential_headers:
                headers.pop(name, None)
        self._redirects.append(response)
        self._request = following
        return following

    def failed(self, error: Exception) -> float:
        """Seconds to wait after a transport error; raises ``APIConnectionError`` when it is final."""
        delay = self._delay(error=error)
        if delay is None:
            raise connection_error(error, self._request) from error
        return delay

    def answered(self, response: httpx.Response) -> float | None:
        """Seconds to wait before retrying ``response``, or None when it is the answer."""
        return self._delay(response=response)

    def result(self, response: httpx.Response) -> tuple[Any, httpx.Response]:
        """The parsed answer (or the ``APIError`` it raises) and the response itself."""
        response.history = list(self._redirects)
        capture_response(response)
        return parse_response(self._op, response), response

    def _delay(
        self, *, response: httpx.Response | None = None, error: BaseException | None = None
    ) -> float | None:
        delay = retry_delay(
            self._policy,
            method=self._prepared.method,
            retries_done=self._retries,
            response=response,
            error=error,
            now=self._now(),
            jitter=self._jitter(),
        )
        if delay is not None:
            self._retries += 1
        return delay


class Pages(Generic[T]):
    """One pagination run of ``op``: the query of the page to fetch next and the validated items.

    ``query`` is None for the first page (the operation's own query); ``more`` turns
    False when the pagination rules (:class:`Pager`) say to stop.
    """

    def __init__(
        self, item_type: type[T], max_pages: int, op: Operation[Any] | None = None
    ) -> None:
        self._adapter = type_adapter(item_type)
        self._pager = Pager(max_pages, cursor_param(op) if op is not None else None)
        self._max_pages = max_pages
        self.query: list[tuple[str, str]] | None = None
        self.more = True

    def items(self, page: Any, response: httpx.Response) -> Iterator[T]:
        """Yield the page's items, validated; then decide the next page (and warn if cut short).

        Raises:
            ResponseValidationError: an item is not valid, or the page came as text (a
                text type the status documents beside JSON), which holds no items.
        """
        if isinstance(page, str):
            raise ResponseValidationError(
                "a page came as text, not as a page of items: "
                f"{response.headers.get('content-type', '')}",
                response=response,
            )
        for item in page_items(page):
            yield _validate_item(self._adapter, item, response)
        self.query = self._pager.follow(page, _request_query(response))
        self.more = self.query is not None
        if not self.more and self._pager.truncated:
            _warn_user(
                f"pagination stopped after {self._max_pages} pages; more pages exist",
                RuntimeWarning,
            )
        elif not self.more and self._pager.unfollowed is not None:
            _warn_user(
                f"pagination stopped: the page's next {self._pager.unfollowed!r} is neither"
                " a link with a query string nor a token for a cursor parameter",
                RuntimeWarning,
            )


def _request_query(response: httpx.Response) -> bytes:
    """The raw query string of the request ``response`` answers (b"" when it has none)."""
    try:
        return response.request.url.query
    except RuntimeError:  # a response built without its request
        return b""


def _with_client_params(url: str, params: httpx.QueryParams) -> str:
    """``url`` (its query as encoded) followed by the http_client's default ``params``,
    those it names itself aside (as in httpx, a request's parameter wins)."""
    query = url.partition("?")[2]
    named = {urllib.parse.unquote_plus(pair.partition("=")[0]) for pair in query.split("&")}
    extra = [(name, value) for name, value in params.multi_items() if name not in named]
    if not extra:
        return url
    return url + ("&" if query else "?") + urllib.parse.urlencode(extra)


def _add_jar_cookies(request: httpx.Request, jar: httpx.Cookies) -> None:
    """Put the cookies ``jar`` holds for ``request``'s URL before its own ``Cookie`` header,
    but those it names itself (as in a browser, the explicit cookie wins)."""
    probe = httpx.Request(request.method, request.url)
    jar.set_cookie_header(probe)
    stored = probe.headers.get("cookie")
    if not stored:
        return
    own = request.headers["cookie"]
    named = {pair.partition("=")[0].strip() for pair in own.split(";")}
    kept = [pair for pair in stored.split("; ") if pair.partition("=")[0] not in named]
    if kept:
        request.headers["cookie"] = "; ".join([*kept, own])


def _same_origin(sent: httpx.URL, redirected: httpx.URL) -> bool:
    """True when ``redirected`` is on the origin of ``sent``, or is its upgrade from
    ``http`` to ``https`` on the same host (where httpx keeps ``Authorization`` too)."""
    if sent.host != redirected.host:
        return False
    if sent.scheme == redirected.scheme:
        return _port(sent) == _port(redirected)
    upgrade = sent.scheme == "http" and redirected.scheme == "https"
    return upgrade and _port(sent) == 80 and _port(redirected) == 443


def _port(url: httpx.URL) -> int | None:
    """The URL's port, the scheme's default one spelt out."""
    return url.port if url.port is not None else {"http": 80, "https": 443}.get(url.scheme)


def warn_if_deprecated(op: Operation[Any]) -> None:
    """Warn (at the caller's line) when the API marks ``op`` as deprecated."""
    if op.deprecated:
        _warn_user(
            f"{op.operation_id} ({op.method.upper()} {op.path}) is deprecated by the API",
            DeprecationWarning,
        )


def _validate_item(adapter: TypeAdapter[T], item: Any, response: httpx.Response) -> T:
    """Validate one page item (models already validated by the page come back as is)."""
    try:
        return adapter.validate_python(item, context=READING_REPLY)
    except ValueError as exc:
        raise ResponseValidationError(
            f"a page item is not valid ({exc})", response=response
        ) from exc


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
