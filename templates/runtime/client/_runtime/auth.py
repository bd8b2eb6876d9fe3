"""Credentials and where they go on the wire (headers, query string, cookies).

An ``Auth`` is plain data: a scheme's credential once placed (``credentials`` decides
which operation is sent which), sent only to URLs on the client's own origin. The factories
return ``None`` for a missing secret, so ``auth=bearer_auth(os.environ.get("TOKEN"))``
just means "no credentials". An empty secret is a missing one (a variable set to
nothing, as ``TOKEN=`` in an env file leaves it): ``Bearer `` is no valid header, and an
empty key only makes the server refuse operations it would answer anonymously. They
refuse a secret no header can carry with a ``ValueError`` that does not show it.
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
        """Combine two credentials; both are sent (e.g. an API key and a tenant header),
        a placement both hold (name and value) once."""
        return Auth(
            headers=self.headers + tuple(p for p in other.headers if p not in self.headers),
            query=self.query + tuple(p for p in other.query if p not in self.query),
            cookies=self.cookies + tuple(p for p in other.cookies if p not in self.cookies),
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
    """``Authorization: Bearer <token>``, or None without a token (``None`` or ``""``).

    Raises:
        ValueError: the token holds a character no header carries (see ``check_header``).
    """
    if not token:
        return None
    check_header("the bearer token", token)
    return Auth(headers=(("Authorization", f"Bearer {token}"),))


def api_key_auth(
    name: str, location: Literal["header", "query", "cookie"], key: str | None
) -> Auth | None:
    """An API key sent as header, query parameter or cookie ``name``, or None without a key
    (or an empty one).

    Raises:
        ValueError: a header key holds a character no header carries (see ``check_header``).
    """
    if not key:
        return None
    pair = ((name, key),)
    if location == "header":
        check_header(f"the API key for header {name!r}", key)
        return Auth(headers=pair)
    if location == "query":
        return Auth(query=pair)
    if location == "cookie":
        return Auth(cookies=pair)
    raise ValueError(f"unsupported API key location {location!r}")


def basic_auth(username: str | None, password: str | None) -> Auth | None:
    """HTTP Basic credentials (UTF-8), or None without a username (``None``), or with
    neither a username nor a password (both ``""`` or ``None``: unset variables)."""
    if username is None or not (username or password):
        return None
    raw = f"{username}:{password or ''}".encode()
    return Auth(headers=(("Authorization", "Basic " + base64.b64encode(raw).decode("ascii")),))


def unsendable_char(text: str) -> str | None:
    """The first character of ``text`` an HTTP header value cannot carry (a line break,
    another control or a non-ASCII character), or None: visible ASCII, spaces and tabs."""
    if text.isascii() and text.isprintable():
        return None  # the common case, checked in C
    return next((char for char in text if not (" " <= char <= "~" or char == "\t")), None)


def check_header(what: str, secret: object) -> None:
    """Raise ``ValueError`` when ``secret`` cannot be sent in a header, without showing it.

    A line break (a key read from a file keeps its last one), another control or a
    non-ASCII character, or whitespace at either end would otherwise fail in httpx,
    whose error quotes the header's value: the secret.
    """
    if not isinstance(secret, str):
        return  # bytes and the like: httpx's to check
    if secret.strip() != secret:
        problem = "a line break" if secret.endswith(("\n", "\r")) else "whitespace"
        raise ValueError(f"{what} ends or begins with {problem}; strip it before passing it")
    if unsendable_char(secret) is not None:
        raise ValueError(
            f"{what} contains a character no HTTP header can carry (a control character, "
            "a line break or a non-ASCII character)"
        )


def combine_auth(*auths: Auth | None) -> Auth | None:
    """Merge several optional credentials into one; None when none is given."""
    result: Auth | None = None
    for auth in auths:
        if auth is not None:
            result = auth if result is None else result | auth
    return result
