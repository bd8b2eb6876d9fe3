"""The snapshots the content cache keeps for the release step, one entry per operation and schema.

A generated spec's snapshot is stored as an :class:`Index` (marshal: small, quick to
read) under a key made from the spec copy recorded beside the output, plus one entry
per operation and per component schema (their IR, pickled). The entries a snapshot
adds are stored together, as one :class:`Pack` (one row writes faster than thousands),
and read one by one (a slice of the row) or a pack at a time.
The index names those entries and holds what the rules read of the whole spec: the
names, the security schemes (and which the operations use: the client's credential
arguments, which no restored operation could tell), the servers (the client's default base URL), who uses each
schema, and the document's units (see
:mod:`~apiforge.diff.units`). A later snapshot that shares an entry stores nothing
for it, and reading one back unpickles only the entries a comparison asks for.
"""

from __future__ import annotations

import hashlib
import marshal
import pickle
import time
from array import array
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from operator import itemgetter
from typing import Any, TypeVar, cast

from apiforge.diagnostics import SpecLocation
from apiforge.diff.snapshot import Snapshot, schema_refs
from apiforge.ir.model import Api, Operation, Schema, SecurityScheme, Server
from apiforge.output.cache import (
    cache_dir,
    digest,
    read_bytes,
    read_many_bytes,
    read_slice,
    touch_many,
    write_many,
)
from apiforge.resources import templates_hash

CACHE_KIND = "diff-snapshots"
_FORMAT = "10"
# Seconds after which storing an index marks the entries it shares used again (the cache
# itself refreshes a read entry's stamp once a day): half a day, so none goes a day unmarked.
REFRESH = 43_200
_ERRORS = (pickle.UnpicklingError, AttributeError, ImportError, EOFError, TypeError, ValueError)
T = TypeVar("T")


def snapshot_key(digests: dict[str, str], allow_remote_refs: bool, display: str) -> str:
    """The cache key of the snapshot of a recorded spec copy (relative path -> sha256 of the
    file's bytes) of the spec shown as ``display`` (the IR's locations name that file)."""
    parts = [f"{path}\0{digest}" for path, digest in sorted(digests.items())]
    # templates_hash() covers the generator's own code: entries pickled by other code are never read
    return digest(
        "diff-snapshot", _FORMAT, templates_hash(), str(allow_remote_refs), display, *parts
    )


Unit = tuple[bytes | None, bytes, tuple[str, ...]]
"""One unit of the document: (fingerprint, canonical digest, the units its $refs point into).
A plain tuple, as marshal reads it back: an index of 2,000 units builds no object per unit."""


@dataclass(frozen=True)
class Index:
    """A stored snapshot: see the module docstring. Entry keys name cache entries."""

    display: str
    units: dict[str, Unit]
    operations: tuple[tuple[str, str, str, Ref], ...]  # (id, path, method, entry), in spec order
    schemas: tuple[tuple[str, str, Ref, tuple[str, ...]], ...]  # (key, unit, entry, $refs)
    names: str  # the entry of the pickled Names (shared by the snapshots of one naming)
    schemes: bytes  # pickled :func:`schemes_of` the API
    uses: str  # the entry of who uses each schema (see :func:`encode_uses`)
    digest: str
    servers: tuple[tuple[str, str], ...]  # the document's servers: (url, description)
    openapi: str  # the document's OpenAPI version (how the rules read a schema alone)
    # When every entry it names was last known marked used (``time.time()`` seconds; 0: never).
    # Marking costs a read of each 128 KB pack's row, so :func:`store` does it only when stale.
    touched: int = 0

    def dump(self) -> bytes:
        return marshal.dumps(
            (
                _FORMAT,
                self.display,
                self.units,
                self.operations,
                self.schemas,
                self.names,
                self.schemes,
                self.uses,
                self.digest,
                self.servers,
                self.openapi,
                self.touched,
            )
        )

    @staticmethod
    def load(data: bytes) -> Index | None:
        try:
            fmt, display, table, ops, schemas, names, schemes, uses, dig, *rest = marshal.loads(
                data
            )
            servers, openapi, touched = rest
        except (ValueError, EOFError, TypeError):
            return None
        if fmt != _FORMAT or type(table) is not dict:
            return None
        return Index(
            display, table, ops, schemas, names, schemes, uses, dig, servers, openapi, touched
        )


def entry_key(blob: bytes) -> str:
    """The cache key of content-addressed bytes (a pack, the names, who uses each schema)."""
    return "entry-" + hashlib.blake2b(blob, digest_size=16).hexdigest()


Ref = tuple[str, int, int]  # an entry: (its pack's key, offset, length)
NEW = "new:"  # how the packs of an index being built are named until they are sealed
CHUNK = 1 << 17  # bytes of entries per pack: a slice of a smaller row reads fewer pages


class Pack:
    """The entries one snapshot adds, stored together a chunk of them per cache entry."""

    def __init__(self) -> None:
        self.parts: list[list[bytes]] = []
        self.size = CHUNK

    def add(self, blob: bytes) -> Ref:
        """Add one entry; its reference names a ``new:`` pack until :meth:`seal`."""
        if self.size + len(blob) > CHUNK:
            self.parts.append([])
            self.size = 0
        self.parts[-1].append(blob)
        self.size += len(blob)
        return f"{NEW}{len(self.parts) - 1}", self.size - len(blob), len(blob)

    def seal(self) -> dict[str, tuple[str, bytes]]:
        """Each ``new:`` name -> (the pack's key, its bytes)."""
        sealed: dict[str, tuple[str, bytes]] = {}
        for number, part in enumerate(self.parts):
            data = b"".join(part)
            sealed[f"{NEW}{number}"] = entry_key(data), data
        return sealed


def sealed(ref: Ref, keys: dict[str, tuple[str, bytes]]) -> Ref:
    """``ref`` with a ``new:`` pack name replaced by the pack's key."""
    return (keys[ref[0]][0], ref[1], ref[2]) if ref[0] in keys else ref


def encode_uses(
    usage: Mapping[str, frozenset[str]], users: Mapping[str, tuple[str, ...]], ops: list[str]
) -> bytes:
    """Who uses each schema, compactly: directions, and the operations as indexes into ``ops``."""
    where = {op_id: i for i, op_id in enumerate(ops)}
    code = "H" if len(ops) < 1 << 16 else "I"
    return marshal.dumps(
        (
            code,
            {k: tuple(sorted(v)) for k, v in usage.items()},
            {k: array(code, [where[i] for i in v]).tobytes() for k, v in users.items()},
        )
    )


def decode_uses(
    data: bytes, ops: list[str]
) -> tuple[Mapping[str, frozenset[str]], Mapping[str, tuple[str, ...]]]:
    """:func:`encode_uses` read back (each schema's directions and users are spelt out on use)."""
    code, usage, users = marshal.loads(data)

    def spelt(packed: bytes) -> tuple[str, ...]:
        found = array(code)
        found.frombytes(packed)
        return tuple(ops[i] for i in found)

    return _Read(usage, frozenset), _Read(users, spelt)


def read_index(key: str) -> Index | None:
    """The index stored under ``key``, or None."""
    data = read_bytes(cache_dir(CACHE_KIND), key)
    return Index.load(data) if data is not None else None


def store(key: str, index: Index, entries: dict[str, bytes]) -> None:
    """Keep ``index`` under ``key`` and the new ``entries``; a failure only costs time later.

    Entries shared with earlier snapshots stay about as recently used as the index naming
    them: every entry an index names was marked used at ``index.touched`` or later (the new
    ones now, the others by the index they come from), so they are marked again only when
    that is over :data:`REFRESH` seconds ago.
    """
    folder = cache_dir(CACHE_KIND)
    if folder is None:
        return
    now = int(time.time())
    if not 0 <= now - index.touched <= REFRESH:
        shared = {ref[0] for *_, ref in index.operations} | {
            ref[0] for _, _, ref, _ in index.schemas
        }
        touch_many(folder, sorted((shared | {index.names, index.uses}) - entries.keys()))
        index = replace(index, touched=now)
    write_many(folder, {key: index.dump()}, entries)


class Entries(Mapping[str, T]):
    """Stored entries by operation id or schema key, unpickled on first use."""

    def __init__(self, refs: dict[str, Ref], packs: dict[str, bytes] | None = None) -> None:
        self.refs = refs
        self.packs = packs or {}
        self.loaded: dict[str, T] = {}

    def __getitem__(self, name: str) -> T:
        if name not in self.loaded:
            pack, start, length = self.refs[name]
            whole = self.packs.get(pack)
            if whole is not None and start + length <= len(whole):
                blob: bytes | None = whole[start : start + length]
            else:
                blob = read_slice(cache_dir(CACHE_KIND), pack, start, length)
            if blob is None:
                raise LookupError(f"stored entry {pack}[{start}:+{length}] is missing")
            self.loaded[name] = pickle.loads(blob)  # the user's own cache, content-addressed
        return self.loaded[name]

    def __contains__(self, name: object) -> bool:
        return name in self.refs  # without loading it

    def __iter__(self) -> Iterator[str]:
        return iter(self.refs)

    def __len__(self) -> int:
        return len(self.refs)


def restore(
    index: Index,
    display: str,
    locate: Callable[[SpecLocation], SpecLocation],
    everything: bool = False,
) -> Snapshot | None:
    """The snapshot ``index`` stores, shown as ``display``; its entries load on first use
    (all at once, and the operations in order, with ``everything``). None when unreadable."""
    preloaded: dict[str, bytes] | None = None
    if everything:
        wanted = {e[0] for *_, e in index.operations} | {e[0] for _, _, e, _ in index.schemas}
        preloaded = read_many_bytes(cache_dir(CACHE_KIND), sorted(wanted))
        if len(preloaded) != len(wanted):
            return None
    shared = read_many_bytes(cache_dir(CACHE_KIND), [index.names, index.uses])
    if len(shared) != len({index.names, index.uses}):
        return None
    try:
        names = pickle.loads(shared[index.names])
        schemes, used, main = pickle.loads(index.schemes)
        usage, users = decode_uses(shared[index.uses], [i for i, *_ in index.operations])
        ops: Entries[Operation] = Entries({i: e for i, *_, e in index.operations}, preloaded)
        pairs: Entries[tuple[Schema, dict[str, Any]]] = Entries(
            {k: e for k, _, e, _ in index.schemas}, preloaded
        )
        ir = _Read(pairs, itemgetter(0))  # each (IR schema, raw schema) pair's halves
        raw = _Read(pairs, itemgetter(1))
        ordered = tuple(ops[i] for i, *_ in index.operations) if everything else ()
    except (*_ERRORS, LookupError):
        return None
    servers = tuple(Server(url, description) for url, description in index.servers)
    api = Api(
        "",
        "",
        "",
        servers,
        ordered,
        cast("dict[str, Schema]", ir),
        schemes,
        used_schemes=used,
        main_scheme=main,
    )
    known: dict[str, Any] = {
        "digest": index.digest,
        "usage": usage,
        "users": users,
        "openapi": index.openapi,
    }
    return Snapshot(
        display,
        api,
        names,
        cast("dict[str, dict[str, Any]]", raw),
        {},
        locate,
        cast("dict[str, Operation]", ops),
        known,
    )


class _Read(Mapping[str, T]):
    """``source``'s keys, each value read by ``read`` when asked for (nothing read before)."""

    def __init__(self, source: Mapping[str, Any], read: Callable[[Any], T]) -> None:
        self.source, self.read = source, read

    def __getitem__(self, key: str) -> T:
        return self.read(self.source[key])

    def __contains__(self, key: object) -> bool:
        return key in self.source

    def __iter__(self) -> Iterator[str]:
        return iter(self.source)

    def __len__(self) -> int:
        return len(self.source)


def schemes_of(api: Api) -> tuple[tuple[SecurityScheme, ...], tuple[str, ...], str | None]:
    """What the index keeps of the API's security: its schemes, those its operations use and
    the main one (:func:`apiforge.ir.security.client_schemes`)."""
    return api.security_schemes, api.used_schemes, api.main_scheme


def operation_entry(op: Operation) -> bytes:
    """What is stored for one operation."""
    return pickle.dumps(op, protocol=pickle.HIGHEST_PROTOCOL)


def schema_entry(schema: Schema, raw: dict[str, Any]) -> bytes:
    """What is stored for one component schema: its IR and the raw schema the rules read."""
    return pickle.dumps((schema, raw), protocol=pickle.HIGHEST_PROTOCOL)


def source_refs(raw: dict[str, Any]) -> tuple[str, ...]:
    """The component keys a (hoisted) raw schema refers to, sorted."""
    return tuple(sorted(set(schema_refs(raw))))
