"""A cookie credential (or cookie parameter) and the cookies the server set, sent together.

The client joins its cookie credentials and cookie parameters into one ``Cookie`` header;
httpx then leaves out its own cookie jar (a session, a CSRF token, a load balancer's
stickiness cookie the server set earlier), so those vanished from every operation taking
a cookie and came back on the others. Over real uvicorn.
"""

from __future__ import annotations

import asyncio
import textwrap
from typing import Any

import httpx
import pytest
from apiforge_testkit import Built, build
from live_server import serve
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

SPEC = textwrap.dedent(
    """
    openapi: 3.0.3
    info: {title: Cookies, version: "1.0"}
    paths:
      /login:
        post:
          operationId: login
          security: []
          responses: {"204": {description: ok}}
      /session:
        get:
          operationId: getSession
          security: [{session: []}]
          parameters:
            - {name: theme, in: cookie, schema: {type: string}}
          responses: {"204": {description: ok}}
    components:
      securitySchemes:
        session: {type: apiKey, in: cookie, name: session}
    """
)


@pytest.fixture(scope="module")
def cookies(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("cookies"), SPEC, "cookies.yaml", "fn_cookie_credentials")


class Server:
    """``/login`` sets ``sticky`` and ``session`` cookies; every request's cookies are kept."""

    def __init__(self) -> None:
        self.seen: list[dict[str, str]] = []

    def app(self) -> Starlette:
        async def record(request: Request) -> Response:
            self.seen.append(dict(request.cookies))
            response = Response(status_code=204)
            if request.url.path == "/login":
                response.set_cookie("sticky", "lb-1")
                response.set_cookie("session", "from-server")
            return response

        return Starlette(routes=[Route("/{path:path}", record, methods=["GET", "POST"])])


def test_the_servers_cookies_go_along_with_a_cookie_credential(cookies: Built) -> None:
    server = Server()
    with serve(server.app()) as url:
        client = cookies.client.Client(base_url=url, api_key="mine")
        client.login.login()
        client.session.get_session(theme="dark")
    # The jar's sticky cookie joins ours; our session credential wins over the jar's.
    assert server.seen[1] == {"sticky": "lb-1", "session": "mine", "theme": "dark"}


def test_the_async_client_sends_them_alike(cookies: Built) -> None:
    server = Server()

    async def calls(url: str) -> None:
        async with cookies.client.AsyncClient(base_url=url, api_key="mine") as client:
            await client.login.login()
            await client.session.get_session()

    with serve(server.app()) as url:
        asyncio.run(calls(url))
    assert server.seen[1] == {"sticky": "lb-1", "session": "mine"}


def test_a_jar_cookie_for_another_host_stays_out(cookies: Built) -> None:
    server = Server()
    jar = httpx.Cookies()
    jar.set("elsewhere", "x", domain="example.org")
    with serve(server.app()) as url:
        http_client: Any = httpx.Client(cookies=jar)
        cookies.client.Client(
            base_url=url, api_key="mine", http_client=http_client
        ).session.get_session()
    assert server.seen == [{"session": "mine"}]
