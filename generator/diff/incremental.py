"""Compare with a stored snapshot at a cost that follows the edit, not the spec.

Two versions of a spec are cut into units (:mod:`~apiforge.diff.units`). An operation
or a component schema is *untouched* when no unit its own unit leads to through
``$ref``s changed, appeared or went: the IR is built from the document alone, so its IR
is the stored one. Effects of the IR builder across entries (operationId
de-duplication, hoisted schema names) show in the list of schema keys, which must be
equal, and in the operations of untouched path items, which must be the stored ones;
the rest of the document (``r``) must be unchanged (its documentation members may
change: no rule reads them but the servers, which the index keeps whole); names are compared for every entry. Any other edit
returns None and the caller compares in full. Operations are matched as
:func:`~apiforge.diff.operations.match_operations` matches them and the rules run
only for touched, renamed, added or removed entries, in the order the full
comparison runs them, so the report is the one :func:`apiforge.diff.engine.compare`
gives. When every operation is the stored one (same ids, paths and methods, in order)
and named alike, each matches itself: only the touched ones are visited.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import cast

from apiforge.diagnostics import SpecLocation
from apiforge.diff import (
    credentials,
    described,
    model_names,
    operations,
    params,
    schemas,
    servers,
    units,
)
from apiforge.diff.engine import finish
from apiforge.diff.indexing import Made, index_of, keep
from apiforge.diff.model import Audience, Report
from apiforge.diff.pair import Pair
from apiforge.diff.snapshot import Snapshot, operation_types, type_models
from apiforge.diff.stored import (
    Index,
    Pack,
    Ref,
    encode_uses,
    operation_entry,
    restore,
    schema_entry,
    source_refs,
)
from apiforge.ir.model import Operation
from apiforge.naming.names import Names


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
    if table is None or old.display != new.display:
        return None
    prints = {k: units.fingerprint(n) for k, n in table.items()}
    changed = {
        k for k, p in prints.items() if p is None or k not in old.units or p != old.units[k][0]
    }
    if units.REST in changed or list(new.api.schemas) != [k for k, *_ in old.schemas]:
        return None
    summaries = {k: units.summary(k, table[k]) for k in changed}
    graph = {k: summaries[k][1] if k in changed else old.units[k][2] for k in table}
    # a unit that is gone leads back to every unchanged unit that refers to it
    touched = units.reaching(changed | (old.units.keys() - table.keys()), graph)
    listed = [(o.operation_id, o.path, o.method) for o in new.api.operations]
    same_ops = listed == [(i, p, m) for i, p, m, _ in old.operations]  # then all are in place
    if not (same_ops or _in_place(old, new, touched)):
        return None
    before = restore(old, shown, locate)
    if before is None:
        return None
    try:
        return _compare(old, before, new, packages, summaries, prints, touched, same_ops)
    except (
        LookupError,
        pickle.UnpicklingError,
        AttributeError,
        ImportError,
        EOFError,
        ValueError,
        TypeError,
    ):
        return None  # a stored entry is missing or unreadable: the caller compares in full


def _in_place(old: Index, new: Snapshot, touched: set[str]) -> bool:
    """Whether the operations of untouched path items are the stored ones (id, path, method)."""
    stored = {i: (p, m) for i, p, m, _ in old.operations}
    kept = sum(1 for _, p, _, _ in old.operations if "p" + p not in touched)
    for op in new.api.operations:
        if "p" + op.path not in touched:
            kept -= 1
            if stored.get(op.operation_id) != (op.path, op.method):
                return False
    return kept == 0


@dataclass(frozen=True)
class _Stored:
    """What matching reads of a stored operation (its IR loads only when a rule needs it)."""

    operation_id: str
    method: str
    path: str


def _compare(
    old: Index,
    before: Snapshot,
    new: Snapshot,
    packages: dict[str, Audience],
    summaries: dict[str, tuple[bytes, tuple[str, ...]]],
    prints: dict[str, bytes | None],
    touched: set[str],
    same_ops: bool,
) -> tuple[Report, Made]:
    was, now = before.names, new.names
    # then no operation, resource or schema was renamed: nothing to look up each (a model's
    # fields and enum members may be: the components loop below compares those)
    same_names = (was.schemas, was.operations, was.groups) == (
        now.schemas,
        now.operations,
        now.groups,
    )
    same_models = same_names and was == now
    entries: dict[str, bytes] = {}
    pack = Pack()
    pair = Pair(before, new)
    if same_ops and same_names:
        # each operation matches itself and is renamed nowhere: only the edited ones are
        # compared, in the order the matching gives (spec order), and stored anew
        same_usage, ops = _edited_in_place(old, before, new, pair, pack, touched)
    else:
        same_usage, ops = _matched(old, before, new, pair, pack, touched, same_ops, same_names)
    if not (same_names and same_ops):  # else every resource chain is as before
        operations.resources(pair)
    credentials.credentials(pair)
    servers.base_url(pair)  # the index keeps the servers: their unit is not compared
    kept: list[tuple[str, str, Ref, tuple[str, ...]]] = []
    components: list[str] = []
    for key, unit, entry, refs in old.schemas:
        schema = new.api.schemas[key]
        home = units.unit_of(schema.spec_location.pointer)
        edited = home in touched or home != unit
        if edited:
            raw = new.schemas.get(key, {})
            entry = pack.add(schema_entry(schema, raw))
            fresh = source_refs(raw)
            same_usage = same_usage and fresh == refs
            refs = fresh
        if edited or (not same_models and model_names.differ(was, now, key)):
            components.append(key)
        kept.append((key, home, entry, refs))
    if same_usage:  # every operation's types and every schema's $refs as before
        new.known.setdefault("usage", before.usage)
        new.known.setdefault("users", before.users)
        uses = old.uses
    else:
        listed = [op.operation_id for op in new.api.operations]
        uses = keep(entries, encode_uses(new.usage, new.users, listed))
    names = old.names if same_models else keep(entries, pickle.dumps(now, pickle.HIGHEST_PROTOCOL))
    rows = {k: old.units[k] for k in prints if k not in summaries}
    rows.update((k, (prints[k], *summaries[k])) for k in summaries)
    rows = {k: rows[k] for k in prints}  # in document order
    new.known.setdefault("digest", units.combined({k: u[1] for k, u in rows.items()}))
    merging = described.merging(new, set(components)) if components else set()
    if merging:  # their models hold an edited member's fields: compared in the full order
        order = {key: n for n, (key, *_) in enumerate(old.schemas)}
        components = sorted({*components, *merging}, key=order.__getitem__)
    for key in components:
        schemas.component(pair, key, before.api.schemas[key], new.api.schemas[key])
    report = finish(pair, packages)
    made = index_of(new, rows, ops, tuple(kept), names, uses, pack, entries, old.touched)
    return report, (made, entries)


Ops = tuple[tuple[str, str, str, Ref], ...]  # an index's operations


def _edited_in_place(
    old: Index, before: Snapshot, new: Snapshot, pair: Pair, pack: Pack, touched: set[str]
) -> tuple[bool, Ops]:
    """:func:`_matched` when the operations are the stored ones, in order, named alike."""
    same_usage = True
    ops = list(old.operations)
    paths = {unit[1:] for unit in touched if unit[:1] == "p"}
    for index, b in enumerate(new.api.operations):
        if b.path not in paths:
            continue
        a = before.operations[b.operation_id]
        if same_usage:
            same_usage = _models(a) == _models(b)
        for rule in (*operations.OPERATION_RULES, *params.SIGNATURE_RULES):
            rule(pair, a, b)
        ops[index] = (b.operation_id, b.path, b.method, pack.add(operation_entry(b)))
    return same_usage, tuple(ops)


def _matched(
    old: Index,
    before: Snapshot,
    new: Snapshot,
    pair: Pair,
    pack: Pack,
    touched: set[str],
    same_ops: bool,
    same_names: bool,
) -> tuple[bool, Ops]:
    """Run the rules of each edited, renamed, added or removed operation (matched as
    :func:`~apiforge.diff.operations.match_operations` does); whether every operation
    uses the schemas as before, and the index's operations."""
    was, now = before.names, new.names
    same_usage = same_ops
    stubs = tuple(_Stored(i, m, p) for i, p, m, _ in old.operations)
    view = replace(before, api=replace(before.api, operations=cast("tuple[Operation, ...]", stubs)))
    for a, b in operations.match_operations(view, new):
        if b is None:
            assert a is not None
            operations.removed(pair, before.operations[a.operation_id])
        elif a is None:
            operations.added(pair, b)
        else:
            edited = "p" + b.path in touched
            if edited and same_usage:
                same_usage = _models(before.operations[a.operation_id]) == _models(b)
            renamed = not same_names and _renamed(was, now, b.operation_id)
            if edited or a.operation_id != b.operation_id or renamed:
                for rule in (*operations.OPERATION_RULES, *params.SIGNATURE_RULES):
                    rule(pair, before.operations[a.operation_id], b)
    stored = {i: e for i, _, _, e in old.operations}
    ops = tuple(
        (
            op.operation_id,
            op.path,
            op.method,
            pack.add(operation_entry(op)) if "p" + op.path in touched else stored[op.operation_id],
        )
        for op in new.api.operations
    )
    return same_usage, ops


def _renamed(was: Names, now: Names, op_id: str) -> bool:
    """Whether an operation's Python names (or its resource's) differ between two namings."""
    a, b = was.operations.get(op_id), now.operations.get(op_id)
    return a != b or (
        a is not None and b is not None and was.groups.get(a.resource) != now.groups.get(b.resource)
    )


def _models(op: Operation) -> list[tuple[str, str]]:
    """What the usage of schemas reads of one operation: each model it names, by direction."""
    return [(d, m) for d, ref in operation_types(op) for m in type_models(ref)]
