"""The server's ``openapi.json``: the bundled document as ``json.dumps(indent=1)`` spells it, cached per run of definitions.

``json.dumps`` with an indent runs the pure-Python encoder (~0.1 s at 1,000 operations,
every run). The document's top levels (``paths``, ``components`` and its sections) are
spelt here, the way that encoder spells them; the definitions below them (path items,
schemas...) are cut into runs of about 16 where their keys say (:func:`_spelt`), and each
run's text is looked up by a digest of its entries (:func:`_run_key`), which determines
its indented text, kept as one checked piece (:mod:`apiforge.output.pieces`): a
one-schema change re-encodes and stores that schema's run alone, and a warm run reads
some 110 pieces at 1,000 operations, not 1,900. A run the cache misses is laid out by
:func:`_indented`, whose scalars are spelt by the C functions the encoder calls, not by
the pure-Python encoder.
"""

from __future__ import annotations

import functools
import hashlib
import json
import marshal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from apiforge.load.spellings import spelling
from apiforge.output import cache, pieces

CACHE_KIND = "openapi"  # the served openapi.json texts
_FORMAT = "spec json v5"  # v5: a run keyed by its entries' spellings one by one
_NESTED = {"paths": 0, "components": 1, "webhooks": 0}  # key -> levels spelt here below it


Entries = list[tuple[str, Any]]
"""A run of a mapping's entries, spelt as one piece."""


def spec_json(document: dict[str, Any], spec: Path) -> str:
    """``json.dumps(document, indent=1, ensure_ascii=False, default=str) + "\\n"``, faster.

    ``spec`` is not part of a piece's key: files that share a run of definitions share its text.
    """
    folder = cache.cache_dir(CACHE_KIND)
    if folder is None or not _plain_keys(document):
        return _indented(document) + "\n"
    out: list[str] = []
    runs: list[tuple[int, Entries, int]] = []
    _spelt(document, 0, _NESTED, out, runs)
    keys = [_run_key(entries, depth) for _, entries, depth in runs]
    known = pieces.read(folder, list(dict.fromkeys(keys)))
    fresh: dict[str, bytes] = {}
    for key, (slot, entries, depth) in zip(keys, runs, strict=True):
        stored = known.get(key)
        try:
            text = stored.decode("utf-8", "surrogatepass") if stored is not None else None
        except UnicodeDecodeError:
            text = None
        if text is None:
            text = _entries(entries, depth)
            fresh[key] = known[key] = text.encode("utf-8", "surrogatepass")
        out[slot] = text
    pieces.write(folder, fresh)
    out.append("\n")
    return "".join(out)


def _entries(entries: Entries, depth: int) -> str:
    """The lines of a mapping's ``entries`` at ``depth``, as ``json.dumps(indent=1)`` spells them."""
    inner = " " * (depth + 1)
    newline = "\n" + inner
    return ",\n".join(f"{inner}{_key(key)}: {_indented(value, newline)}" for key, value in entries)


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


def _spelt(
    mapping: dict[str, Any],
    depth: int,
    below: dict[str, int] | int,
    out: list[str],
    runs: list[tuple[int, Entries, int]],
) -> None:
    """Append ``mapping``'s text at ``depth`` to ``out``, a slot in it per run of its entries.

    ``below`` is how many more levels below this one are spelt here, or (the document)
    which keys are spelt here and how deep. Other entries are cut into runs, each
    recorded in ``runs`` as (its slot in ``out``, its entries, ``depth``): a run ends
    after an entry whose key's sha256 starts with a multiple of 16 (:func:`_ends_run`), so where runs end depends on
    the keys alone and an edit, or a definition added, changes the run it falls in and
    no other.
    """
    if not mapping:
        out.append("{}")
        return
    out.append("{\n")
    separator = ""
    entries: Entries = []
    for key, value in mapping.items():
        deeper = below.get(key) if isinstance(below, dict) else below - 1
        if deeper is not None and deeper >= 0 and isinstance(value, dict) and _plain_keys(value):
            if entries:
                out.append(separator)
                runs.append((len(out), entries, depth))
                out.append("")
                separator, entries = ",\n", []
            out.append(f"{separator}{' ' * (depth + 1)}{_key(key)}: ")
            _spelt(value, depth + 1, deeper, out, runs)
            separator = ",\n"
            continue
        entries.append((key, value))
        if _ends_run(key):
            out.append(separator)
            runs.append((len(out), entries, depth))
            out.append("")
            separator, entries = ",\n", []
    if entries:
        out.append(separator)
        runs.append((len(out), entries, depth))
        out.append("")
    out.append("\n" + " " * depth + "}")


def _ends_run(key: str) -> bool:
    """True for about one key in 16, the same in every process (sha256: hashlib is loaded anyway)."""
    return not hashlib.sha256(key.encode("utf-8", "surrogatepass")).digest()[0] & 15


def _run_key(entries: Entries, depth: int) -> str:
    """The piece key of a run of ``entries``' text at ``depth``.

    It digests each entry's key and value as ``marshal``'s format 2 spells them, one after
    the other (no object references, so it depends on the values alone, and about 3x
    cheaper than the compact JSON text; a value's spelling is kept for the stages that
    digest it again, :mod:`~apiforge.load.spellings`). Each spelling says where it ends,
    so the run's spellings determine its entries' keys and values, and those the JSON
    text: the format spells dicts in order, str, int, float, bool and None apart, lists
    apart from tuples, and refuses what it cannot spell (dates, subclasses): such a run
    is keyed by its compact JSON text. (Only bytes-like objects other than bytes, which
    no loader builds, share a spelling, bytes'.)
    """
    parts: list[bytes] = []
    for key, value in entries:
        spelt = spelling(value)
        if spelt is None:
            compact = json.dumps(entries, ensure_ascii=False, default=str)
            return pieces.key(_prefix("j", depth), compact.encode("utf-8", "surrogatepass"))
        parts.append(marshal.dumps(key, 2))
        parts.append(spelt)
    return pieces.key(_prefix("m", depth), b"".join(parts))


@functools.cache
def _prefix(kind: str, depth: int) -> bytes:
    return f"{_FORMAT}\0{sys.version}\0{kind}{depth}".encode()
