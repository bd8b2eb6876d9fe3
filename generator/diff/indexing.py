"""What the content cache keeps of a snapshot: its :class:`~apiforge.diff.stored.Index` and entries.

:func:`full_index` stores a snapshot afresh (the units of its document, each operation
and schema pickled into packs); :mod:`~apiforge.diff.incremental` builds the index of
a new snapshot from the previous one with :func:`index_of`. Neither needs the rules.
"""

from __future__ import annotations

import pickle

from apiforge.diff import units
from apiforge.diff.snapshot import Snapshot
from apiforge.diff.stored import (
    Index,
    Pack,
    Ref,
    Unit,
    encode_uses,
    entry_key,
    operation_entry,
    schema_entry,
    schemes_of,
    sealed,
    source_refs,
)

Made = tuple[Index, dict[str, bytes]]  # an index to store and its new entries


def unit_rows(snapshot: Snapshot, previous: Index | None = None) -> dict[str, Unit] | None:
    """The units of ``snapshot``'s document (those ``previous`` holds with the same fingerprint
    taken from it), remembered with the document digest; None when it cannot be cut."""
    if "rows" in snapshot.known:
        return snapshot.known["rows"]  # type: ignore[no-any-return]
    table = units.cut(snapshot.document)
    if table is None:
        return None
    found = snapshot.known.get("units") or {}
    rows: dict[str, Unit] = {}
    for key, node in table.items():
        mark = units.fingerprint(node)
        was = previous.units.get(key) if previous is not None else None
        if mark is not None and was is not None and was[0] == mark:
            rows[key] = was
        else:
            rows[key] = (mark, *(found.get(key) or units.summary(key, node)))
    snapshot.known["rows"] = rows
    snapshot.known.setdefault("digest", units.combined({k: u[1] for k, u in rows.items()}))
    return rows


def full_index(snapshot: Snapshot, previous: Index | None = None) -> Made | None:
    """Everything to store for ``snapshot`` (None when its document cannot be cut into units);
    the units ``previous`` holds unchanged are not digested again."""
    rows = unit_rows(snapshot, previous)
    if rows is None:
        return None
    who = encode_uses(
        snapshot.usage, snapshot.users, [op.operation_id for op in snapshot.api.operations]
    )
    refs: dict[str, set[str]] = snapshot.known.get("refs") or {}
    entries: dict[str, bytes] = {}
    pack = Pack()
    ops = tuple(
        (op.operation_id, op.path, op.method, pack.add(operation_entry(op)))
        for op in snapshot.api.operations
    )
    kept = tuple(
        (
            key,
            units.unit_of(schema.spec_location.pointer),
            pack.add(schema_entry(schema, snapshot.schemas.get(key, {}))),
            tuple(sorted(refs[key])) if key in refs else source_refs(snapshot.schemas.get(key, {})),
        )
        for key, schema in snapshot.api.schemas.items()
    )
    uses = keep(entries, who)
    names = keep(entries, pickle.dumps(snapshot.names, protocol=pickle.HIGHEST_PROTOCOL))
    return index_of(snapshot, rows, ops, kept, names, uses, pack, entries), entries


def keep(entries: dict[str, bytes], blob: bytes) -> str:
    """Add content-addressed ``blob`` to ``entries``; its key."""
    key = entry_key(blob)
    entries[key] = blob
    return key


def index_of(
    snapshot: Snapshot,
    rows: dict[str, Unit],
    ops: tuple[tuple[str, str, str, Ref], ...],
    kept: tuple[tuple[str, str, Ref, tuple[str, ...]], ...],
    names: str,
    uses: str,
    pack: Pack,
    entries: dict[str, bytes],
    touched: int = 0,
) -> Index:
    """The index of ``snapshot``; the pack of its new entries joins ``entries``. ``touched``:
    of the index the shared entries come from (see :func:`apiforge.diff.stored.store`)."""
    if pack.parts:
        keys = pack.seal()
        entries.update(keys.values())
        ops = tuple(o if o[3][0] not in keys else (*o[:3], sealed(o[3], keys)) for o in ops)
        kept = tuple(s if s[2][0] not in keys else (*s[:2], sealed(s[2], keys), s[3]) for s in kept)
    return Index(
        snapshot.display,
        rows,
        ops,
        kept,
        names,
        pickle.dumps(schemes_of(snapshot.api), protocol=pickle.HIGHEST_PROTOCOL),
        uses,
        snapshot.digest,
        tuple((s.url, s.description) for s in snapshot.api.servers),
        snapshot.openapi,
        touched,
    )
