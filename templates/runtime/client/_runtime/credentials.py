"""Credentials by security scheme, and which of them each operation is sent.

A generated ``Client`` knows where each of its API's schemes puts its secret (a
``Scheme``, by scheme name) and turns its arguments into ``Credentials``: an ``Auth``
per scheme. Each operation lists its security alternatives (OpenAPI: an OR of
requirements, each an AND of scheme names; ``()`` is the empty requirement ``{}``).
A call is sent the credentials of its first alternative whose schemes all have one
(and need no header twice), and only those: a query API key never rides along to an
operation that wants a bearer token. When none fits, the empty requirement sends no
credentials; otherwise the call fails before anything is sent
(``MissingCredentialsError``), unless the client holds no scheme's credentials at all
(they may come another way: ``headers=``, the ``http_client``'s auth) or the call's own
``extra_headers`` or ``extra_query`` carry a credential one of the operation's schemes
takes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from .auth import Auth, api_key_auth, basic_auth, bearer_auth, combine_auth
from .errors import MissingCredentialsError
from .operation import Security

__all__ = ["Credentials", "Scheme", "Secret"]

Secret = str | tuple[str, str | None] | Auth | None
"""One scheme's credential: a token or key, ``(username, password)`` for HTTP basic, an
``Auth`` made by hand, or None (or ``""``) for none."""


@dataclass(frozen=True)
class Scheme:
    """Where one security scheme's secret goes: ``kind`` ``bearer`` (OAuth 2 and OpenID
    Connect tokens too), ``basic``, or ``api_key`` in ``location`` under ``param``."""

    kind: Literal["bearer", "basic", "api_key"]
    param: str = ""
    location: Literal["header", "query", "cookie"] = "header"

    def auth(self, name: str, secret: Secret) -> Auth | None:
        """The placements of ``secret`` for this scheme (``name`` is the scheme's, for errors)."""
        if secret is None or isinstance(secret, Auth):
            return secret
        if self.kind == "basic":
            if isinstance(secret, str):
                raise TypeError(f"the {name!r} scheme is HTTP basic: pass (username, password)")
            return basic_auth(*secret)
        if not isinstance(secret, str):
            raise TypeError(f"the {name!r} scheme takes a string, not {type(secret).__name__}")
        if self.kind == "bearer":
            return bearer_auth(secret)
        return api_key_auth(self.param, self.location, secret)

    @property
    def header(self) -> str | None:
        """The header that carries this scheme's secret, if any (lower case)."""
        if self.kind != "api_key":
            return "authorization"
        return self.param.lower() if self.location == "header" else None

    def claims(self, where: str, name: str, value: str) -> bool:
        """True when the placement ``name: value`` in ``where`` is where this scheme's secret goes."""
        if self.kind == "api_key":
            if where == "header":
                return where == self.location and name.lower() == self.param.lower()
            return where == self.location and name == self.param
        prefix = "bearer " if self.kind == "bearer" else "basic "
        is_authorization = where == "header" and name.lower() == "authorization"
        return is_authorization and value[: len(prefix)].lower() == prefix


@dataclass(frozen=True)
class Credentials:
    """The client's credentials: ``by_scheme`` by scheme name, and ``everywhere``, what no
    scheme of the API claims (sent with every operation that takes credentials);
    ``schemes``: the API's, whose headers are credentials however they are given."""

    by_scheme: Mapping[str, Auth]
    everywhere: Auth | None = None
    schemes: Mapping[str, Scheme] = field(default_factory=dict)
    _chosen: dict[Security, Auth | None] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @classmethod
    def build(
        cls,
        schemes: Mapping[str, Scheme],
        given: Mapping[str, Secret],
        named: Mapping[str, Secret] | None = None,
        auth: Auth | None = None,
    ) -> Credentials:
        """Credentials from the client's arguments.

        ``given`` comes from the constructor's own arguments (``api_key=``...), ``named``
        from ``credentials=`` (it wins), ``auth`` holds placements made by hand: each goes to
        the schemes that put their secret there, the rest everywhere.

        Raises:
            ValueError: ``named`` names a scheme the API does not use (or a secret no
                header can carry, see ``check_header``).
        """
        unknown = sorted(set(named or ()) - set(schemes))
        if unknown:
            raise ValueError(
                f"no security scheme named {', '.join(map(repr, unknown))}; this API's "
                f"operations use {', '.join(map(repr, sorted(schemes)))}"
            )
        by_scheme: dict[str, Auth] = {}
        for name, secret in {**given, **(named or {})}.items():
            made = schemes[name].auth(name, secret)
            if made is not None:
                by_scheme[name] = made
        placed: dict[str, Auth] = {}  # what ``auth`` holds for a scheme replaces the rest
        everywhere: list[Auth] = []
        for where, name, value, alone in _placements(auth):
            owners = [s for s, scheme in schemes.items() if scheme.claims(where, name, value)]
            for owner in owners:
                placed[owner] = combine_auth(placed.get(owner), alone) or alone
            if not owners:
                everywhere.append(alone)
        by_scheme.update(placed)
        return cls(by_scheme, combine_auth(*everywhere), schemes)

    @property
    def header_names(self) -> frozenset[str]:
        """Every header that carries a credential (lower case): the schemes' own, and those
        of the credentials held, wherever they go."""
        held = [self.everywhere, *self.by_scheme.values()]
        names = {name.lower() for auth in held if auth is not None for name, _ in auth.headers}
        return frozenset(names | {s.header for s in self.schemes.values() if s.header})

    def choose(self, operation_id: str, security: Security, lenient: bool) -> Auth | None:
        """What an operation with ``security`` is sent (None: nothing).

        Raises:
            MissingCredentialsError: no alternative fits, none is the empty requirement,
                the client has some scheme's credentials and the call is not ``lenient``.
        """
        if security in self._chosen:
            return self._chosen[security]
        met = next((alt for alt in security if alt and self._covers(alt)), None)
        if met is None and security and () not in security and self.by_scheme:
            if lenient:
                return self.everywhere  # the call brings the scheme's credential itself
            raise MissingCredentialsError(_missing(operation_id, security, self.by_scheme))
        chosen = None
        if security:
            chosen = combine_auth(*(self.by_scheme[s] for s in met or ()), self.everywhere)
        self._chosen[security] = chosen
        return chosen

    def supplied(
        self, security: Security, headers: Mapping[str, str], query: Mapping[str, object]
    ) -> bool:
        """True when a call's own ``extra_headers`` or ``extra_query`` place a credential
        where one of ``security``'s schemes puts its secret."""
        named = [self.schemes[n] for alt in security for n in alt if n in self.schemes]
        placements = [
            *(("header", name, value) for name, value in headers.items()),
            *(("query", name, str(value)) for name, value in query.items()),
        ]
        return any(s.claims(*where) for s in named for where in placements)

    def _covers(self, alternative: tuple[str, ...]) -> bool:
        """True when every scheme of ``alternative`` has credentials and no two of them
        need the same header with different values (``basic`` and ``oauth2`` together: one
        ``Authorization``). Two OAuth 2 flows required together (Google's ``Oauth2`` and
        ``Oauth2c``) given the same token share the one header."""
        if not set(alternative) <= self.by_scheme.keys():
            return False
        headers = [pair for s in alternative for pair in self.by_scheme[s].headers]
        pairs = {(name.lower(), value) for name, value in headers}
        return len(pairs) == len({name for name, _ in pairs})


def _placements(auth: Auth | None) -> Iterable[tuple[str, str, str, Auth]]:
    """Each placement of ``auth``: where, its name and value, and an ``Auth`` of it alone."""
    if auth is None:
        return
    for name, value in auth.headers:
        yield "header", name, value, Auth(headers=((name, value),))
    for name, value in auth.query:
        yield "query", name, value, Auth(query=((name, value),))
    for name, value in auth.cookies:
        yield "cookie", name, value, Auth(cookies=((name, value),))


def _missing(operation_id: str, security: Security, held: Mapping[str, Auth]) -> str:
    wanted = "; or ".join(" and ".join(repr(s) for s in alternative) for alternative in security)
    return (
        f"{operation_id}() takes credentials for {wanted}, but the client has them for "
        f"{', '.join(map(repr, sorted(held)))} only: pass credentials={{scheme name: secret}}"
    )
