"""Wire encoding: Python values to parameter strings and request bodies (pure, no I/O).

Values first become JSON-compatible data (``to_jsonable``): pydantic models are dumped
``by_alias`` with ``exclude_unset`` (so unset fields are absent and explicit ``None`` is
``null``), enums become their ``.value``, and date, datetime and UUID values become ISO
strings. Parameters are then serialised per OpenAPI ``style``/``explode``. Booleans are
``"true"``/``"false"``, ``None`` items are skipped and an empty array sends nothing.

``urllib.parse`` is only used through its module, so no generated parameter name (a
parameter called ``quote``, say) can shadow a helper.
"""

from __future__ import annotations

import json
import pathlib
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import IO, Any, Final

from pydantic import BaseModel, TypeAdapter

from .operation import Body, NotGiven, Param

__all__ = [
    "EncodedBody",
    "FilePart",
    "cookie_pair",
    "cookie_pairs",
    "encode_body",
    "header_value",
    "path_segment",
    "query_pair",
    "query_pairs",
    "to_jsonable",
]

FileContent = IO[bytes] | bytes | str
FilePart = FileContent | tuple[str | None, FileContent] | tuple[str | None, FileContent, str | None]
"""A multipart part in the shape ``httpx`` accepts for ``files=``."""

_ANY: Final = TypeAdapter(Any)
# Exact types (not subclasses such as enums) that ``to_jsonable`` returns unchanged.
_JSON_SCALARS: Final = frozenset({str, int, bool, type(None)})
# Printable ASCII allowed in a cookie value (RFC 6265 cookie-octet); the rest is %-escaped.
_COOKIE_SAFE: Final = "!#$%&'()*+-./:<=>?@[]^_`{|}~"


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


def _entries(data: dict[str, Any]) -> list[tuple[str, str]]:
    return [(str(k), _scalar(v)) for k, v in data.items() if v is not None]


def _pct(text: str) -> str:
    if text.isalnum() and text.isascii():  # nothing to escape (saves quote()'s encode)
        return text
    return urllib.parse.quote(text, safe="")


def _flat(entries: list[tuple[str, str]], enc: Callable[[str], str]) -> list[str]:
    """``[(k, v), ...]`` -> ``[enc(k), enc(v), ...]`` (the non-exploded object form)."""
    return [enc(part) for pair in entries for part in pair]


# ----------------------------------------------------------------------- parameters


def path_segment(param: Param, value: Any) -> str:
    """Serialise a path parameter (styles simple, label, matrix), percent-encoded.

    Every reserved character in a value is escaped (``safe=""``), so a value can never
    add path segments, a query string or a fragment.
    """
    data = to_jsonable(value)
    style = param.resolved_style
    if not isinstance(data, (list, dict)):
        text = _pct(_scalar(data))
        if style == "label":
            return "." + text
        if style == "matrix":
            return f";{_pct(param.name)}={text}"
        return text
    explode, name = param.resolved_explode, _pct(param.name)
    if isinstance(data, list):
        values = [_pct(v) for v in _items(data)]
        if style == "label":
            return "." + ("." if explode else ",").join(values)
        if style == "matrix":
            if explode:
                return "".join(f";{name}={v}" for v in values)
            return f";{name}=" + ",".join(values)
        return ",".join(values)
    entries = _entries(data)
    pairs = [f"{_pct(k)}={_pct(v)}" for k, v in entries]
    flat = _flat(entries, _pct)
    if style == "label":
        return "." + (".".join(pairs) if explode else ",".join(flat))
    if style == "matrix":
        if explode:
            return "".join(f";{pair}" for pair in pairs)
        return f";{name}=" + ",".join(flat)
    return ",".join(pairs if explode else flat)


_DELIMITERS: Final[Mapping[str, str]] = {
    "form": ",",
    "spaceDelimited": "%20",
    "pipeDelimited": "|",
}


def query_pairs(param: Param, value: Any) -> list[tuple[str, str]]:
    """Serialise a query parameter into percent-encoded ``(name, value)`` pairs.

    Styles: ``form`` (explode repeats the name, otherwise values are comma-joined),
    ``spaceDelimited``, ``pipeDelimited`` and ``deepObject`` (``a[b]=c``, nested
    objects as ``a[b][c]=d`` and arrays inside as repeated keys). The delimiters stay
    literal while the values themselves are fully escaped, so a comma inside a value
    cannot be mistaken for a separator.
    """
    data = to_jsonable(value)
    if data is None:
        return []
    if not isinstance(data, (list, dict)):  # a scalar reads the same in every style
        return [(_pct(param.name), _pct(_scalar(data)))]
    return _query_pairs(param.name, data, param.resolved_style, param.resolved_explode)


def _query_pairs(name: str, data: Any, style: str, explode: bool) -> list[tuple[str, str]]:
    key = _pct(name)
    if data is None:
        return []
    if style == "deepObject" and isinstance(data, dict):
        return _deep_pairs(key, data)
    delimiter = _DELIMITERS.get(style, ",")
    if isinstance(data, list):
        values = [_pct(v) for v in _items(data)]
        if not values:
            return []
        if explode:
            return [(key, v) for v in values]
        return [(key, delimiter.join(values))]
    if isinstance(data, dict):
        entries = _entries(data)
        if not entries:
            return []
        if explode:
            return [(_pct(k), _pct(v)) for k, v in entries]
        return [(key, delimiter.join(_flat(entries, _pct)))]
    return [(key, _pct(_scalar(data)))]


def _deep_pairs(prefix: str, data: dict[str, Any]) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for k, v in data.items():
        key = f"{prefix}[{_pct(str(k))}]"
        if isinstance(v, dict):
            pairs.extend(_deep_pairs(key, v))
        elif isinstance(v, list):
            pairs.extend((key, _pct(item)) for item in _items(v))
        elif v is not None:
            pairs.append((key, _pct(_scalar(v))))
    return pairs


def header_value(param: Param, value: Any) -> str:
    """Serialise a header parameter (style simple); CR and LF are rejected."""
    data = to_jsonable(value)
    if isinstance(data, list):
        text = ",".join(_items(data))
    elif isinstance(data, dict):
        entries = _entries(data)
        if param.resolved_explode:
            text = ",".join(f"{k}={v}" for k, v in entries)
        else:
            text = ",".join(_flat(entries, str))
    else:
        text = _scalar(data)
    if "\r" in text or "\n" in text:
        raise ValueError(f"header parameter {param.name!r} contains a line break")
    return text


def _cookie_quote(text: str) -> str:
    return urllib.parse.quote(text, safe=_COOKIE_SAFE)


def cookie_pair(name: str, value: str) -> str:
    """``name=value`` for a Cookie header, escaping what a cookie value cannot hold."""
    return f"{_cookie_quote(name)}={_cookie_quote(value)}"


def query_pair(name: str, value: str) -> tuple[str, str]:
    """A percent-encoded ``(name, value)`` query pair for plain strings."""
    return _pct(name), _pct(value)


def cookie_pairs(param: Param, value: Any) -> list[str]:
    """Serialise a cookie parameter (style form) into ``name=value`` cookie strings."""
    data = to_jsonable(value)
    name = _cookie_quote(param.name)
    explode = param.resolved_explode
    if isinstance(data, list):
        values = [_cookie_quote(v) for v in _items(data)]
        if explode:
            return [f"{name}={v}" for v in values]
        return [f"{name}={','.join(values)}"] if values else []
    if isinstance(data, dict):
        entries = _entries(data)
        if explode:
            return [f"{_cookie_quote(k)}={_cookie_quote(v)}" for k, v in entries]
        return [f"{name}={','.join(_flat(entries, _cookie_quote))}"] if entries else []
    if data is None:
        return []
    return [f"{name}={_cookie_quote(_scalar(data))}"]


# --------------------------------------------------------------------------- bodies


@dataclass(frozen=True)
class EncodedBody:
    """A request body ready for ``httpx``: either raw ``content`` or multipart ``files``.

    ``content_type`` is None for multipart, whose boundary httpx adds itself.
    """

    content: bytes | None = None
    files: list[tuple[str, FilePart]] | None = None
    content_type: str | None = None


def encode_body(spec: Body, value: Any) -> EncodedBody:
    """Encode ``value`` as the request body described by ``spec``.

    Accepted values per kind: json - a model, mapping, list or scalar; form - a model
    or mapping; multipart - a model or mapping whose bytes, file-like and
    ``(filename, content[, content_type])`` values become files; text - str or bytes;
    binary - bytes, str or a binary file-like object (read into memory, so retries
    can resend it).
    """
    kind = spec.kind
    if kind == "json":
        text = json.dumps(
            to_jsonable(value), ensure_ascii=False, separators=(",", ":"), allow_nan=False
        )
        return EncodedBody(content=text.encode("utf-8"), content_type=spec.media_type)
    if kind == "form":
        data = to_jsonable(value)
        if not isinstance(data, dict):
            raise TypeError(f"a form body must be a model or a mapping, not {type(value).__name__}")
        styles = {name: (style, explode) for name, style, explode in spec.encoding}
        pairs = [
            pair
            for k, v in data.items()
            for pair in _form_fields(str(k), v, *styles.get(str(k), (None, True)))
        ]
        return EncodedBody(
            content=urllib.parse.urlencode(pairs).encode("ascii"),
            content_type="application/x-www-form-urlencoded",
        )
    if kind == "multipart":
        return EncodedBody(files=_multipart_parts(value, dict(spec.part_types)))
    if kind == "text":
        content = value if isinstance(value, bytes) else str(value).encode("utf-8")
        media_type = spec.media_type
        if "charset=" not in media_type.lower():
            media_type += "; charset=utf-8"
        return EncodedBody(content=content, content_type=media_type)
    essence = spec.media_type.split(";", 1)[0].strip()
    media_type = "application/octet-stream" if "*" in essence else spec.media_type
    return EncodedBody(content=_binary_content(value), content_type=media_type)


_FORM_DELIMITERS: Final[Mapping[str, str]] = {
    "form": ",",
    "spaceDelimited": " ",
    "pipeDelimited": "|",
}


def _form_fields(name: str, data: Any, style: str | None, explode: bool) -> list[tuple[str, str]]:
    """The ``(key, value)`` pairs of one form field, as its Encoding Object says.

    ``form`` (the default) repeats the name for each array item when exploded and
    comma-joins otherwise (``pipeDelimited``/``spaceDelimited``: ``|`` or a space); ``deepObject`` spells nesting with brackets: ``metadata[key]=v``,
    ``expand[]=a``, ``items[0][price]=3``. A field without an Encoding Object whose value
    nests (an object, or an array holding objects) is sent as ``deepObject`` too: the
    ``form`` style would spread an object's properties over the top level and lose it.
    """
    if data is None:
        return []
    nested = (
        isinstance(data, dict)
        or isinstance(data, list)
        and any(isinstance(v, (dict, list)) for v in data)
    )
    if style == "deepObject" or style is None and nested:
        return _deep(name, data)
    if isinstance(data, list):
        if not explode:
            joined = _FORM_DELIMITERS.get(style or "form", ",").join(_items(data))
            return [(name, joined)] if data else []
        return [(name, v) for v in _items(data)]
    if isinstance(data, dict):
        entries = _entries(data)
        return entries if explode else [(name, ",".join(_flat(entries, str)))]
    return [(name, _scalar(data))]


def _deep(key: str, data: Any) -> list[tuple[str, str]]:
    """Bracket pairs for ``data`` under ``key``: ``k[a]=1``, ``k[]=x`` (scalars), ``k[0][a]=1``."""
    if data is None:
        return []
    if isinstance(data, dict):
        return [pair for k, v in data.items() for pair in _deep(f"{key}[{k}]", v)]
    if isinstance(data, list):
        if any(isinstance(v, (dict, list)) for v in data):
            return [pair for i, v in enumerate(data) for pair in _deep(f"{key}[{i}]", v)]
        return [(f"{key}[]", v) for v in _items(data)]
    return [(key, _scalar(data))]


def _binary_content(value: Any) -> bytes:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, str):
        return value.encode("utf-8")
    if hasattr(value, "read"):
        data = value.read()
        return data.encode("utf-8") if isinstance(data, str) else bytes(data)
    raise TypeError(
        f"a binary body must be bytes, str or a file-like object, not {type(value).__name__}"
    )


def _is_file(value: Any) -> bool:
    if isinstance(value, (bytes, bytearray, memoryview)) or hasattr(value, "read"):
        return True
    return (
        isinstance(value, tuple)
        and len(value) in (2, 3)
        and (value[0] is None or isinstance(value[0], str))
        and (isinstance(value[1], (bytes, str)) or hasattr(value[1], "read"))
    )


def _multipart_fields(value: Any) -> list[tuple[str, Any]]:
    """The (wire name, python value) fields of a multipart body, in declaration order."""
    if isinstance(value, BaseModel):
        fields: list[tuple[str, Any]] = []
        for attr, info in type(value).model_fields.items():
            if attr in value.model_fields_set:
                wire = info.serialization_alias or info.alias or attr
                fields.append((wire, getattr(value, attr)))
        fields.extend((value.model_extra or {}).items())
        return fields
    if isinstance(value, Mapping):
        return [(str(k), v) for k, v in value.items() if not isinstance(v, NotGiven)]
    raise TypeError(f"a multipart body must be a model or a mapping, not {type(value).__name__}")


def _multipart_parts(value: Any, part_types: Mapping[str, str]) -> list[tuple[str, FilePart]]:
    """Every field becomes a part; files keep their filename and content type.

    Plain fields are passed to httpx as parts without a filename, which renders them
    exactly like form fields, keeps their order and keeps the body multipart even when
    no file is present. A field's ``contentType`` from the spec (``part_types``) is the
    part's ``Content-Type`` unless the caller gave a file one: a string then travels
    as it is (``contentType: application/json`` on a string holding JSON), objects
    and arrays as JSON.
    """
    parts: list[tuple[str, FilePart]] = []
    for name, field_value in _multipart_fields(value):
        items = field_value if isinstance(field_value, list) else [field_value]
        part_type = part_types.get(name)
        for item in items:
            if item is None or isinstance(item, NotGiven):
                continue
            if isinstance(item, (bytearray, memoryview)):
                item = bytes(item)
            if _is_file(item):
                parts.append((name, _typed_file(item, part_type) if part_type else item))
                continue
            data = to_jsonable(item)
            if isinstance(data, (dict, list)):
                text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
                json_type = part_type if part_type and _is_json(part_type) else "application/json"
                parts.append((name, (None, text.encode("utf-8"), json_type)))
            else:
                parts.append((name, (None, _scalar(data).encode("utf-8"), part_type)))
    return parts


def _typed_file(item: Any, part_type: str) -> FilePart:
    """``item`` as a ``(filename, content, type)`` part, ``part_type`` unless it names its own."""
    if isinstance(item, tuple):
        if len(item) == 3 and item[2] is not None:
            return item
        return (item[0], item[1], part_type)
    # The filename httpx would give it: the file's base name, else "upload".
    filename = pathlib.PurePath(str(getattr(item, "name", "upload"))).name
    return (filename, item, part_type)


def _is_json(media_type: str) -> bool:
    essence = media_type.split(";", 1)[0].strip().lower()
    return essence.endswith(("/json", "+json"))
