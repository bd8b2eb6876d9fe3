"""A content-addressed cache of expensive, pure results (formatted files, rendered models).

Keys are sha256 digests of everything a result depends on, so an entry is never
stale, only unused. Location: ``$APIFORGE_CACHE_DIR``, else
``$XDG_CACHE_HOME/apiforge``, else ``~/.cache/apiforge``; ``APIFORGE_CACHE_DIR=off``
disables it. A cache that cannot be read or written only costs time.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def digest(*parts: str) -> str:
    """The cache key of a result that depends on ``parts``."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode())
        h.update(b"\0")
    return h.hexdigest()


def cache_dir(kind: str) -> Path | None:
    """The folder for one kind of result, or None when caching is off."""
    configured = os.environ.get("APIFORGE_CACHE_DIR")
    if configured == "off":
        return None
    base = (
        Path(configured)
        if configured
        else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "apiforge"
    )
    return base / kind


def read(folder: Path | None, key: str) -> str | None:
    """The cached text for ``key``, or None."""
    if folder is None:
        return None
    try:
        return (folder / key[:2] / key).read_text(encoding="utf-8")
    except OSError:
        return None


def read_bytes(folder: Path | None, key: str) -> bytes | None:
    """The cached bytes for ``key``, or None."""
    if folder is None:
        return None
    try:
        return (folder / key[:2] / key).read_bytes()
    except OSError:
        return None


def write(folder: Path | None, key: str, text: str | bytes) -> None:
    """Store ``text`` (or bytes) under ``key`` (atomically; errors are ignored)."""
    if folder is None:
        return
    try:
        sub = folder / key[:2]
        sub.mkdir(parents=True, exist_ok=True)
        tmp = sub / f".{key}.{os.getpid()}.tmp"
        if isinstance(text, bytes):
            tmp.write_bytes(text)
        else:
            tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, sub / key)
    except OSError:
        pass
