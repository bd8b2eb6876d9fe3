"""The server's ``openapi.json``: the bundled document as ``json.dumps(indent=1)`` spells it, per definition cached.

``json.dumps`` with an indent runs the pure-Python encoder (~0.1 s at 1,000 operations,
every run). The document's top levels (``paths``, ``components`` and its sections) are
spelt here, the way that encoder spells them; each definition below them (a path item, a
schema...) is looked up by a digest of its value (:func:`_leaf_key`), which determines its
indented text, kept as one checked piece (:mod:`apiforge.output.pieces`): a one-schema
change re-encodes and stores that schema alone. A
definition the cache misses is laid out by :func:`_indented`, whose scalars are spelt by
the C functions the encoder calls, not by the pure-Python encoder.
"""

from __future__ import annotations

import functools
import json
import marshal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from apiforge.output import cache, pieces

CACHE_KIND = "openapi"  # the served openapi.json texts
_FORMAT = "spec json v3"
_NESTED = {"paths": 0, "components": 1, "webhooks": 0}  # key -> levels spelt here below it


def spec_json(document: dict[str, Any], spec: Path) -> str:
    """``json.dumps(document, indent=1, ensure_ascii=False, default=str) + "\\n"``, faster.

    ``spec`` is not part of a piece's key: files that share a definition share its text.
    """
    folder = cache.cache_dir(CACHE_KIND)
    if folder is None or not _plain_keys(document):
        return _indented(document) + "\n"
    wanted: list[tuple[str, Any, int]] = []  # (key, value, depth) per definition, in order

    def want(value: Any, depth: int) -> str:
        wanted.append((_leaf_key(value, depth), value, depth))
        return ""

    _document(document, want)
    known = pieces.read(folder, list(dict.fromkeys(key for key, _, _ in wanted)))
    fresh: dict[str, bytes] = {}
    texts = iter(wanted)

    def leaf(value: Any, depth: int) -> str:
        key, _, _ = next(texts)
        stored = known.get(key)
        if stored is not None:
            try:
                return stored.decode("utf-8", "surrogatepass")
            except UnicodeDecodeError:
                pass
        text = _indented(value, "\n" + " " * depth)
        fresh[key] = known[key] = text.encode("utf-8", "surrogatepass")
        return text

    text = _document(document, leaf)
    pieces.write(folder, fresh)
    return text


def _document(document: dict[str, Any], leaf: Callable[[Any, int], str]) -> str:
    """The document's text, each definition's from ``leaf(value, depth)``."""
    parts = []
    for key, value in document.items():
        depth = _NESTED.get(key)
        if depth is not None and isinstance(value, dict) and _plain_keys(value):
            text = _spelt(value, 1, depth, leaf)
        else:
            text = leaf(value, 1)
        parts.append(f"{_key(key)}: {text}")
    return "{\n " + ",\n ".join(parts) + "\n}\n" if parts else "{}\n"


def _indented(value: object, newline: str = "\n") -> str:
    """``json.dumps(value, indent=1, ensure_ascii=False, default=str)``, about 3x as fast.

    ``newline`` (a newline and an indent) indents every line after the first: the text
    as it sits that deep. ``json.dumps`` with an indent runs the pure-Python encoder on
    every node; here the containers are laid out by :func:`_lay_out` and every scalar
    is spelt as the encoder spells it, by the C functions it calls (same escaping, same
    float spelling, ``default`` alike). A mapping with a key that is not a str (the
    encoder converts those) or a cycle goes to ``json.dumps``.
    """
    parts: list[str] = []
    try:
        _lay_out(value, newline, parts.append)
    except (_KeyNotStr, RecursionError):
        text = json.dumps(value, indent=1, ensure_ascii=False, default=str)
        # JSON text holds no raw newline inside a string: each one starts a nested line
        return text.replace("\n", newline) if newline != "\n" else text
    return "".join(parts)


class _KeyNotStr(Exception):
    """A mapping key ``json.dumps`` would convert: left to it."""


_string: Callable[[str], str] = json.encoder.encode_basestring  # C; how json.dumps spells a str
_scalar = json.JSONEncoder(ensure_ascii=False, default=str).encode  # C-accelerated
_CONTAINERS = (dict, list, tuple)


def _lay_out(value: object, newline: str, out: Callable[[str], object]) -> None:
    """Append ``value`` spelt as ``json.dumps(indent=1)`` does, ``newline`` ending its parent's line.

    One ``out`` per item: a str item is spelt inline by the C function, another scalar
    (or an empty container) by the C encoder, a non-empty container by recursion.
    """
    if not (isinstance(value, _CONTAINERS) and value):
        out(_string(value) if isinstance(value, str) else _other(value))
        return
    inner = newline + " "
    if isinstance(value, dict):
        separator = "{" + inner
        for key, item in value.items():
            if not isinstance(key, str):
                raise _KeyNotStr
            if isinstance(item, str):
                out(separator + _string(key) + ": " + _string(item))
            elif isinstance(item, _CONTAINERS) and item:
                out(separator + _string(key) + ": ")
                _lay_out(item, inner, out)
            else:
                out(separator + _string(key) + ": " + _other(item))
            separator = "," + inner
        out(newline + "}")
    else:
        separator = "[" + inner
        for item in value:
            if isinstance(item, str):
                out(separator + _string(item))
            elif isinstance(item, _CONTAINERS) and item:
                out(separator)
                _lay_out(item, inner, out)
            else:
                out(separator + _other(item))
            separator = "," + inner
        out(newline + "]")


def _other(value: object) -> str:
    """A scalar that is not a str (or an empty container), as ``json.dumps`` spells it."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if value.__class__ is int:
        return int.__repr__(value)  # what the encoder calls
    return _scalar(value)


def _key(key: str) -> str:
    return _string(key)


def _plain_keys(mapping: dict[Any, Any]) -> bool:
    """True when every key is a str (json.dumps converts other keys: left to it)."""
    return all(isinstance(k, str) for k in mapping)


def _spelt(mapping: dict[str, Any], depth: int, below: int, leaf: Callable[[Any, int], str]) -> str:
    """``mapping`` at ``depth``, its values from ``leaf`` (``below`` more levels spelt here)."""
    if not mapping:
        return "{}"
    inner = " " * (depth + 1)
    parts = []
    for key, value in mapping.items():
        if below > 0 and isinstance(value, dict) and _plain_keys(value):
            text = _spelt(value, depth + 1, below - 1, leaf)
        else:
            text = leaf(value, depth + 1)
        parts.append(f"{inner}{_key(key)}: {text}")
    return "{\n" + ",\n".join(parts) + "\n" + " " * depth + "}"


def _leaf_key(value: Any, depth: int) -> str:
    """The piece key of ``value``'s indented text at ``depth``.

    It digests ``marshal``'s format 2 spelling (no object references, so it depends on
    the value alone, and about 3x cheaper than the compact JSON text). That determines
    the JSON text: the format spells dicts in order, str, int, float, bool and None
    apart, lists apart from tuples, and refuses what it cannot spell (dates,
    subclasses): such a value is keyed by its compact JSON text. (Only bytes-like
    objects other than bytes, which no loader builds, share a spelling, bytes'.)
    """
    try:
        spelt, kind = marshal.dumps(value, 2), "m"
    except ValueError:
        compact = json.dumps(value, ensure_ascii=False, default=str)
        spelt, kind = compact.encode("utf-8", "surrogatepass"), "j"
    return pieces.key(_prefix(kind, depth), spelt)


@functools.cache
def _prefix(kind: str, depth: int) -> bytes:
    return f"{_FORMAT}\0{sys.version}\0{kind}{depth}".encode()
