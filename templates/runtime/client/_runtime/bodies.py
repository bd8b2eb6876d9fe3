"""Request bodies: a Python value to the bytes or multipart parts of one media type (pure).

JSON bodies are compact UTF-8 (``NaN`` refused); form bodies follow their Encoding
Object (see ``_form_fields``; a field it gives a JSON ``contentType`` is JSON text); multipart fields become parts, files keeping their name
and type; text is UTF-8; anything else is bytes. Values are made JSON-compatible by
``encoding.to_jsonable`` first, as parameters are.

A body is sent as the media type the spec declares: a ``multipart/related`` (or
``mixed``...) body as those parts under that type. Where the spec names a range
(``image/*``, ``*/*``) the caller names the concrete type (``content_type=``, see
:func:`typed_body`); without one, a file's name or the range's usual type picks it
(see :func:`_sent_type`).
"""

from __future__ import annotations

import json
import mimetypes
import os
import pathlib
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO, Any, Final

import httpx
from pydantic import BaseModel, RootModel

from .auth import check_header
from .encoding import _entries, _flat, _items, _scalar, to_jsonable
from .operation import Body, NotGiven, is_given

__all__ = ["EncodedBody", "FilePart", "TypedBody", "encode_body", "typed_body"]

FileContent = IO[bytes] | bytes | str
FilePart = FileContent | tuple[str | None, FileContent] | tuple[str | None, FileContent, str | None]
"""A multipart part in the shape ``httpx`` accepts for ``files=``."""


@dataclass(frozen=True)
class EncodedBody:
    """A request body ready for ``httpx``: either raw ``content`` or multipart ``files``.

    ``content_type`` is None for multipart, whose boundary httpx adds itself.
    """

    content: bytes | None = None
    files: list[tuple[str, FilePart]] | None = None
    content_type: str | None = None


@dataclass(frozen=True)
class TypedBody:
    """A request body with the media type it is sent as, within the range the spec names
    (None: the default one); ``argument`` names the method's argument giving it."""

    value: Any
    media_type: str | None
    argument: str = "content_type"


def typed_body(value: Any, media_type: str | None, argument: str = "content_type") -> Any:
    """``value`` to be sent as ``media_type``, given as the method's ``argument``
    (``content_type=``, ``content_type_2=`` where a parameter took the first name);
    ``value`` itself when there is no body, or no type under the usual argument name."""
    if not is_given(value) or (media_type is None and argument == "content_type"):
        return value
    return TypedBody(value, media_type, argument)


def encode_body(spec: Body, value: Any) -> EncodedBody:
    """Encode ``value`` as the request body described by ``spec``.

    Accepted values per kind: json - a model, mapping, list or scalar; form - a model
    or mapping; multipart - a model or mapping whose bytes, file-like and
    ``(filename, content[, content_type])`` values become files; text - str or bytes;
    binary - bytes, str or a binary file-like object (read into memory, so retries
    can resend it). Any of them wrapped in a :class:`TypedBody` names its media type.

    Raises:
        TypeError: a value the kind does not take, or a body whose spec names a range
            without a usual type (``image/*``) and no type given or guessed.
        ValueError: a ``TypedBody`` type that is no media type, or outside ``spec``'s.
    """
    given, argument = None, "content_type"
    if isinstance(value, TypedBody):
        value, given, argument = value.value, value.media_type, value.argument
    kind = spec.kind
    media_type = _sent_type(spec, given, value, argument)
    if kind == "json":
        text = _compact_json(to_jsonable(value))
        return EncodedBody(content=text.encode("utf-8"), content_type=media_type)
    if kind == "form":
        data = to_jsonable(value)
        if not isinstance(data, dict):
            raise TypeError(f"a form body must be a model or a mapping, not {type(value).__name__}")
        styles = {name: (style, explode) for name, style, explode in spec.encoding}
        as_json = dict(spec.part_types)  # fields whose Encoding Object makes them JSON text
        pairs = [
            pair
            for k, v in data.items()
            for pair in (
                _json_field(str(k), v)
                if str(k) in as_json
                else _form_fields(str(k), v, *styles.get(str(k), (None, True)))
            )
        ]
        return EncodedBody(
            content=urllib.parse.urlencode(pairs).encode("ascii"),
            content_type="application/x-www-form-urlencoded",
        )
    if kind == "multipart":
        parts = _multipart_parts(value, dict(spec.part_types))
        if parts and _essence(media_type) == "multipart/form-data":  # the type sent
            return EncodedBody(files=parts)  # httpx's own Content-Type, with its boundary
        return _other_multipart(parts, media_type)
    if kind == "text":
        charset = _charset(media_type)
        if charset is None:
            media_type += "; charset=utf-8"
        try:
            content = value if isinstance(value, bytes) else str(value).encode(charset or "utf-8")
        except LookupError:
            raise ValueError(f"{media_type!r} names a charset Python does not know") from None
        return EncodedBody(content=content, content_type=media_type)
    return EncodedBody(content=_binary_content(value), content_type=media_type)


def _compact_json(data: Any) -> str:
    """``data`` (made JSON-compatible) as compact JSON text, ``NaN`` refused."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


# The type a body is sent as when the spec names a range and the caller names none.
_USUAL_TYPES: Final[Mapping[str, str]] = {
    "*/*": "application/octet-stream",
    "application/*": "application/octet-stream",
    "text/*": "text/plain",
    "multipart/*": "multipart/form-data",
}


def _essence(media_type: str) -> str:
    return media_type.split(";", 1)[0].strip().lower()


# RFC 9110 token characters (a media type's type and subtype), lower case.
_TOKEN: Final = frozenset("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyz")


def _is_token(text: str) -> bool:
    return bool(text) and all(char in _TOKEN for char in text)


def _within(essence: str, declared: str) -> bool:
    """True when the concrete ``essence`` is the ``declared`` media type or within its range
    (``image/*``, or a structured-syntax suffix range such as ``application/*+json``, which
    takes ``application/json`` too)."""
    if declared in (essence, "*/*"):
        return True
    kind, _, subtype = declared.partition("/")
    given_kind, _, given_subtype = essence.partition("/")
    if given_kind != kind:
        return False
    if subtype == "*":
        return True
    if not subtype.startswith("*+"):
        return False
    suffix = subtype[2:]
    return given_subtype == suffix or given_subtype.endswith("+" + suffix)


def _charset(media_type: str) -> str | None:
    """The ``charset`` parameter of ``media_type``, if it names one."""
    for parameter in media_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"') or None
    return None


def _sent_type(spec: Body, given: str | None, value: Any, argument: str) -> str:
    """The ``Content-Type`` a body of ``spec``'s media type (``declared``) is sent as.

    ``declared`` itself unless it is a range (``image/*``); then ``given`` (checked to be
    a media type within it), else the type a file's name suggests when it is within it,
    else the range's usual type (:data:`_USUAL_TYPES`; ``application/json`` for JSON).
    ``argument`` is the method's argument that gives the type, named in errors.
    """
    declared, range_ = spec.media_type, spec.essence
    if given is not None:
        if not isinstance(given, str):
            raise TypeError(f"{argument} must be a str, not {type(given).__name__}")
        check_header(argument, given)
        essence = _essence(given)
        kind, _, subtype = essence.partition("/")
        if not _is_token(kind) or not _is_token(subtype) or "*" in essence:
            raise ValueError(f"{argument} {given!r} is no media type (type/subtype)")
        if not _within(essence, range_):
            raise ValueError(f"{argument} {given!r} is not within {declared!r}")
        return given
    if "*" not in range_:
        return declared
    name = getattr(value, "name", None)
    guessed = mimetypes.guess_type(name)[0] if isinstance(name, str) else None
    if guessed is not None and _within(guessed, range_):
        return guessed
    usual = _USUAL_TYPES.get(range_) or ("application/json" if range_.endswith("json") else None)
    if usual is None:
        raise TypeError(
            f"the request body is {declared!r}, a range of media types: pass "
            f"{argument}=, the one within it that the body is"
        )
    return usual


def _other_multipart(parts: list[tuple[str, FilePart]], media_type: str) -> EncodedBody:
    """``parts`` as the body of ``media_type`` (``multipart/related``...), encoded as httpx
    encodes form-data (a named part per field), under ``media_type`` with its boundary.

    httpx sends ``files=`` as ``multipart/form-data`` only, so the parts are encoded
    here, into memory (retries resend them). No parts (a body whose fields are all left
    out) is the closing boundary alone: httpx would send no body at all, which a server
    takes for a missing one.
    """
    boundary = os.urandom(16).hex()
    if not parts:
        return EncodedBody(
            content=f"--{boundary}--\r\n".encode("ascii"),
            content_type=f"{media_type}; boundary={boundary}",
        )
    encoder = httpx.Request(
        "POST",
        "http://localhost/",
        files=parts,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    return EncodedBody(content=encoder.read(), content_type=f"{media_type}; boundary={boundary}")


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


def _json_field(name: str, data: Any) -> list[tuple[str, str]]:
    """A form field its Encoding Object makes JSON text (``contentType: application/json``)."""
    return [] if data is None else [(name, _compact_json(data))]


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
    """The (wire name, python value) fields of a multipart body, in declaration order
    (a ``RootModel`` body, an alias of the model, sends its root's)."""
    while isinstance(value, RootModel):
        value = value.root
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
