"""Principals, credentials, the request context, route metadata and the hooks of ``create_app``."""

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


class Credential(str):
    """The credential a request presented, with the security scheme it came for.

    It is the credential text itself (a ``str``: a one-argument hook written for a bare
    token keeps working), plus ``scheme``, the key of the scheme under the spec's
    ``components/securitySchemes``, and ``kind``, how it travelled (``"bearer"``,
    ``"api_key_header"``, ``"basic"``...). A hook serving several schemes checks
    ``scheme``, so that a credential issued for one is not accepted in another's place.
    """

    scheme: str
    kind: str


def _credential(text: str, scheme: str, kind: str) -> Credential:
    """``text`` as the :class:`Credential` of scheme ``scheme`` (of kind ``kind``)."""
    credential = Credential(text)
    credential.scheme = scheme
    credential.kind = kind
    return credential


Authenticator = Callable[[Credential], "Principal | None | Awaitable[Principal | None]"]
"""Turns a credential into a principal, or ``None`` when the credential is invalid.

It receives a :class:`Credential`: the bearer token (``BEARER``/``OAUTH2``/``OPENID_CONNECT``),
the API key (``API_KEY_*``) or the decoded ``"username:password"`` (``BASIC``), whose
``scheme`` names the spec's security scheme it was presented for. One hook serves every
scheme of the API, so where a credential of one scheme must not pass for another (an API
key is no bearer token), check ``credential.scheme``. It may be sync or async; a sync
authenticator runs on the event loop, so it must not block.
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
    :param bodies: the type of each documented JSON body, keyed like ``media_types``
        (``{"201": Account, "4XX": Error}``): a body the implementation returns for that
        status is validated into it before it is sent (see :func:`to_response`).
    :param texts: the text type a status documents beside its JSON one, keyed like
        ``media_types`` (``{"200": "text/plain"}``): a ``str`` returned for that status
        that is no valid JSON body of it is sent as that type (see :func:`to_response`).
    """

    operation_id: str
    status_code: int
    media_type: str | None = "application/json"
    media_types: Mapping[str, str | None] | None = None
    bodies: Mapping[str, Any] | None = None
    texts: Mapping[str, str | None] | None = None

    def media_type_for(self, status_code: int) -> str | None:
        """The documented media type of ``status_code``: exact, then range (``4XX``), then default."""
        types = self.media_types
        key = _documented(types, status_code) if types else None
        return self.media_type if types is None or key is None else types[key]

    def body_type_for(self, status_code: int) -> Any:
        """The documented JSON body type of ``status_code`` (exact, range, default), or None."""
        bodies = self.bodies
        key = _documented(bodies, status_code) if bodies else None
        return None if bodies is None or key is None else bodies[key]

    def text_type_for(self, status_code: int) -> str | None:
        """The text type ``status_code`` documents beside its JSON one (exact, range, default)."""
        texts = self.texts
        key = _documented(texts, status_code) if texts else None
        return None if texts is None or key is None else texts[key]


def _documented(by_status: Mapping[str, object], status_code: int) -> str | None:
    """The key of ``by_status`` documenting ``status_code``: exact, then range (``4XX``), then
    default. A status listed with ``None`` (documented, no body) is found, not passed over."""
    for key in (str(status_code), f"{status_code // 100}XX", "default"):
        if key in by_status:
            return key
    return None


OperationMiddleware = Callable[[RequestContext, Callable[[], Awaitable[Any]]], Awaitable[Any]]
"""``async def mw(context, call_next) -> result``.

Middleware run in the order given, outermost first, around the implementation call.
``await call_next()`` returns the handler's raw result (a model, a status wrapper, ...);
a middleware may transform it, return its own value or ``Response`` without calling
``call_next`` (short-circuit), or catch exceptions raised below it (a pluggable error
handler). Whatever the outermost middleware returns goes through :func:`to_response`.
"""


_STUB_CACHE: dict[tuple[type, str], bool] = {}


def _inherited_protocol_stub(cls: type, name: str) -> bool:
    """True when ``cls`` gets method ``name`` from a ``Protocol`` class body (cached).

    A user class that subclasses the generated ``Protocol`` explicitly but forgets a
    method inherits the stub, whose ``...`` body would silently return ``None``.
    """
    key = (cls, name)
    cached = _STUB_CACHE.get(key)
    if cached is None:
        owner = next((klass for klass in cls.__mro__ if name in vars(klass)), None)
        cached = owner is not None and bool(vars(owner).get("_is_protocol", False))
        _STUB_CACHE[key] = cached
    return cached


def _resolve_method(implementation: object, name: str) -> Callable[..., Any] | None:
    if implementation is None:
        return None
    method: object = getattr(implementation, name, None)
    if not callable(method):
        return None
    if name not in getattr(implementation, "__dict__", ()) and _inherited_protocol_stub(
        type(implementation), name
    ):
        return None
    return method
