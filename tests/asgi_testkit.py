"""Raw ASGI requests for the routing tests (no client library, no server in between)."""

from __future__ import annotations

import asyncio
from typing import Any


async def run_request(
    app: Any,
    method: str,
    path: str,
    headers: list[tuple[bytes, bytes]],
    root_path: str = "",
    raw_path: bytes | None = None,
) -> tuple[dict[str, Any], list[dict[str, Any]], Exception | None]:
    """Send one bodiless HTTP request to ``app``: the scope routing filled in, the messages sent
    back, and the exception that escaped the app (None when it answered normally).

    ``raw_path`` is ``path`` as the client encoded it (``path`` itself, encoded, by default).
    """
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode() if raw_path is None else raw_path,
        "root_path": root_path,
        "query_string": b"",
        "headers": [(b"host", b"testserver"), *headers],
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
    }
    messages: list[dict[str, Any]] = []
    received: list[bool] = []

    async def receive() -> dict[str, Any]:
        if received:  # the body was read: the client stays connected until the response is sent
            await asyncio.Event().wait()
        received.append(True)
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    try:
        await app(scope, receive, send)
    except Exception as exc:  # noqa: BLE001 -- returned: callers compare what escapes two apps
        return scope, messages, exc
    return scope, messages, None


def response_body(messages: list[dict[str, Any]]) -> bytes:
    """The body of the response ``messages`` carry."""
    return b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")


def unindexed(app: Any) -> Any:
    """``app`` with Starlette's own dispatch again (every route scanned, no route index)."""
    app.router.middleware_stack = app.router.app
    return app
