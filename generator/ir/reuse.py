"""Reuse, per path item, the IR the previous build of the same document made (issue 13).

The builder (``ir/build.py``) reads path items in document order. What building one
reads is: its own unit (``diff/units.py``: ``p`` + its path), the units its ``$ref``s
lead to (every ``$ref`` of a path item or of the rest counts, a component schema's
plain ``#/components/schemas/X`` does not: see :func:`apiforge.diff.units.refs`), the
rest of the document (``r``: security, components other than schemas, the version),
and the builder's *state*: the schema keys known so far, the names taken, the hoisted
schemas by content (identical inline schemas share a name) and the operationIds used
(de-duplication). What it changes is that state (the schemas it hoists, the ids it
takes), the operations it adds and the diagnostics it reports.

An entry is stored under the digest of the generator, the file, the path and the
fingerprints of its own unit and of the rest; it records the state digest it was
built from and the fingerprint of every unit it reached. It is replayed only when both
are the current ones; else the item is built again. The state digest chains: the
next item's is the digest of this one's and of what this one changed, so an edit
that hoists another name or takes another id changes the state of every item after
it and they are built again. Diagnostics are recorded before their lines are looked
up and replayed through the sink, so a warm run reports what a cold one does, in
the same order.
"""

from __future__ import annotations

import hashlib
import marshal
import pickle
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from apiforge.diagnostics import Diagnostic, Severity, Sink
from apiforge.diff import units
from apiforge.output import cache

if TYPE_CHECKING:
    from apiforge.ir.model import Operation
    from apiforge.ir.schemas import SchemaRegistry

_FORMAT = "ir path item v1"
_ABSENT = b"absent"  # a unit a $ref leads to that the document does not have


@dataclass
class Record:
    """Which path items the last build reused and which it built (read by tests and benchmarks)."""

    reused: list[str] = field(default_factory=list)
    built: list[str] = field(default_factory=list)


LAST = Record()


@dataclass(frozen=True)
class _Made:
    """What building one path item did."""

    operations: tuple[Operation, ...]
    hoisted: tuple[tuple[str, dict[str, Any], Any], ...]  # key, schema, location
    contents: tuple[tuple[str, str], ...]  # hoisted content -> key
    op_ids: tuple[str, ...]
    diagnostics: tuple[Diagnostic, ...]  # lines not yet looked up
    change: str  # the digest of what it changed (hoisted keys and contents, ids)


class Reuse:
    """One build's reuse of the cache: what it built is stored later, by :meth:`store`.

    Storing (the units each item reached, pickling, the writes) costs about what building
    saves, so the pipeline calls :meth:`store` while ruff formats, when this process waits.
    """

    def __init__(self) -> None:
        # (the build, path, key, state digest, pickled _Made): pickled when made, so
        # what later stages do with the IR cannot reach the cache
        self.pending: list[tuple[PathItems, str, str, str, bytes]] = []

    def store(self) -> None:
        """Write the entries of the items this build made (once; later calls do nothing).

        An entry is the state digest, the units reached with their fingerprints, and the
        pickled :class:`_Made`, itself pickled: a stale entry is told before the IR loads.
        """
        pending, self.pending = self.pending, []
        for items, path, key, state, made in pending:
            entry = (_FORMAT, state, items.reached(path), made)
            cache.write(items.folder, key, pickle.dumps(entry, pickle.HIGHEST_PROTOCOL))


class PathItems:
    """The reuse of one build: :meth:`item` builds or replays one path item."""

    def __init__(
        self,
        reuse: Reuse,
        document: dict[str, Any],
        registry: SchemaRegistry,
        op_ids: set[str],
        file: str,
    ) -> None:
        from apiforge.resources import templates_hash  # the generator's code and templates

        self.reuse, self.registry, self.op_ids = reuse, registry, op_ids
        self.folder = cache.cache_dir("ir")
        table = units.cut(document) if self.folder is not None else None
        self.table = table or {}
        self.prints = {k: units.fingerprint(n) for k, n in self.table.items()}
        rest = self.prints.get(units.REST)
        self.base = (_FORMAT, templates_hash(), file, rest.hex() if rest is not None else "")
        self.state = _digest(
            marshal.dumps(
                (
                    list(registry.schemas),
                    sorted(registry._taken),
                    list(registry._by_content.items()),
                ),
                2,  # no back-references: equal values, equal bytes (model_cache.value_digest)
            )
        )
        paths = document.get("paths")
        keys = {p: self._key(p) for p in paths} if isinstance(paths, dict) and rest else {}
        self.keys = {p: k for p, k in keys.items() if k is not None}
        self.stored = cache.read_many_bytes(self.folder, list(self.keys.values()))
        global LAST
        LAST = Record()

    def _key(self, path: Any) -> str | None:
        mark = self.prints.get("p" + path) if isinstance(path, str) else None
        return None if mark is None else cache.digest(*self.base, path, mark.hex())

    def item(self, path: str, sink: Sink, build: Callable[[], list[Operation]]) -> list[Operation]:
        """The operations of path item ``path``: replayed when its entry holds, else ``build()``."""
        key = self.keys.get(path)
        entry = self._entry(key)
        if entry is not None:
            self._replay(entry, sink)
            LAST.reused.append(path)
            return list(entry.operations)
        LAST.built.append(path)
        if key is None:
            return build()
        return self._record(path, key, sink, build)

    def _entry(self, key: str | None) -> _Made | None:
        data = self.stored.get(key) if key is not None else None
        if data is None:
            return None
        try:
            form, state, reached, made = pickle.loads(data)
            if form != _FORMAT or state != self.state:
                return None
            for unit, mark in reached:
                now = self.prints.get(unit, _ABSENT) if unit in self.table else _ABSENT
                if mark is None or now != mark:
                    return None
            entry = pickle.loads(made)
        except Exception:  # noqa: BLE001 - an unreadable entry only costs the build
            return None
        return entry if isinstance(entry, _Made) else None

    def _replay(self, entry: _Made, sink: Sink) -> None:
        registry = self.registry
        for key, schema, location in entry.hoisted:
            registry.schemas[key] = schema
            registry.locations[key] = location
            registry._taken.add(key.lower())
        registry._by_content.update(entry.contents)
        self.op_ids.update(entry.op_ids)
        for d in entry.diagnostics:
            sink.report(d.code, d.severity, d.message, d.location)
        self.state = _digest(f"{self.state}\0{entry.change}".encode())

    def _record(
        self, path: str, key: str, sink: Sink, build: Callable[[], list[Operation]]
    ) -> list[Operation]:
        registry = self.registry
        known, contents, said = len(registry.schemas), len(registry._by_content), len(sink.items)
        locator, sink.locator = sink.locator, None  # record the locations before lines are found
        try:
            operations = build()
        finally:
            sink.locator = locator
        raw = tuple(sink.items[said:])
        if locator is not None:
            sink.items[said:] = [
                d if d.location.line is not None else replace(d, location=locator(d.location))
                for d in raw
            ]
        new = list(registry.schemas)[known:]
        hoisted = tuple((k, registry.schemas[k], registry.locations[k]) for k in new)
        added = tuple(list(registry._by_content.items())[contents:])
        taken = tuple(op.operation_id for op in operations)  # each one new (de-duplicated)
        change = _digest(marshal.dumps((new, added, taken), 2))
        state, self.state = self.state, _digest(f"{self.state}\0{change}".encode())
        if any(d.severity is Severity.ERROR for d in raw):
            return operations  # a failing run stores nothing for the item
        made = _Made(tuple(operations), hoisted, added, taken, raw, change)
        try:
            data = pickle.dumps(made, pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
            return operations  # not stored: the next build builds it again
        self.reuse.pending.append((self, path, key, state, data))
        return operations

    def reached(self, path: str) -> tuple[tuple[str, bytes | None], ...]:
        """Every unit the item's ``$ref``s lead to, at any depth, with its fingerprint now."""
        seen = {"p" + path}
        todo = ["p" + path]
        while todo:
            unit = todo.pop()
            if unit in self.table:
                for target in units.refs(unit, self.table[unit]):
                    if target not in seen:
                        seen.add(target)
                        todo.append(target)
        return tuple(sorted((u, self.prints[u] if u in self.table else _ABSENT) for u in seen))


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=20).hexdigest()
