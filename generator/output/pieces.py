"""Checked, content-addressed pieces in the content cache: a spec-sized result kept per part.

A result as large as the spec (the per-definition parse, the served ``openapi.json``'s
texts) is stored as one piece per definition, keyed by a digest of what the piece is
computed from, never as one entry per spec file: an edit then writes only the pieces it
changed, other files with the same definitions share them, and the least recently used
are pruned one by one (:mod:`apiforge.output.cache`).

Each piece is stored behind a check, the first 16 bytes of the sha256 of its key and its
bytes. A piece whose check fails (a damaged page, bytes stored under another key) reads
as missing: its caller computes it again and stores it afresh.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from apiforge.output import cache

_CHECK = 16


def key(prefix: bytes, content: bytes) -> str:
    """The key of a piece computed from ``content`` (``prefix``: what else it depends on)."""
    h = hashlib.sha256(prefix)
    h.update(b"\0")
    h.update(content)
    return h.hexdigest()


def _check(key: str, data: bytes | memoryview) -> bytes:
    h = hashlib.sha256(key.encode())
    h.update(data)
    return h.digest()[:_CHECK]


def read(folder: Path | None, keys: list[str]) -> dict[str, bytes]:
    """The stored pieces of ``keys`` whose check holds (one query per 500 keys)."""
    found: dict[str, bytes] = {}
    for name, stored in cache.read_many_bytes(folder, keys).items():
        view = memoryview(stored)
        if len(stored) >= _CHECK and _check(name, view[_CHECK:]) == view[:_CHECK]:
            found[name] = stored[_CHECK:]
    return found


def write(folder: Path | None, items: dict[str, bytes]) -> None:
    """Store each key's piece (replacing one that failed its check), in one transaction."""
    if folder is None or not items:
        return
    cache.write_many(folder, {k: _check(k, v) + v for k, v in items.items()})
