"""marshal's version-2 spelling of a loaded spec's nodes, made once however many stages digest it.

Three stages digest the same definitions of the loaded document by that spelling: the
served ``openapi.json``'s pieces (:mod:`apiforge.output.spec_json`), each schema's shape
(:attr:`apiforge.ir.shapes.Shape.digest`: a component none of whose parts is hoisted is
the loaded node itself) and the release step's units
(:func:`apiforge.diff.units.fingerprint`); spelling a 1,000-operation spec costs ~7 ms
each time. Within :func:`kept` (one ``generate`` of one target, from loading to the
release step) a container's spelling is kept by its identity, the container held so its
id is not reused. That is sound because nothing changes a loaded document after loading
(the stages read it; their caches already rely on that). Outside it nothing is kept, so
a caller that edits a document in place between two calls gets each one's own spelling.
"""

from __future__ import annotations

import marshal
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

_known: dict[int, tuple[Any, bytes | None]] | None = None


@contextmanager
def kept() -> Iterator[None]:
    """Keep each container's spelling until the block ends (then drop them all)."""
    global _known
    outer, _known = _known, {}
    try:
        yield
    finally:
        _known = outer


def spelling(node: Any) -> bytes | None:
    """``marshal.dumps(node, 2)``, or None when marshal cannot spell a value in ``node``.

    Version 2 has no back-references: newer versions mark an object shared when its
    reference count is above one, so equal nodes could be spelt differently.
    """
    known = _known
    if known is None or (type(node) is not dict and type(node) is not list):
        return _spelt(node)  # nothing kept, or a scalar: cheap, and nothing to hold
    hit = known.get(id(node))
    if hit is not None and hit[0] is node:
        return hit[1]
    spelt = _spelt(node)
    known[id(node)] = (node, spelt)
    return spelt


def _spelt(node: Any) -> bytes | None:
    try:
        return marshal.dumps(node, 2)
    except ValueError:
        return None


def mapping_spelling(entries: Iterable[tuple[Any, bytes | None]]) -> bytes | None:
    """``marshal.dumps(dict(entries), 2)`` from each key and its value's spelling, or None
    when one is None or a key has none: version 2 writes a dict as ``{``, then each key and
    value, then ``0``. So a part of a document is digested from spellings kept for its
    definitions (:func:`spelling`), not spelt over again (the equal bytes, the same key)."""
    parts = [b"{"]
    for key, spelt in entries:
        spelt_key = _spelt(key)
        if spelt is None or spelt_key is None:
            return None
        parts += (spelt_key, spelt)
    parts.append(b"0")
    return b"".join(parts)
