"""Security: the document's security schemes and each operation's requirements.

Part of the IR build (``ir/build.py``). Supported schemes are HTTP bearer and basic,
API keys (header, query, cookie), OAuth 2 and OpenID Connect (sent as a bearer
token); anything else is reported and ignored. An operation whose requirements use
no supported scheme (and do not make credentials optional) is reported: its client
sends no credentials and its server refuses every request, never serves it unchecked.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from apiforge.diagnostics import Sink, SpecLocation
from apiforge.ir.bodies import Deref
from apiforge.ir.model import Api, Operation, SecurityRequirement, SecurityScheme

Requirements = tuple[tuple[tuple[SecurityRequirement, ...], ...], bool, bool]
"""An operation's supported alternatives (OR of ANDs), whether credentials are optional, and
whether it requires credentials in unsupported schemes only (no alternative left, no ``{}``)."""


class Security:
    """The document's supported schemes (``schemes``, by name) and the requirements that use them."""

    def __init__(self, doc: dict[str, Any], sink: Sink, root: SpecLocation, deref: Deref) -> None:
        self.doc, self.sink, self.root, self.deref = doc, sink, root, deref
        self.declared = frozenset((self.doc.get("components") or {}).get("securitySchemes") or ())
        self.schemes = self._read_schemes()
        # Each requirement list read without a diagnostic, by its id: (the list, what it gave).
        # Most operations share one (the document's, or a YAML alias).
        self._read: dict[int, tuple[Any, Requirements]] = {}

    def _read_schemes(self) -> dict[str, SecurityScheme]:
        found: dict[str, SecurityScheme] = {}
        raw = (self.doc.get("components") or {}).get("securitySchemes") or {}
        base = self.root.child("components", "securitySchemes")
        for name, node in raw.items():
            node, loc = self.deref(node, base.child(name))
            if not isinstance(node, dict):
                continue
            kind, scheme = node.get("type"), str(node.get("scheme", "")).lower()
            if kind == "http" and scheme == "bearer":
                found[name] = SecurityScheme(name, "bearer", None, "header", loc)
            elif kind == "http" and scheme == "basic":
                found[name] = SecurityScheme(name, "basic", None, "header", loc)
            elif kind == "apiKey" and node.get("in") in ("header", "query", "cookie"):
                found[name] = SecurityScheme(
                    name, "api_key", str(node.get("name")), node["in"], loc
                )
            elif kind in ("oauth2", "openIdConnect"):
                found[name] = SecurityScheme(
                    name, "oauth2" if kind == "oauth2" else "openid", None, "header", loc
                )
            else:
                spelt = f"{kind} {scheme}" if kind == "http" else kind
                self.sink.warning(
                    "unsupported-security",
                    f"security scheme {name!r} ({spelt}) is not supported; ignored",
                    loc,
                )
        return found

    def requirements(self, node: Any, loc: SpecLocation) -> Requirements:
        """The supported alternatives (OR of ANDs), whether ``{}`` makes credentials optional,
        and whether only unsupported schemes are required (see :data:`Requirements`)."""
        if not isinstance(node, list) or not node:
            return (), False, False  # absent, or `security: []`: no authentication
        known = self._read.get(id(node))
        if known is not None:
            return known[1]
        said = len(self.sink)
        found = self._read_requirements(node, loc)
        if len(self.sink) == said:
            self._read[id(node)] = (node, found)  # the list held: its id stays its own
        return found

    def _read_requirements(self, node: list[Any], loc: SpecLocation) -> Requirements:
        alternatives: list[tuple[SecurityRequirement, ...]] = []
        optional = False
        for alternative in node:
            if not isinstance(alternative, dict) or not alternative:
                optional = True  # `{}` among the alternatives: authentication is optional
                alternatives.append(())
                continue
            undeclared = [name for name in alternative if name not in self.declared]
            if undeclared:
                self.sink.warning(
                    "undeclared-security-scheme",
                    f"a requirement names {', '.join(map(repr, undeclared))}, which "
                    "components/securitySchemes does not declare; it can never be met",
                    loc.child("security"),
                )
            if all(name in self.schemes for name in alternative):
                alternatives.append(
                    tuple(
                        SecurityRequirement(name, tuple(str(s) for s in scopes or ()))
                        for name, scopes in alternative.items()
                    )
                )
        if not alternatives:
            self.sink.warning(
                "unsupported-security",
                "no security requirement uses a supported scheme: the client sends no "
                "credentials and the server refuses every request (401)",
                loc.child("security"),
            )
        return tuple(alternatives), optional, not alternatives


def client_schemes(
    operations: Iterable[Operation], schemes: Iterable[SecurityScheme]
) -> tuple[tuple[str, ...], str | None]:
    """The schemes some operation takes, in declared order, and the main one: the one most
    operations take; on a tie a header before a cookie before a query (where a secret ends
    up in logs), then the first declared. None when no operation takes any.

    The client's own credential arguments are the main scheme's (``api_key=``, or
    ``username=``/``password=`` for HTTP basic); ``credentials=`` takes any used scheme's.
    """
    # most operations share one alternatives tuple (the document's): each is read once
    shared: dict[int, tuple[tuple[tuple[SecurityRequirement, ...], ...], int]] = {}
    for op in operations:
        alternatives = op.security_alternatives
        shared[id(alternatives)] = alternatives, shared.get(id(alternatives), ((), 0))[1] + 1
    uses: dict[str, int] = {}
    for alternatives, count in shared.values():
        for name in {req.scheme for alt in alternatives for req in alt}:
            uses[name] = uses.get(name, 0) + count
    used = [s for s in schemes if s.name in uses]
    main = min(
        used,
        key=lambda s: (-uses[s.name], ("header", "cookie", "query").index(s.location or "header")),
        default=None,
    )
    return tuple(s.name for s in used), main.name if main is not None else None


KIND_DESCRIPTIONS = {
    "bearer": "a bearer token",
    "oauth2": "an OAuth 2 access token",
    "openid": "an OpenID Connect token",
    "basic": "HTTP basic: (username, password)",
    "api_key": "an API key",
}
"""What each supported kind's credential is, for docstrings and diff messages."""


def placement(scheme: SecurityScheme) -> tuple[str, ...]:
    """Where the client puts the scheme's secret: ``("api_key", name, location)``,
    ``("basic",)`` or ``("bearer",)`` (OAuth 2 and OpenID tokens go as bearer ones)."""
    if scheme.kind == "api_key":
        return scheme.kind, str(scheme.param_name), str(scheme.location)
    return ("basic",) if scheme.kind == "basic" else ("bearer",)


def credential_arguments(scheme: SecurityScheme) -> tuple[str, ...]:
    """The ``Client()`` arguments that take the main scheme's credential: ``username`` and
    ``password`` for HTTP basic (a pair), ``api_key`` for every other kind (a string)."""
    return ("username", "password") if scheme.kind == "basic" else ("api_key",)


def main_scheme(api: Api) -> SecurityScheme | None:
    """The scheme ``Api.main_scheme`` names (see :func:`client_schemes`), None without one."""
    return next((s for s in api.security_schemes if s.name == api.main_scheme), None)
