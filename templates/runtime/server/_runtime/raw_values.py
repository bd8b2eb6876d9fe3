"""Parameter values as the request sent them: the raw query string and Cookie headers,
split but not yet percent-decoded (so an escaped delimiter stays in its item)."""

from urllib.parse import unquote, unquote_plus

from fastapi import Request


def unquote_query(text: str) -> str:
    """A piece of a raw query value decoded as Starlette decodes the query (``+`` a space)."""
    return unquote_plus(text, encoding="utf-8", errors="replace")


def raw_query_values(request: Request, name: str) -> list[str]:
    """The values of query parameter ``name`` as sent, their percent-escapes undecoded."""
    query = request.scope.get("query_string")
    if not isinstance(query, bytes) or not query:
        return []
    found = []
    for pair in query.decode("latin-1").split("&"):
        key, _, value = pair.partition("=")
        if unquote_query(key) == name:
            found.append(value)
    return found


def cookie_pairs(request: Request) -> list[tuple[str, str]]:
    """Every cookie of ``request`` as ``(decoded name, raw value)``, in order.

    ``request.cookies`` keeps one value per name, and neither decodes what the client
    percent-escaped. A value in double quotes loses them, as in ``request.cookies``.
    """
    found = []
    for header in request.headers.getlist("cookie"):
        for chunk in header.split(";"):
            key, equals, value = chunk.partition("=")
            key, value = (key.strip(), value.strip()) if equals else ("", key.strip())
            if len(value) > 1 and value[0] == value[-1] == '"':
                value = value[1:-1]
            if key or value:
                found.append((unquote_cookie(key), value))
    return found


def unquote_cookie(text: str) -> str:
    """A cookie name or value (or a piece of one) with its percent-escapes decoded (``+`` stays)."""
    return unquote(text, encoding="utf-8", errors="replace") if "%" in text else text
