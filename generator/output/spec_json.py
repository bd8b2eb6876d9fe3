"""The server's ``openapi.json``: the bundled document as ``json.dumps(indent=1)`` spells it, per definition cached.

``json.dumps`` with an indent runs the pure-Python encoder (~0.1 s at 1,000 operations,
every run). The document's top levels (``paths``, ``components`` and its sections) are
spelt here, the way that encoder spells them; each definition below them (a path item, a
schema...) is looked up by the digest of its compact encoding, which the C encoder
makes ~5x faster and which determines the indented text (same value tree, same scalar
spelling). One cache entry per spec file holds the texts its last run used: a stale
entry can only miss, and a one-schema change re-encodes that schema alone. A
definition the cache misses is laid out here with its scalars spelt by the C encoder
(:func:`_indented`), not by the pure-Python one.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from apiforge.output import cache

CACHE_KIND = "openapi"  # the served openapi.json texts
_FORMAT = "spec json v1"
_NESTED = {"paths": 0, "components": 1, "webhooks": 0}  # key -> levels spelt here below it


def spec_json(document: dict[str, Any], spec: Path) -> str:
    """``json.dumps(document, indent=1, ensure_ascii=False, default=str) + "\\n"``, faster."""
    folder = cache.cache_dir(CACHE_KIND)
    if folder is None or not _plain_keys(document):
        return _indented(document) + "\n"
    table_key = cache.digest(_FORMAT, sys.version, os.path.abspath(spec))
    known = _table(cache.read_bytes(folder, table_key))
    used: dict[str, str] = {}
    parts = []
    for key, value in document.items():
        depth = _NESTED.get(key)
        if depth is not None and isinstance(value, dict) and _plain_keys(value):
            text = _spelt(value, 1, depth, known, used)
        else:
            text = _leaf(value, 1, known, used)
        parts.append(f"{_key(key)}: {text}")
    text = "{\n " + ",\n ".join(parts) + "\n}\n" if parts else "{}\n"
    if used.keys() != known.keys():
        cache.write(folder, table_key, marshal.dumps(used))
    return text


def _indented(value: object) -> str:
    """``json.dumps(value, indent=1, ensure_ascii=False, default=str)``, about twice as fast.

    ``json.dumps`` with an indent runs the pure-Python encoder on every node; here the
    containers are laid out by :func:`_lay_out` and every scalar is spelt by the C
    encoder (same escaping, same float spelling, ``default`` alike). A mapping with a
    key that is not a str (the encoder converts those) or a cycle goes to ``json.dumps``.
    """
    parts: list[str] = []
    try:
        _lay_out(value, "\n", parts.append)
    except (_KeyNotStr, RecursionError):
        return json.dumps(value, indent=1, ensure_ascii=False, default=str)
    return "".join(parts)


class _KeyNotStr(Exception):
    """A mapping key ``json.dumps`` would convert: left to it."""


_scalar = json.JSONEncoder(ensure_ascii=False, default=str).encode  # C-accelerated


def _lay_out(value: object, newline: str, out: Callable[[str], object]) -> None:
    """Append ``value`` spelt as ``json.dumps(indent=1)`` does, ``newline`` ending its parent's line."""
    if isinstance(value, dict):
        if not value:
            out("{}")
            return
        inner = newline + " "
        separator = "{" + inner
        for key, item in value.items():
            if not isinstance(key, str):
                raise _KeyNotStr
            out(separator)
            out(_scalar(key))
            out(": ")
            _lay_out(item, inner, out)
            separator = "," + inner
        out(newline + "}")
    elif isinstance(value, (list, tuple)):
        if not value:
            out("[]")
            return
        inner = newline + " "
        separator = "[" + inner
        for item in value:
            out(separator)
            _lay_out(item, inner, out)
            separator = "," + inner
        out(newline + "]")
    else:
        out(_scalar(value))


def _key(key: str) -> str:
    return json.dumps(key, ensure_ascii=False)


def _plain_keys(mapping: dict[Any, Any]) -> bool:
    """True when every key is a str (json.dumps converts other keys: left to it)."""
    return all(isinstance(k, str) for k in mapping)


def _spelt(
    mapping: dict[str, Any], depth: int, below: int, known: dict[str, str], used: dict[str, str]
) -> str:
    """``mapping`` at ``depth`` with its values looked up (``below`` more levels spelt here)."""
    if not mapping:
        return "{}"
    inner = " " * (depth + 1)
    parts = []
    for key, value in mapping.items():
        if below > 0 and isinstance(value, dict) and _plain_keys(value):
            text = _spelt(value, depth + 1, below - 1, known, used)
        else:
            text = _leaf(value, depth + 1, known, used)
        parts.append(f"{inner}{_key(key)}: {text}")
    return "{\n" + ",\n".join(parts) + "\n" + " " * depth + "}"


def _leaf(value: object, depth: int, known: dict[str, str], used: dict[str, str]) -> str:
    """``value``'s indented text at ``depth``, from the table when its compact text was seen."""
    compact = json.dumps(value, ensure_ascii=False, default=str)
    key = hashlib.sha256(compact.encode("utf-8", "surrogatepass")).hexdigest()
    text = known.get(key)
    if text is None:
        text = _indented(value)
    used[key] = text
    # JSON text holds no raw newline inside a string, so each newline starts a nested line
    return text.replace("\n", "\n" + " " * depth) if depth else text


def _table(data: bytes | None) -> dict[str, str]:
    if data is None:
        return {}
    try:
        found = marshal.loads(data)  # the user's own cache, content-addressed entries
    except (EOFError, ValueError, TypeError):
        return {}
    if not isinstance(found, dict):
        return {}
    return {k: v for k, v in found.items() if isinstance(k, str) and isinstance(v, str)}
