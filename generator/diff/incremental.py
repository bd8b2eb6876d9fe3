"""Compare with a stored snapshot at a cost that follows the edit, not the spec.

Two versions of a spec are cut into units (:mod:`~apiforge.diff.units`). An operation
or a component schema is *untouched* when no unit its own unit leads to through
``$ref``s changed: the IR is built from the document alone, so its IR is the stored
one. Cross-entry effects of the IR builder (operationId de-duplication, hoisted
schema names, which keys exist) show in the lists of operation ids and schema keys,
which must be equal; the rest of the document (``r``) must be unchanged (its
documentation members may change: no rule reads them); names are compared for every entry. Any other edit returns None and the caller compares in full.
The rules run only for touched or renamed entries, in the order the full comparison
runs them, so the report is the one :func:`apiforge.diff.engine.compare` gives.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable

from apiforge.diagnostics import SpecLocation
from apiforge.diff import operations, params, schemas, units
from apiforge.diff.engine import finish
from apiforge.diff.model import Audience, Report
from apiforge.diff.pair import Pair
from apiforge.diff.snapshot import Snapshot, operation_types, type_models
from apiforge.diff.stored import (
    Index,
    Unit,
    encode_uses,
    entry_key,
    operation_entry,
    restore,
    schema_entry,
    source_refs,
)
from apiforge.ir.model import Operation

Made = tuple[Index, dict[str, bytes]]  # an index to store and its new entries


def full_index(snapshot: Snapshot) -> Made | None:
    """Everything to store for ``snapshot`` (None when its document cannot be cut into units)."""
    found = snapshot.known.get("units")
    table = units.cut(snapshot.document)
    if table is None:
        return None
    if found is None:
        found = {k: units.summary(k, n) for k, n in table.items()}
    rows = {k: Unit(units.fingerprint(n), *found[k]) for k, n in table.items()}
    snapshot.known.setdefault("digest", units.combined({k: u.canonical for k, u in rows.items()}))
    who = encode_uses(
        snapshot.usage, snapshot.users, [op.operation_id for op in snapshot.api.operations]
    )
    refs: dict[str, set[str]] = snapshot.known.get("refs") or {}
    entries: dict[str, bytes] = {}
    ops = tuple(
        (op.operation_id, op.path, _keep(entries, operation_entry(op)))
        for op in snapshot.api.operations
    )
    kept = tuple(
        (
            key,
            units.unit_of(schema.spec_location.pointer),
            _keep(entries, schema_entry(schema, snapshot.schemas.get(key, {}))),
            tuple(sorted(refs[key])) if key in refs else source_refs(snapshot.schemas.get(key, {})),
        )
        for key, schema in snapshot.api.schemas.items()
    )
    uses = _keep(entries, who)
    names = _keep(entries, pickle.dumps(snapshot.names, protocol=pickle.HIGHEST_PROTOCOL))
    return _index(snapshot, rows, ops, kept, names, uses), entries


def _keep(entries: dict[str, bytes], blob: bytes) -> str:
    key = entry_key(blob)
    entries[key] = blob
    return key


def _index(
    snapshot: Snapshot,
    rows: dict[str, Unit],
    ops: tuple[tuple[str, str, str], ...],
    kept: tuple[tuple[str, str, str, tuple[str, ...]], ...],
    names: str,
    uses: str,
) -> Index:
    return Index(
        snapshot.display,
        rows,
        ops,
        kept,
        names,
        pickle.dumps(snapshot.api.security_schemes, protocol=pickle.HIGHEST_PROTOCOL),
        uses,
        snapshot.digest,
    )


def compare_stored(
    old: Index,
    new: Snapshot,
    shown: str,
    packages: dict[str, Audience],
    locate: Callable[[SpecLocation], SpecLocation],
) -> tuple[Report, Made] | None:
    """The report from ``old`` (shown as ``shown``) to ``new``, and what to store for ``new``;
    None when the edit is not one this module handles (see the module docstring)."""
    table = units.cut(new.document)
    if table is None or old.display != new.display or list(table) != list(old.units):
        return None
    prints = {k: units.fingerprint(n) for k, n in table.items()}
    changed = {k for k, p in prints.items() if p is None or p != old.units[k].fingerprint}
    ops = new.api.operations
    if (
        units.REST in changed
        or len(ops) != len(old.operations)
        or any(op.operation_id != i or op.path != p for op, (i, p, _) in zip(ops, old.operations))
        or list(new.api.schemas) != [k for k, *_ in old.schemas]
    ):
        return None
    summaries = {k: units.summary(k, table[k]) for k in changed}
    graph = {k: summaries[k][1] if k in changed else u.refs for k, u in old.units.items()}
    touched = units.reaching(changed, graph)
    before = restore(old, shown, locate)
    if before is None:
        return None
    try:
        return _compare(old, before, new, packages, summaries, prints, graph, touched)
    except (LookupError, pickle.UnpicklingError, AttributeError, ImportError, EOFError, ValueError):
        return None  # a stored entry is missing or unreadable: the caller compares in full


def _compare(
    old: Index,
    before: Snapshot,
    new: Snapshot,
    packages: dict[str, Audience],
    summaries: dict[str, tuple[bytes, tuple[str, ...]]],
    prints: dict[str, bytes | None],
    graph: dict[str, tuple[str, ...]],
    touched: set[str],
) -> tuple[Report, Made]:
    was, now = before.names, new.names
    entries: dict[str, bytes] = {}
    ops: list[tuple[str, str, str]] = []
    to_compare: list[tuple[Operation, Operation]] = []
    same_usage = True
    for op, (op_id, path, entry) in zip(new.api.operations, old.operations):
        edited = "p" + path in touched
        if edited:
            entry = _keep(entries, operation_entry(op))
            same_usage = same_usage and _models(before.operations[op_id]) == _models(op)
        a, b = was.operations.get(op_id), now.operations.get(op_id)
        renamed = a != b or (
            a is not None
            and b is not None
            and was.groups.get(a.resource) != now.groups.get(b.resource)
        )
        if edited or renamed:
            to_compare.append((before.operations[op_id], op))
        ops.append((op_id, path, entry))
    kept: list[tuple[str, str, str, tuple[str, ...]]] = []
    components: list[str] = []
    for key, unit, entry, refs in old.schemas:
        schema = new.api.schemas[key]
        home = units.unit_of(schema.spec_location.pointer)
        edited = home in touched or home != unit
        if edited:
            raw = new.schemas.get(key, {})
            entry = _keep(entries, schema_entry(schema, raw))
            fresh = source_refs(raw)
            same_usage = same_usage and fresh == refs
            refs = fresh
        if edited or was.schemas.get(key) != now.schemas.get(key):
            components.append(key)
        kept.append((key, home, entry, refs))
    ids = [i for i, _, _ in ops]
    if same_usage:  # every operation's types and every schema's $refs as before
        new.known.setdefault("usage", before.usage)
        new.known.setdefault("users", before.users)
        uses = old.uses
    else:
        uses = _keep(entries, encode_uses(new.usage, new.users, ids))
    if was == now:
        names = old.names
    else:
        names = _keep(entries, pickle.dumps(now, protocol=pickle.HIGHEST_PROTOCOL))
    rows = dict(old.units)
    for key, (canonical, refs_of) in summaries.items():
        rows[key] = Unit(prints[key], canonical, refs_of)
    new.known.setdefault("digest", units.combined({k: u.canonical for k, u in rows.items()}))
    pair = Pair(before, new)
    for was_op, now_op in to_compare:
        for rule in (*operations.OPERATION_RULES, *params.SIGNATURE_RULES):
            rule(pair, was_op, now_op)
    operations.resources(pair)
    operations.schemes(pair)
    for key in components:
        schemas.component(pair, key, before.api.schemas[key], new.api.schemas[key])
    report = finish(pair, packages)
    return report, (_index(new, rows, tuple(ops), tuple(kept), names, uses), entries)


def _models(op: Operation) -> list[tuple[str, str]]:
    """What the usage of schemas reads of one operation: each model it names, by direction."""
    return [(d, m) for d, ref in operation_types(op) for m in type_models(ref)]
