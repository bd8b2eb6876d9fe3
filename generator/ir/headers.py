"""Header parameters the generated code cannot take from a caller, and how headers are told apart.

Part of the IR build (``ir/build.py``). A header parameter is left out of the IR, with a
warning, so that neither the client nor the server takes it, when

- OpenAPI 3.x says to ignore it (``Accept``, ``Content-Type``, ``Authorization``):
  ``ignored-header-parameter``;
- HTTP itself sets it for every request (``Content-Length``, ``Host``,
  ``Transfer-Encoding``, the connection's own headers): a caller's value would
  contradict the request httpx sends (``transport-header-parameter``);
- its name is no HTTP field name (RFC 9110 5.1: a token, so no space, colon or
  non-ASCII character): no request can carry it (``invalid-header-name``).

Header names ignore case, so two parameters whose names differ only in case are one
header: :func:`header_key` is what tells header parameters apart.
"""

from __future__ import annotations

import string

# Header parameters OpenAPI 3.x says to ignore, and where the generated code takes each from.
IGNORED_HEADERS = {
    "accept": "the response media types",
    "content-type": "the request body's media type",
    "authorization": "the security schemes",
}

# Headers HTTP sets for every request, and who sets each (lower case).
_HOP_BY_HOP = "the connection sets it, hop by hop (RFC 9110 7.6.1)"
TRANSPORT_HEADERS = {
    "content-length": "httpx sets it from the body",
    "transfer-encoding": "httpx sets it for a streamed body",
    "host": "httpx sets it from the base URL",
    "connection": _HOP_BY_HOP,
    "keep-alive": _HOP_BY_HOP,
    "proxy-connection": _HOP_BY_HOP,
    "te": _HOP_BY_HOP,
    "trailer": _HOP_BY_HOP,
    "upgrade": _HOP_BY_HOP,
}

# RFC 9110 5.6.2: the characters of a token, which a field name is.
_TOKEN = frozenset(string.ascii_letters + string.digits + "!#$%&'*+-.^_`|~")


def header_key(name: str) -> str:
    """What tells header names apart: the name in lower case (HTTP ignores case)."""
    return name.lower()


def left_out(name: str) -> tuple[str, str] | None:
    """``(code, message)`` when the header parameter ``name`` is left out of the IR, else None."""
    bad = sorted({char for char in name if char not in _TOKEN})
    key = header_key(name)
    if not name or bad:
        code = "invalid-header-name"
        held = "holds " + ", ".join(repr(char) for char in bad) if bad else "is empty"
        message = (
            f"header parameter {name!r} is ignored: a header name is letters, digits and "
            f"!#$%&'*+-.^_`|~ only (RFC 9110), and this one {held}; no request "
            "can carry it, so neither the client nor the server takes it"
        )
    elif key in IGNORED_HEADERS:
        code = "ignored-header-parameter"
        message = (
            f"header parameter {name!r} is ignored, as OpenAPI 3.x requires: the "
            f"generated code takes it from {IGNORED_HEADERS[key]}"
        )
    elif key in TRANSPORT_HEADERS:
        code = "transport-header-parameter"
        message = (
            f"header parameter {name!r} is ignored: HTTP sets it for every request "
            f"({TRANSPORT_HEADERS[key]}), so a value from the caller would contradict the "
            "request sent; a server implementation reads it from context.request.headers"
        )
    else:
        return None
    return code, message
