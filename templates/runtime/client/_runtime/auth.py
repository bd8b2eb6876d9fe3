"""Credentials and where they go on the wire (headers, query string, cookies).

An ``Auth`` is plain data. The request builder adds it to every operation marked
``authenticated``, and only for URLs on the client's own ``base_url``. The factories
return ``None`` for a missing secret, so ``auth=bearer_auth(os.environ.get("TOKEN"))``
just means "no credentials". An empty secret is a missing one (a variable set to
nothing, as ``TOKEN=`` in an env file leaves it): ``Bearer `` is no valid header, and an
empty key only makes the server refuse operations it would answer anonymously.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Literal

__all__ = ["Auth", "api_key_auth", "basic_auth", "bearer_auth", "combine_auth"]

_Pairs = tuple[tuple[str, str], ...]


@dataclass(frozen=True, repr=False)
class Auth:
    """Credential placements: header, query and cookie (name, value) pairs.

    The ``repr`` names the placements but never shows the secret values.
    """

    headers: _Pairs = ()
    query: _Pairs = ()
    cookies: _Pairs = ()

    def __or__(self, other: Auth) -> Auth:
        """Combine two credentials; both are sent (e.g. an API key and a tenant header)."""
        return Auth(
            headers=self.headers + other.headers,
            query=self.query + other.query,
            cookies=self.cookies + other.cookies,
        )

    def __repr__(self) -> str:
        parts = [
            f"{where}={[name for name, _ in pairs]!r}"
            for where, pairs in (
                ("headers", self.headers),
                ("query", self.query),
                ("cookies", self.cookies),
            )
            if pairs
        ]
        return f"Auth({', '.join(parts)})"


def bearer_auth(token: str | None) -> Auth | None:
    """``Authorization: Bearer <token>``, or None without a token (or an empty one)."""
    if not token:
        return None
    return Auth(headers=(("Authorization", f"Bearer {token}"),))


def api_key_auth(
    name: str, location: Literal["header", "query", "cookie"], key: str | None
) -> Auth | None:
    """An API key sent as header, query parameter or cookie ``name``, or None without a key
    (or an empty one)."""
    if not key:
        return None
    pair = ((name, key),)
    if location == "header":
        return Auth(headers=pair)
    if location == "query":
        return Auth(query=pair)
    if location == "cookie":
        return Auth(cookies=pair)
    raise ValueError(f"unsupported API key location {location!r}")


def basic_auth(username: str | None, password: str | None) -> Auth | None:
    """HTTP Basic credentials (UTF-8), or None without a username."""
    if username is None:
        return None
    raw = f"{username}:{password or ''}".encode()
    return Auth(headers=(("Authorization", "Basic " + base64.b64encode(raw).decode("ascii")),))


def combine_auth(*auths: Auth | None) -> Auth | None:
    """Merge several optional credentials into one; None when none is given."""
    result: Auth | None = None
    for auth in auths:
        if auth is not None:
            result = auth if result is None else result | auth
    return result
