"""Wire encoding: Python values to JSON data and parameter strings (pure, no I/O).

Values first become JSON-compatible data (``to_jsonable``): pydantic models are dumped
``by_alias`` with ``exclude_unset`` (so unset fields are absent and explicit ``None`` is
``null``), enums become their ``.value``, and date, datetime and UUID values become ISO
strings. Parameters are then serialised per OpenAPI ``style``/``explode``. Booleans are
``"true"``/``"false"``, a ``None`` array item is an empty item (the generated server reads
it back as null where the item type admits no string), a ``None`` property is left out, and
an empty array sends nothing. An item's own delimiter is always escaped (``%2C``, ``%7C``,
a label's ``.`` as ``%2E``; a space as ``%20`` while spaceDelimited's delimiter is ``+``).

``urllib.parse`` is only used through its module, so no generated parameter name (a
parameter called ``quote``, say) can shadow a helper. Request bodies are ``bodies``'.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Callable, Mapping
from typing import Any, Final

from pydantic import TypeAdapter

from .auth import unsendable_char
from .operation import NotGiven, Param

__all__ = [
    "cookie_pair",
    "cookie_pairs",
    "header_value",
    "path_segment",
    "query_pair",
    "query_pairs",
    "to_jsonable",
]

_ANY: Final = TypeAdapter(Any)
# Exact types (not subclasses such as enums) that ``to_jsonable`` returns unchanged.
_JSON_SCALARS: Final = frozenset({str, int, bool, type(None)})
# Printable ASCII a cookie parameter sends as it is (RFC 6265 cookie-octet); the rest is
# %-escaped, ``%`` itself too: the server percent-decodes cookie parameters.
_COOKIE_SAFE: Final = "!#$&'()*+-./:<=>?@[]^_`{|}~"
# A credential cookie keeps ``%``: servers read an API key cookie as it is sent.
_CREDENTIAL_COOKIE_SAFE: Final = _COOKIE_SAFE + "%"
# The reserved characters an ``allowReserved`` query value sends as they are.
_QUERY_RESERVED: Final = ":/?@!$'()*,;"


# --------------------------------------------------------------------------- values


def to_jsonable(value: Any) -> Any:
    """Convert ``value`` to JSON-compatible data; ``NOT_GIVEN`` mapping entries are dropped."""
    if type(value) in _JSON_SCALARS:  # already JSON data (and by far the commonest case)
        return value
    return _ANY.dump_python(_drop_not_given(value), mode="json", by_alias=True, exclude_unset=True)


def _drop_not_given(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _drop_not_given(v) for k, v in value.items() if not isinstance(v, NotGiven)}
    if isinstance(value, (list, tuple)):
        return [_drop_not_given(v) for v in value if not isinstance(v, NotGiven)]
    return value


def _scalar(value: Any) -> str:
    """A JSON-compatible scalar as parameter text."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return str(value)
    # A nested array/object in a position the style cannot express: send it as JSON.
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _items(data: list[Any]) -> list[str]:
    return [_scalar(v) for v in data if v is not None]


def _param_items(data: list[Any]) -> list[str]:
    """A parameter's array items as text: ``None`` is the empty item (kept in its place)."""
    return ["" if v is None else _scalar(v) for v in data]


def _entries(data: dict[str, Any]) -> list[tuple[str, str]]:
    return [(str(k), _scalar(v)) for k, v in data.items() if v is not None]


def _pct(text: str) -> str:
    if text.isalnum() and text.isascii():  # nothing to escape (saves quote()'s encode)
        return text
    return urllib.parse.quote(text, safe="")


def _pct_reserved(text: str) -> str:
    """``_pct`` for ``allowReserved`` values: RFC 3986's reserved characters stay literal,
    except those a query cannot hold or that would split it (``#[]&=+``) and ``%``; an
    item's ``,`` is escaped where it would delimit (see ``_query_pairs``)."""
    return urllib.parse.quote(text, safe=_QUERY_RESERVED)


def _pct_label(text: str) -> str:
    """``_pct`` for an exploded label value's parts, whose delimiter ``.`` it escapes too."""
    return _pct(text).replace(".", "%2E")


def _flat(entries: list[tuple[str, str]], enc: Callable[[str], str]) -> list[str]:
    """``[(k, v), ...]`` -> ``[enc(k), enc(v), ...]`` (the non-exploded object form)."""
    return [enc(part) for pair in entries for part in pair]


# ----------------------------------------------------------------------- parameters


def path_segment(param: Param, value: Any) -> str:
    """Serialise a path parameter (styles simple, label, matrix), percent-encoded.

    Every reserved character in a value is escaped (``safe=""``), so a value can never
    add path segments, a query string or a fragment. An empty value is ``;name`` in
    matrix style (``""``, ``[]``, ``{}``, and each empty item or property of an exploded
    array or object) and ``.`` in label style, as OpenAPI's style table gives them.
    """
    data = to_jsonable(value)
    style = param.resolved_style
    if not isinstance(data, (list, dict)):
        text = _pct(_scalar(data))
        if style == "label":
            return "." + text
        if style == "matrix":
            return _matrix(_pct(param.name), text)
        return text
    explode, name = param.resolved_explode, _pct(param.name)
    enc = _pct_label if style == "label" and explode else _pct
    if isinstance(data, list):
        values = [enc(v) for v in _param_items(data)]
        if style == "label":
            return "." + ("." if explode else ",").join(values)
        if style == "matrix":
            if not values:
                return f";{name}"
            if explode:
                return "".join(_matrix(name, v) for v in values)
            return f";{name}=" + ",".join(values)
        return ",".join(values)
    entries = _entries(data)
    flat = _flat(entries, _pct)
    if style == "matrix":
        if not entries:
            return f";{name}"
        if explode:
            return "".join(_matrix(_pct(k), _pct(v)) for k, v in entries)
        return f";{name}=" + ",".join(flat)
    pairs = [f"{enc(k)}={enc(v)}" for k, v in entries]
    if style == "label":
        return "." + (".".join(pairs) if explode else ",".join(flat))
    return ",".join(pairs if explode else flat)


def _matrix(name: str, text: str) -> str:
    """``;name=text``, or ``;name`` for an empty value (RFC 6570, OpenAPI's style table)."""
    return f";{name}={text}" if text else f";{name}"


# A query's delimiters as sent, bare: spaceDelimited's is the form-encoded space ``+``, so
# an item's own space (``%20``) stays apart from it (an item's ``+`` is sent ``%2B``).
_DELIMITERS: Final[Mapping[str, str]] = {
    "form": ",",
    "spaceDelimited": "+",
    "pipeDelimited": "|",
}


def query_pairs(param: Param, value: Any) -> list[tuple[str, str]]:
    """Serialise a query parameter into percent-encoded ``(name, value)`` pairs.

    Styles: ``form`` (explode repeats the name, otherwise values are comma-joined),
    ``spaceDelimited``, ``pipeDelimited`` and ``deepObject`` (``a[b]=c``, nested
    objects as ``a[b][c]=d`` and arrays inside as repeated keys). The delimiters stay
    literal while the values themselves are fully escaped, so a comma inside a value
    cannot be mistaken for a separator; with ``allow_reserved`` the values keep RFC
    3986's reserved characters literal (see ``_pct_reserved``), as OpenAPI says.
    """
    data = to_jsonable(value)
    if data is None:
        return []
    reserved = param.allow_reserved
    if not isinstance(data, (list, dict)):  # a scalar reads the same in every style
        return [(_pct(param.name), (_pct_reserved if reserved else _pct)(_scalar(data)))]
    return _query_pairs(
        param.name, data, param.resolved_style, param.resolved_explode, reserved=reserved
    )


def _query_pairs(
    name: str, data: Any, style: str, explode: bool, *, reserved: bool = False
) -> list[tuple[str, str]]:
    """``reserved``: ``allowReserved``, reserved characters stay literal (but a comma-joined
    item's own ``,``)."""
    key = _pct(name)
    if data is None:
        return []
    enc = _pct_reserved if reserved else _pct
    if style == "deepObject" and isinstance(data, dict):
        return _deep_pairs(key, data, enc)
    delimiter = _DELIMITERS.get(style, ",")
    if not explode and reserved and delimiter == ",":
        enc = _pct_reserved_item
    if isinstance(data, list):
        if not data:
            return []
        values = [enc(v) for v in _param_items(data)]
        if explode:
            return [(key, v) for v in values]
        return [(key, delimiter.join(values))]
    if isinstance(data, dict):
        entries = _entries(data)
        if not entries:
            return []
        if explode:
            return [(_pct(k), enc(v)) for k, v in entries]
        return [(key, delimiter.join(_flat(entries, enc)))]
    return [(key, enc(_scalar(data)))]


def _pct_reserved_item(text: str) -> str:
    """``_pct_reserved`` for a comma-joined item: its own ``,`` is escaped (data, not a delimiter)."""
    return _pct_reserved(text).replace(",", "%2C")


def _deep_pairs(
    prefix: str, data: dict[str, Any], enc: Callable[[str], str]
) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for k, v in data.items():
        key = f"{prefix}[{_pct(str(k))}]"
        if isinstance(v, dict):
            pairs.extend(_deep_pairs(key, v, enc))
        elif isinstance(v, list):
            pairs.extend((key, enc(item)) for item in _param_items(v))
        elif v is not None:
            pairs.append((key, enc(_scalar(v))))
    return pairs


def header_value(param: Param, value: Any) -> str:
    """Serialise a header parameter (style simple).

    Raises:
        ValueError: the text holds a character an HTTP header value cannot carry: a line
            break, another control character, or any non-ASCII character. OpenAPI
            defines no encoding for header values (they are never percent-encoded), so
            the API decides how such text is sent; the caller encodes it that way. Also
            text an HTTP header cannot hold as given (see ``_header_text``).
    """
    data = to_jsonable(value)
    name = param.name
    if isinstance(data, list):
        text = ",".join(_header_text(name, v) for v in data)
    elif isinstance(data, dict):
        explode = param.resolved_explode
        splits = ",=" if explode else ","  # "=" splits an exploded object's key from its value
        entries = [
            (_header_text(name, k, splits=splits), _header_text(name, v))
            for k, v in data.items()
            if v is not None
        ]
        if explode:
            text = ",".join(f"{k}={v}" for k, v in entries)
        else:
            text = ",".join(_flat(entries, str))
    else:
        text = _header_text(name, data, splits="")  # a scalar is never split
    if not (text.isascii() and text.isprintable()):
        _check_header_text(name, text)
    return text


def _header_text(name: str, value: Any, *, splits: str = ",") -> str:
    """A value, item, key or property value of header parameter ``name`` as text
    (``None``: empty). ``splits``: the delimiters that would split it.

    Raises:
        ValueError: the text (other than an object's or array's JSON) holds one of
            ``splits`` (a header has no escapes), or starts or ends with a space or tab
            (HTTP strips those, around a comma too).
    """
    if isinstance(value, (dict, list)):
        return _scalar(value)  # JSON: the server splits outside it
    text = "" if value is None else _scalar(value)
    split = next((char for char in splits if char in text), None)
    if split is not None or text != text.strip(" \t"):
        why = f"a {split!r} would split it" if split else "spaces or tabs at either end are dropped"
        raise ValueError(
            f"header parameter {name!r} cannot send {text!r}: a header value has no "
            f"escapes, and {why}"
        )
    return text


def _check_header_text(name: str, text: str) -> None:
    """Raise ``ValueError`` naming the header parameter for an unsendable character."""
    if "\r" in text or "\n" in text:
        raise ValueError(f"header parameter {name!r} contains a line break")
    char = unsendable_char(text)
    if char is not None:
        raise ValueError(
            f"header parameter {name!r} contains {char!r}, which an HTTP header value "
            "cannot carry (visible ASCII, spaces and tabs only; OpenAPI defines no "
            "encoding for header values): encode the value as the API expects first"
        )


def _cookie_quote(text: str) -> str:
    return urllib.parse.quote(text, safe=_COOKIE_SAFE)


def cookie_pair(name: str, value: str) -> str:
    """``name=value`` for a credential's Cookie header, escaping what a cookie cannot hold."""
    return f"{_cookie_quote(name)}={urllib.parse.quote(value, safe=_CREDENTIAL_COOKIE_SAFE)}"


def query_pair(name: str, value: str) -> tuple[str, str]:
    """A percent-encoded ``(name, value)`` query pair for plain strings."""
    return _pct(name), _pct(value)


def cookie_pairs(param: Param, value: Any, taken: Mapping[str, str] | None = None) -> list[str]:
    """Serialise a cookie parameter (style form) into ``name=value`` cookie strings.

    ``taken``: the names of the cookies others send (a security scheme's credential, another
    cookie parameter), each with who sends it, which an exploded object's keys may not be.

    Raises:
        ValueError: an exploded object has a key ``taken`` names (a second cookie of that
            name would reach the server, which reads one of them as the other's).
    """
    data = to_jsonable(value)
    name = _cookie_quote(param.name)
    explode = param.resolved_explode
    if isinstance(data, list):
        values = [_cookie_quote(v) for v in _param_items(data)]
        if explode:
            return [f"{name}={v}" for v in values]
        return [f"{name}={','.join(values)}"] if values else []
    if isinstance(data, dict):
        entries = _entries(data)
        if explode:
            clash = next((key for key, _ in entries if taken and key in taken), None)
            if clash is not None and taken is not None:
                raise ValueError(
                    f"the cookie parameter {param.name!r} cannot send the cookie {clash!r}: "
                    f"it is {taken[clash]}'s"
                )
            return [f"{_cookie_quote(k)}={_cookie_quote(v)}" for k, v in entries]
        return [f"{name}={','.join(_flat(entries, _cookie_quote))}"] if entries else []
    if data is None:
        return []
    return [f"{name}={_cookie_quote(_scalar(data))}"]
