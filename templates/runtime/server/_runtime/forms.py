"""Decoding ``application/x-www-form-urlencoded`` bodies whose fields nest, for an apiforge server.

Part of the server runtime package (``<pkg>/_runtime/forms.py``, copied verbatim); the body
reader (:class:`BodyReader` of ``bodies.py``) imports it on first use and calls
:func:`decode_urlencoded`.

Each field is read as its Encoding Object says (``encoding``: field -> ``(style, explode)``,
OpenAPI's defaults applied by the generator; fields it does not name are ``form``, exploded):

* brackets spell nesting whatever the style (``deepObject``, and what clients send for a
  nested field without an Encoding Object): ``metadata[key]=v`` is ``{"metadata": {"key": "v"}}``,
  ``expand[]=a&expand[]=b`` is ``{"expand": ["a", "b"]}``, ``items[0][price]=3`` is
  ``{"items": [{"price": "3"}]}`` (an object whose keys are ``0``, ``1``... becomes a list);
* an array field repeats its name when exploded, otherwise joins its items with ``,``
  (``form``), ``|`` (``pipeDelimited``) or a space (``spaceDelimited``);
* an object field in ``form`` style is ``k,v,k2,v2`` when not exploded and, when exploded,
  the keys no other field claims.

Values stay text: the pydantic model the reader validates into converts them.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any
from urllib.parse import parse_qsl

__all__ = ["decode_urlencoded"]

_DELIMITERS = {"form": ",", "pipeDelimited": "|", "spaceDelimited": " "}


def decode_urlencoded(
    raw: bytes,
    encoding: Mapping[str, tuple[str, bool]],
    arrays: Collection[str],
    objects: Collection[str],
    declared: Collection[str],
) -> dict[str, Any]:
    """The fields of a urlencoded body: ``arrays``/``objects`` name the fields of those types,
    ``declared`` every field the body's schema lists."""
    fields: dict[str, Any] = {}
    spread: dict[str, str] = {}
    for key, value in parse_qsl(raw.decode("latin-1"), keep_blank_values=True, encoding="utf-8"):
        name, path = (key, []) if key in declared else _split(key)
        style, explode = encoding.get(name, ("form", True))
        if path:
            _insert(fields, [name, *path], value)
        elif name in arrays:
            items = value.split(_DELIMITERS.get(style, ",")) if not explode and value else [value]
            existing = fields.get(name)
            fields[name] = (existing if isinstance(existing, list) else []) + items
        elif name in objects and style == "form" and not explode:
            parts = value.split(",")
            fields[name] = dict(zip(parts[::2], parts[1::2]))
        elif name in fields:
            existing = fields[name]
            fields[name] = [*existing, value] if isinstance(existing, list) else [existing, value]
        else:
            fields[name] = value
            if name not in declared:
                spread[name] = value
    for name in objects:
        style, explode = encoding.get(name, ("", False))
        if style == "form" and explode and name not in fields and spread:
            fields[name] = dict(spread)
            for key in spread:
                fields.pop(key, None)
    return {name: _lists(value) for name, value in fields.items()}


def _split(key: str) -> tuple[str, list[str]]:
    """``a[b][]`` -> ``("a", ["b", ""])``; a key whose brackets do not pair is a plain name."""
    opening = key.find("[")
    if opening <= 0 or not key.endswith("]"):
        return key, []
    tokens = key[opening + 1 : -1].split("][")
    if any("[" in token or "]" in token for token in tokens):
        return key, []
    return key[:opening], tokens


def _insert(node: dict[str, Any], path: list[str], value: str) -> None:
    """Put ``value`` at ``path`` (``""``: append to a list) below ``node``."""
    for index, token in enumerate(path[:-1]):
        child = node.get(token)
        if path[index + 1] == "":
            if not isinstance(child, list):
                child = node[token] = []
            child.append(value)  # `a[]` ends the path; `a[][b]` is read as `a[]`
            return
        if not isinstance(child, dict):
            child = node[token] = {}
        node = child
    node[path[-1]] = value


def _lists(value: Any) -> Any:
    """Objects keyed ``0``, ``1``... (``items[0][price]``) as lists, recursively."""
    if isinstance(value, list):
        return [_lists(item) for item in value]
    if not isinstance(value, dict):
        return value
    converted = {key: _lists(item) for key, item in value.items()}
    if converted and all(key.isdigit() for key in converted):
        indices = sorted(converted, key=int)
        if [int(i) for i in indices] == list(range(len(indices))):
            return [converted[i] for i in indices]
    return converted
