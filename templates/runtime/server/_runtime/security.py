"""Security schemes: how credentials travel, are read and are refused (401/403)."""

from base64 import b64decode
from binascii import Error as BinasciiError
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import (
    TYPE_CHECKING,
    Any,
    Final,
    Literal,
)

from fastapi import Security
from fastapi.security import (
    APIKeyCookie,
    APIKeyHeader,
    APIKeyQuery,
    HTTPBasic,
    HTTPBearer,
    OAuth2,
    OpenIdConnect,
)
from fastapi.security.base import SecurityBase
from starlette.requests import HTTPConnection

from .context import Principal
from .errors import ApiError

if TYPE_CHECKING:
    from .binder import Binder


SecurityKind = Literal[
    "bearer", "api_key_header", "api_key_query", "api_key_cookie", "basic", "oauth2", "openid"
]
"""How a credential travels; one constant per spec ``securitySchemes`` type."""

BEARER: Final = "bearer"
"""``type: http, scheme: bearer``: ``Authorization: Bearer <token>``."""
API_KEY_HEADER: Final = "api_key_header"
"""``type: apiKey, in: header`` (``param_name`` is the header name)."""
API_KEY_QUERY: Final = "api_key_query"
"""``type: apiKey, in: query`` (``param_name`` is the query parameter)."""
API_KEY_COOKIE: Final = "api_key_cookie"
"""``type: apiKey, in: cookie`` (``param_name`` is the cookie name)."""
BASIC: Final = "basic"
"""``type: http, scheme: basic``; the authenticator gets ``"username:password"``."""
OAUTH2: Final = "oauth2"
"""``type: oauth2``: a bearer token; pass ``flows`` to document them."""
OPENID_CONNECT: Final = "openid"
"""``type: openIdConnect``: a bearer token; pass ``openid_connect_url``."""

_BEARER_LIKE: Final = frozenset({BEARER, OAUTH2, OPENID_CONNECT})
_API_KEYS: Final = frozenset({API_KEY_HEADER, API_KEY_QUERY, API_KEY_COOKIE})
_MALFORMED: Final = object()


@dataclass(frozen=True)
class SecurityRequirement:
    """One scheme of an operation's ``security`` list, with the scopes it requires.

    :param kind: one of the kind constants (``BEARER``, ``API_KEY_HEADER``...).
    :param scheme_name: the key under ``components/securitySchemes`` in the spec.
    :param scopes: scopes the principal must all hold.
    :param param_name: header/query/cookie name; required for the ``API_KEY_*`` kinds.
    :param description: the scheme's description, shown in ``app.openapi()``.
    :param bearer_format: ``bearerFormat`` of a ``BEARER`` scheme (e.g. ``JWT``).
    :param flows: the ``flows`` object of an ``OAUTH2`` scheme.
    :param openid_connect_url: the ``openIdConnectUrl`` of an ``OPENID_CONNECT`` scheme.
    """

    kind: SecurityKind
    scheme_name: str
    scopes: Sequence[str] = ()
    param_name: str | None = None
    description: str | None = None
    bearer_format: str | None = None
    flows: Mapping[str, Mapping[str, Any]] | None = None
    openid_connect_url: str | None = None


class _LenientHTTPBasic(HTTPBasic):
    """``HTTPBasic`` that never raises: returns the raw base64 parameter or ``None``.

    FastAPI's own class answers malformed credentials with its own 401 even when
    ``auto_error=False``; decoding here keeps the runtime's error shape.
    """

    async def __call__(self, request: HTTPConnection) -> str | None:  # type: ignore[override]
        scheme, _, param = (request.headers.get("Authorization") or "").partition(" ")
        return param.strip() if scheme.lower() == "basic" else None


def _make_scheme(req: SecurityRequirement) -> Callable[..., Awaitable[Any]]:
    """Build the FastAPI security object that documents ``req``'s scheme."""
    name, description = req.scheme_name, req.description
    if req.kind == BEARER:
        return HTTPBearer(
            scheme_name=name,
            description=description,
            bearerFormat=req.bearer_format,
            auto_error=False,
        )
    if req.kind == BASIC:
        return _LenientHTTPBasic(scheme_name=name, description=description, auto_error=False)
    if req.kind == OAUTH2:
        flows = {key: dict(value) for key, value in (req.flows or {}).items()}
        return OAuth2(flows=flows, scheme_name=name, description=description, auto_error=False)
    if req.kind == OPENID_CONNECT:
        if not req.openid_connect_url:
            raise ValueError(f"security scheme {name!r}: openid_connect_url is required")
        return OpenIdConnect(
            openIdConnectUrl=req.openid_connect_url,
            scheme_name=name,
            description=description,
            auto_error=False,
        )
    if req.kind not in (API_KEY_HEADER, API_KEY_QUERY, API_KEY_COOKIE):
        raise ValueError(f"security scheme {name!r}: unknown kind {req.kind!r}")
    if not req.param_name:
        raise ValueError(f"security scheme {name!r}: param_name is required for {req.kind}")
    key_name = req.param_name
    if req.kind == API_KEY_HEADER:
        return APIKeyHeader(
            name=key_name, scheme_name=name, description=description, auto_error=False
        )
    if req.kind == API_KEY_QUERY:
        return APIKeyQuery(
            name=key_name, scheme_name=name, description=description, auto_error=False
        )
    return APIKeyCookie(name=key_name, scheme_name=name, description=description, auto_error=False)


def _extract(kind: str, raw: Any) -> object:
    """The credential string from what the scheme object returned, ``None`` if absent.

    Returns ``_MALFORMED`` for a credential that is present but unusable.
    """
    if raw is None:
        return None
    if kind == BEARER:  # HTTPAuthorizationCredentials
        token: str = raw.credentials.strip()
        return token or _MALFORMED
    if kind == BASIC:
        try:
            decoded = b64decode(str(raw), validate=True).decode("utf-8")
        except (BinasciiError, ValueError):
            return _MALFORMED
        return decoded if ":" in decoded else _MALFORMED
    if kind in (OAUTH2, OPENID_CONNECT):  # the raw Authorization header value
        scheme, _, token = str(raw).partition(" ")
        if not scheme:
            return None
        token = token.strip()
        return token if scheme.lower() == "bearer" and token else _MALFORMED
    return str(raw) or None  # API keys


def _granted(principal: Principal) -> Collection[str]:
    """The scopes ``principal`` holds; a ``str`` is OAuth's space-delimited list (RFC 6749).

    Read as a collection, a ``str`` would grant any scope it contains as a substring:
    ``"read"`` to a principal whose ``scopes`` is the claim ``"unread"``.
    """
    scopes = principal.scopes
    return scopes.split() if isinstance(scopes, str) else scopes


def _challenge(kinds: Collection[str], error: str | None = None, scope: str = "") -> str | None:
    """A ``WWW-Authenticate`` value naming each kind involved (RFC 9110: a 401 carries one).

    API keys have no registered scheme; like FastAPI's own ``APIKey*`` classes, they are
    challenged as ``APIKey``.
    """
    challenges: list[str] = []
    if any(kind in _BEARER_LIKE for kind in kinds):
        params = [f'error="{error}"'] if error else []
        if scope:
            params.append(f'scope="{scope}"')
        challenges.append("Bearer" + (" " + ", ".join(params) if params else ""))
    if BASIC in kinds:
        challenges.append("Basic")
    if any(kind in _API_KEYS for kind in kinds):
        challenges.append("APIKey")
    return ", ".join(challenges) or None


def _auth_error(
    status_code: int, detail: str, challenge: str | None, extra: Mapping[str, Any] | None = None
) -> ApiError:
    headers = {"WWW-Authenticate": challenge} if challenge else None
    return ApiError(status_code, detail, headers=headers, extra=extra)


class _Guard(SecurityBase):
    """One security requirement as a single FastAPI dependency (see :meth:`Binder.requires`).

    FastAPI documents it as the requirement's scheme (it is a ``SecurityBase`` with that
    scheme's model and name); per request it reads the credential through the scheme
    object, a plain call rather than a dependency of its own, and returns the principal.
    A bearer token is read from the ``Authorization`` header directly, as ``HTTPBearer``
    reads it, without building its credentials model.
    """

    def __init__(self, binder: "Binder", requirement: SecurityRequirement) -> None:
        self._binder = binder
        self._requirements = (requirement,)
        self._kinds = frozenset({requirement.kind})
        scheme = _make_scheme(requirement)
        self._read: Callable[..., Awaitable[Any]] = scheme
        documented: object = scheme
        assert isinstance(documented, SecurityBase)
        self.model = documented.model
        self.scheme_name = documented.scheme_name

    async def __call__(self, request: HTTPConnection) -> Principal | None:
        """The principal of ``request``'s credential; 401/403 as :meth:`Binder.security_any` says."""
        kind = self._requirements[0].kind
        if kind == BEARER:
            scheme, _, token = (request.headers.get("Authorization") or "").partition(" ")
            token = token.strip()
            credential: object = token if token and scheme.lower() == "bearer" else None
        else:
            credential = _extract(kind, await self._read(request))
        return await self._binder._authorize(self._requirements, (credential,), self._kinds, False)


async def _refuse_unsupported() -> Principal | None:
    detail = "not authenticated: the operation's security schemes are not supported"
    raise _auth_error(401, detail, None)


UNSUPPORTED_SECURITY: Final = Security(_refuse_unsupported)
"""The marker of a route whose spec requires credentials this runtime cannot check.

Its schemes are all unsupported (``http`` schemes other than bearer and basic,
``mutualTLS``...), so every request is answered ``401``: the operation is never served
unchecked. The spec's ``security`` stays documented in ``app.openapi()``.
"""
