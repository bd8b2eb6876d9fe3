"""Parameter values as the request sent them: the raw query string and Cookie headers (a
path's: ``template_route.RAW_PATH_PARAMS``), split but not yet percent-decoded (so an
escaped delimiter stays in its item)."""

from urllib.parse import unquote, unquote_plus

from fastapi import Request


def unquote_query(text: str) -> str:
    """A piece of a raw query value decoded as Starlette decodes the query (``+`` a space)."""
    return unquote_plus(text, encoding="utf-8", errors="replace")


def unquote_escapes(text: str) -> str:
    """A piece of a raw path segment or cookie with its percent-escapes decoded, as ASGI
    decodes the path (``+`` stays)."""
    return unquote(text, encoding="utf-8", errors="replace") if "%" in text else text


# A query delimiter's spellings in a raw value: bare, and escaped (the generated client
# escapes an item's own; spaceDelimited's bare delimiter is the form-encoded space "+").
_QUERY_DELIMITERS = {",": (",", ("%2C", "%2c")), "|": ("|", ("%7C", "%7c")), " ": ("+", ("%20",))}


def bare_delimited(text: str, delimiter: str) -> tuple[str, str]:
    """A raw query value ``text`` with ``delimiter`` spelt bare, and that spelling.

    An escaped delimiter is data where the value holds a bare one; a value holding none
    has its escaped delimiters read as delimiters (httpx's ``params=``, the client's
    ``extra_query`` and OpenAPI's own ``a%20b`` spaceDelimited example escape every one),
    so the one item ``"a,b"`` (sent ``a%2Cb``) reads as two (``explode: true`` carries any
    item).
    """
    bare, escaped = _QUERY_DELIMITERS.get(delimiter, (delimiter, ()))
    if delimiter == " ":
        text = text.replace(" ", bare)
    if bare not in text:
        for spelling in escaped:
            text = text.replace(spelling, bare)
    return text, bare


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
    percent-escaped. A value in double quotes is unquoted as in ``request.cookies``
    (``unquote_quoted_cookie``).
    """
    found = []
    for header in request.headers.getlist("cookie"):
        for chunk in header.split(";"):
            key, equals, value = chunk.partition("=")
            key, value = (key.strip(), value.strip()) if equals else ("", key.strip())
            value = unquote_quoted_cookie(value)
            if key or value:
                found.append((unquote_escapes(key), value))
    return found


_OCTAL_DIGITS = frozenset("01234567")


def unquote_quoted_cookie(value: str) -> str:
    """``value`` without its double quotes and backslash escapes, if it is quoted.

    A server quoting a cookie as Python's ``http.cookies`` does escapes a character the
    cookie syntax forbids as ``\\`` and three octal digits (``"a\\054b"`` for ``a,b``)
    and a quote or backslash with a backslash (``\\"``); ``request.cookies`` decodes both.
    An unquoted value is returned as it is.
    """
    if len(value) < 2 or value[0] != '"' or value[-1] != '"':
        return value
    inner = value[1:-1]
    if "\\" not in inner:
        return inner
    decoded: list[str] = []
    at = 0
    while at < len(inner):
        char = inner[at]
        if char != "\\" or at + 1 == len(inner):  # a lone trailing backslash stays
            decoded.append(char)
            at += 1
            continue
        octal = inner[at + 1 : at + 4]
        if len(octal) == 3 and octal[0] in "0123" and set(octal) <= _OCTAL_DIGITS:
            decoded.append(chr(int(octal, 8)))
            at += 4
        else:
            decoded.append(inner[at + 1])
            at += 2
    return "".join(decoded)
