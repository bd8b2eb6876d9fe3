"""Principals, the request context, route metadata and the hooks a user passes ``create_app``."""

from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass
from typing import (
    Any,
    Protocol,
    runtime_checkable,
)

from fastapi import Request


@runtime_checkable
class Principal(Protocol):
    """Whoever an :data:`Authenticator` recognised; only ``scopes`` is required."""

    @property
    def scopes(self) -> Collection[str]:
        """Scopes (or roles) granted to the principal, checked against the operation's.

        A ``str`` is read as OAuth's space-delimited list (a token's ``scope`` claim).
        """
        ...


@dataclass(frozen=True, slots=True)
class SimplePrincipal:
    """A ready-made :class:`Principal`: a subject identifier plus its granted scopes."""

    subject: str
    scopes: frozenset[str] = frozenset()


Authenticator = Callable[[str], "Principal | None | Awaitable[Principal | None]"]
"""Turns a credential into a principal, or ``None`` when the credential is invalid.

It receives the bearer token (``BEARER``/``OAUTH2``/``OPENID_CONNECT``), the API key
(``API_KEY_*``) or the decoded ``"username:password"`` (``BASIC``). It may be sync or
async; a sync authenticator runs on the event loop, so it must not block. It is
scheme-blind: one hook serves every scheme of the API.
"""


@dataclass(frozen=True, slots=True)
class RequestContext:
    """Passed as ``context=`` to every implementation method and to every middleware.

    :param operation_id: the spec's operationId of the operation being served.
    :param request: the raw Starlette request (headers, client address, ``request.state``).
    :param principal: the authenticated principal, or ``None`` for unsecured operations.
    """

    operation_id: str
    request: Request
    principal: Principal | None


@dataclass(frozen=True, slots=True)
class Route:
    """Static facts about one operation, supplied by the generated route function.

    :param operation_id: the spec's operationId.
    :param status_code: the status used when the handler returns a plain value.
    :param media_type: media type of the default success response; ``None`` = no body.
    :param media_types: the media type of other documented statuses where it differs
        (``{"404": "application/problem+json", "4XX": ...}``): a status wrapper without
        its own ``media_type`` answers with it.
    """

    operation_id: str
    status_code: int
    media_type: str | None = "application/json"
    media_types: Mapping[str, str] | None = None

    def media_type_for(self, status_code: int) -> str | None:
        """The documented media type of ``status_code``: exact, then range (``4XX``), then default."""
        if self.media_types:
            for key in (str(status_code), f"{status_code // 100}XX", "default"):
                if key in self.media_types:
                    return self.media_types[key]
        return self.media_type


OperationMiddleware = Callable[[RequestContext, Callable[[], Awaitable[Any]]], Awaitable[Any]]
"""``async def mw(context, call_next) -> result``.

Middleware run in the order given, outermost first, around the implementation call.
``await call_next()`` returns the handler's raw result (a model, a status wrapper, ...);
a middleware may transform it, return its own value or ``Response`` without calling
``call_next`` (short-circuit), or catch exceptions raised below it (a pluggable error
handler). Whatever the outermost middleware returns goes through :func:`to_response`.
"""
