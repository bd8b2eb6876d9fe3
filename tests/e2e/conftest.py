"""End-to-end fixtures: the generated packages on ``sys.path`` and real uvicorn servers.

The generated client and server are not installed: importing ``e2e_paths`` puts their
project directories first on ``sys.path``, so the tests import exactly the committed
``generated/``.
``serve_app`` runs an ASGI app with uvicorn on a free 127.0.0.1 port in a background
thread; the ``serve`` fixture stops every server it started when the session ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import e2e_paths  # an `import` sorts before every `from`: sys.path is set up first
import pytest
import uvicorn
from e2e_harness import MODE_HEADER, Blocking, Flaky, Recorder, delay
from posthog_client import (
    AsyncClient,
    Client,
    async_with_raw_response,
    with_raw_response,
)

from examples.posthog_fake import ALL_SCOPES_TOKEN, FakePostHog, create_fake_app

STARTUP_TIMEOUT = 10.0
SHUTDOWN_TIMEOUT = 10.0


@dataclass(frozen=True)
class Served:
    """A running server: its base URL, the uvicorn server and its thread."""

    base_url: str
    server: uvicorn.Server
    thread: threading.Thread


@contextlib.contextmanager
def serve_app(app: Any) -> Iterator[Served]:
    """Serve ``app`` on a free 127.0.0.1 port in a daemon thread until the block exits.

    The listening socket is bound here and handed to uvicorn, so there is no window
    in which another process could take the port; ``TCP_NODELAY`` is set on it because
    uvicorn only sets it on sockets it creates itself.

    Raises:
        RuntimeError: the server did not start within ``STARTUP_TIMEOUT`` seconds.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit this. Without it every response waits ~40 ms: h11
    # writes headers and body separately, and Nagle holds the body for a delayed ACK.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name=f"uvicorn-{port}", daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"uvicorn did not start on 127.0.0.1:{port}")
            time.sleep(0.01)
        yield Served(f"http://127.0.0.1:{port}", server, thread)
    finally:
        server.should_exit = True
        thread.join(SHUTDOWN_TIMEOUT)
        sock.close()
        if thread.is_alive():  # pragma: no cover - a hung server must not pass silently
            raise RuntimeError(f"uvicorn on 127.0.0.1:{port} did not stop")


@pytest.fixture(scope="session")
def serve() -> Iterator[Callable[[Any], Served]]:
    """Start servers on demand (``serve(app)``); all of them stop when the session ends."""
    with contextlib.ExitStack() as stack:
        yield lambda app: stack.enter_context(serve_app(app))


# ---- the PostHog fake behind real HTTP, and clients of both kinds ----------------------


@dataclass(frozen=True)
class PostHogHarness:
    """The served fake: its URL, its state and the middleware probes installed in it."""

    base_url: str
    fake: FakePostHog
    recorder: Recorder
    flaky: Flaky


@pytest.fixture(scope="session")
def posthog(serve: Callable[[Any], Served]) -> PostHogHarness:
    """The example fake (page size 4) with recorder, 429 and delay middleware, over HTTP."""
    fake, recorder, flaky = FakePostHog(page_size=e2e_paths.PAGE_SIZE), Recorder(), Flaky()
    app = create_fake_app(fake, middleware=[recorder, flaky, delay])
    return PostHogHarness(serve(app).base_url, fake, recorder, flaky)


_PROJECTS = iter(range(1, 1_000_000))


class Api:
    """Clients of one kind ("sync" or "async") for one test, each in a fresh project.

    Async clients are wrapped in :class:`e2e_harness.Blocking`, so a scenario is written
    once and drives ``Client`` and ``AsyncClient`` alike. Every request carries the
    ``X-E2E-Mode`` header, so the recorder knows which client sent it.
    """

    def __init__(self, mode: str, harness: PostHogHarness) -> None:
        self.mode = mode
        self.posthog = harness
        self.project = f"{mode}{next(_PROJECTS)}"
        self._loop = asyncio.new_event_loop() if mode == "async" else None
        self._closers: list[Callable[[], Any]] = []
        self.client = self.make()

    def make(self, **kwargs: Any) -> Any:
        """Another client of this kind; ``api_key`` defaults to the all-scopes token."""
        kwargs.setdefault("api_key", ALL_SCOPES_TOKEN)
        kwargs["headers"] = {MODE_HEADER: self.mode, **kwargs.get("headers", {})}
        if self._loop is None:
            client = Client(base_url=self.posthog.base_url, **kwargs)
            self._closers.append(client.close)
            return client
        loop, async_client = self._loop, AsyncClient(base_url=self.posthog.base_url, **kwargs)
        self._closers.append(lambda: loop.run_until_complete(async_client.aclose()))
        return Blocking(async_client, loop)

    def raw(self, method: Any) -> Any:
        """``with_raw_response`` (or its async twin) applied to a client method."""
        if self._loop is None:
            return with_raw_response(method)
        return Blocking(async_with_raw_response(method.target), self._loop)

    def close(self) -> None:
        """Close every client made, then the event loop."""
        for close in self._closers:
            close()
        if self._loop is not None:
            self._loop.close()


@pytest.fixture(params=["sync", "async"])
def api(request: pytest.FixtureRequest, posthog: PostHogHarness) -> Iterator[Api]:
    """An :class:`Api` of each kind (the test runs once with each)."""
    clients = Api(request.param, posthog)
    try:
        yield clients
    finally:
        clients.close()
