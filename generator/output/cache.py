"""A content-addressed cache of expensive, pure results (formatted files, rendered models).

Keys are sha256 digests of everything a result depends on, so an entry is never
stale, only unused. Location: ``$APIFORGE_CACHE_DIR``, else
``$XDG_CACHE_HOME/apiforge``, else ``~/.cache/apiforge``; ``APIFORGE_CACHE_DIR=off``
disables it. A cache that cannot be read or written only costs time.

Entries live in one SQLite file in that folder (``entries.sqlite3``, table ``entries``:
kind, key, value), not one file each: creating a small file costs 0.1-0.6 ms of kernel
time on the benchmark machine's ext4 disk (rewriting one ~0.05 ms), and a cold run of
a 50-operation spec stores ~200 entries (formatted modules, rendered models, validated
parts). It is read through a memory map (``PRAGMA mmap_size``). The database is in WAL
mode, so processes that share the cache (the validating child, parallel builds) read
while one writes; each write commits at once. A ``kind`` (``format``, ``models``...) is the name of the folder
:func:`cache_dir` returns; that folder itself is used only by the kinds that keep
their own files (compiled templates, the configuration cache).

The database is kept under a size limit (``$APIFORGE_CACHE_MAX_MB``, default 512):
each entry records its size and when it was last used (a read refreshes that at most
once a day, so reads stay reads). The first write of a process checks the live size
and, above the limit, deletes the least recently used entries down to three quarters
of it and gives the freed pages back to the file system.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

DATABASE = "entries.sqlite3"
LAYOUT = 2  # ``PRAGMA user_version``; 2 added each entry's size and last use
LIMIT_VARIABLE = "APIFORGE_CACHE_MAX_MB"
_DEFAULT_LIMIT_MB = 512.0
_KEEP = 0.75  # a prune keeps the most recently used entries up to this share of the limit
_TOUCH_AFTER = 86_400  # seconds: how stale a last-use stamp gets before a read refreshes it
_BUSY_TIMEOUT = 30.0  # seconds to wait for another process's write
# Bytes of WAL file kept after the log starts over (the checkpoint's 1,000 pages).
_WAL_LIMIT = 4 << 20
_MMAP_LIMIT = 1 << 30  # bytes of the database file read through a memory map (see _open_database)


def digest(*parts: str) -> str:
    """The cache key of a result that depends on ``parts``: the sha256 of each part followed by NUL."""
    return hashlib.sha256("\0".join((*parts, "")).encode()).hexdigest()


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
    data = read_bytes(folder, key)
    if data is None:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def read_many(folder: Path | None, keys: list[str]) -> dict[str, str]:
    """The cached texts of those of ``keys`` that are stored (see :func:`read_many_bytes`)."""
    found: dict[str, str] = {}
    for key, value in read_many_bytes(folder, keys).items():
        try:
            found[key] = value.decode("utf-8")
        except UnicodeDecodeError:
            pass
    return found


def read_many_bytes(folder: Path | None, keys: list[str]) -> dict[str, bytes]:
    """The cached bytes of those of ``keys`` that are stored (a query per 500 keys, not one each).

    Reads refresh their entries' last use (:func:`touch_many`).
    """
    found: dict[str, bytes] = {}
    stale: list[str] = []
    for chunk, marks in _chunks(keys):
        sql = f"SELECT key, value, used FROM entries WHERE kind = ? AND key IN ({marks})"
        for key, value, used in _rows(folder, sql, *chunk):
            if not isinstance(value, bytes):
                continue  # a damaged row (every write stores bytes): a miss
            found[key] = value
            if _now() - used > _TOUCH_AFTER:
                stale.append(key)
    touch_many(folder, stale)
    return found


def read_bytes(folder: Path | None, key: str) -> bytes | None:
    """The cached bytes for ``key``, or None."""
    return read_many_bytes(folder, [key]).get(key)


def _chunks(keys: list[str]) -> Iterator[tuple[list[str], str]]:
    """``keys`` 500 at a time, each with its SQL placeholders (SQLite caps a statement's)."""
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        yield chunk, ", ".join("?" * len(chunk))


def write(folder: Path | None, key: str, text: str | bytes) -> None:
    """Store ``text`` (or bytes) under ``key`` (atomically; errors are ignored)."""
    if folder is None:
        return
    value = text.encode("utf-8") if isinstance(text, str) else text
    try:
        connection = _connect(folder.parent, create=True)
        if connection is not None:
            connection.execute(
                "INSERT OR REPLACE INTO entries (kind, key, value, size, used)"
                " VALUES (?, ?, ?, ?, ?)",
                (folder.name, key, value, len(value), _now()),
            )
            _limit_once(connection, folder.parent)
    except sqlite3.Error:
        pass


def limit_bytes() -> int:
    """The size limit of the database (``$APIFORGE_CACHE_MAX_MB``; unreadable: the default)."""
    try:
        megabytes = float(os.environ.get(LIMIT_VARIABLE) or _DEFAULT_LIMIT_MB)
    except ValueError:
        megabytes = _DEFAULT_LIMIT_MB
    return int(max(megabytes, 0.0) * 1024 * 1024)


def live_bytes(connection: sqlite3.Connection) -> int:
    """The bytes the database's pages in use take (free pages not counted)."""
    (page_size,) = connection.execute("PRAGMA page_size").fetchone()
    (pages,) = connection.execute("PRAGMA page_count").fetchone()
    (free,) = connection.execute("PRAGMA freelist_count").fetchone()
    return int((pages - free) * page_size)


def prune(connection: sqlite3.Connection, limit: int) -> None:
    """Above ``limit`` bytes, delete least recently used entries down to ``_KEEP`` of it.

    Entries stamped in this very second (this run's) always stay.
    """
    if live_bytes(connection) <= limit:
        return
    kept, cutoff = 0, None
    for used, size in connection.execute("SELECT used, size FROM entries ORDER BY used DESC"):
        kept += size
        if kept > limit * _KEEP:
            cutoff = used
            break
    if cutoff is None:
        return
    connection.execute("DELETE FROM entries WHERE used <= ? AND used < ?", (cutoff, _now()))
    # executescript steps the pragma to its end (``execute`` would free one page)
    connection.executescript("PRAGMA incremental_vacuum;")
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()  # the file shrinks now


def _now() -> int:
    return int(time.time())


_limited: tuple[int, Path] | None = None  # (process, cache folder) whose limit was checked


def _limit_once(connection: sqlite3.Connection, base: Path) -> None:
    """:func:`prune` at the first write of each process to each cache folder."""
    global _limited
    if _limited == (os.getpid(), base):
        return
    _limited = (os.getpid(), base)
    prune(connection, limit_bytes())


def read_slice(folder: Path | None, key: str, start: int, length: int) -> bytes | None:
    """``length`` bytes from ``start`` of the bytes cached for ``key`` (only those are read), or None."""
    if folder is None:
        return None
    try:
        connection = _connect(folder.parent, create=False)
        if connection is None:
            return None
        row = connection.execute(
            "SELECT substr(value, ?, ?) FROM entries WHERE kind = ? AND key = ?",
            (start + 1, length, folder.name, key),
        ).fetchone()
    except sqlite3.Error:
        return None
    if row is None or not isinstance(row[0], bytes) or len(row[0]) != length:
        return None  # not stored, shorter, or a damaged row holding no bytes
    return row[0]


def touch_many(folder: Path | None, wanted: list[str]) -> None:
    """Mark the entries of ``wanted`` used now when their stamp is over a day old (as a read does)."""
    if folder is None or not wanted:
        return
    now = _now()
    try:
        connection = _connect(folder.parent, create=False)
        if connection is not None:
            for chunk, marks in _chunks(wanted):
                connection.execute(
                    f"UPDATE entries SET used = ? WHERE kind = ? AND key IN ({marks}) AND used < ?",
                    (now, folder.name, *chunk, now - _TOUCH_AFTER),
                )
    except sqlite3.Error:
        pass


def write_many(
    folder: Path | None, items: dict[str, bytes], kept: dict[str, bytes] | None = None
) -> None:
    """Store every key -> bytes of ``items``, and of ``kept`` those not stored yet (for
    content-addressed keys, whose stored bytes are the same), in one transaction."""
    if folder is None or not (items or kept):
        return
    now = _now()
    insert = "INTO entries (kind, key, value, size, used) VALUES (?, ?, ?, ?, ?)"
    try:
        connection = _connect(folder.parent, create=True)
        if connection is not None:
            with connection:  # one commit for all
                connection.execute("BEGIN")
                for verb, rows in (
                    ("INSERT OR IGNORE ", kept or {}),
                    ("INSERT OR REPLACE ", items),
                ):
                    connection.executemany(
                        verb + insert, [(folder.name, k, v, len(v), now) for k, v in rows.items()]
                    )
            _limit_once(connection, folder.parent)
    except sqlite3.Error:
        pass


def keys(folder: Path | None) -> set[str]:
    """Every key stored for one kind (for tests and tools; a run never lists the cache)."""
    return {key for (key,) in _rows(folder, "SELECT key FROM entries WHERE kind = ?")}


def holds_any(folder: Path | None) -> bool:
    """Whether anything is stored for this kind (a first run's cache holds nothing)."""
    return bool(_rows(folder, "SELECT 1 FROM entries WHERE kind = ? LIMIT 1"))


def _rows(folder: Path | None, sql: str, *params: str) -> list[tuple[Any, ...]]:
    """What ``sql`` selects for the kind ``folder`` names (its first parameter); [] when unreadable."""
    if folder is None:
        return []
    try:
        connection = _connect(folder.parent, create=False)
        if connection is None:
            return []
        return connection.execute(sql, (folder.name, *params)).fetchall()
    except sqlite3.Error:
        return []


# The open database: (process id, path, connection). One at a time, so a process that
# changes APIFORGE_CACHE_DIR (the tests) does not keep one open per folder; and a forked
# child opens its own, as SQLite requires (a connection must not cross a fork).
_open: tuple[int, Path, sqlite3.Connection] | None = None
# Connections a forked child inherited: kept referenced so that it never closes them either
# (closing one in the child would act on the parent's database handle).
_inherited: list[sqlite3.Connection] = []


_DAMAGED = (11, 26)  # SQLITE_CORRUPT, SQLITE_NOTADB


def _open_database(path: Path) -> sqlite3.Connection:
    # Any thread may use it: SQLite serializes calls on one connection when built
    # thread-safe (``sqlite3.threadsafety == 3``, as CPython builds it); otherwise a
    # thread other than the opener's gets an error here, which only costs time.
    connection = sqlite3.connect(
        path,
        timeout=_BUSY_TIMEOUT,
        isolation_level=None,
        check_same_thread=sqlite3.threadsafety != 3,
    )
    try:
        # A new file's switch to WAL goes through a rollback journal: without syncing it
        # (10 of a cold run's 12 fdatasync calls; 20-40 ms while other jobs write to the
        # disk). A crash then can at worst leave a damaged file, set aside at the next write.
        connection.execute("PRAGMA synchronous=OFF")
        # takes effect only in a new, empty file: freed pages can then go back to the disk
        connection.execute("PRAGMA auto_vacuum=INCREMENTAL")
        connection.execute("PRAGMA journal_mode=WAL")
        # no fsync per write, only at checkpoints: a power cut may lose the last entries
        # (which only costs time) but never leaves the database inconsistent, in WAL mode
        connection.execute("PRAGMA synchronous=NORMAL")
        # A commit larger than the auto-checkpoint's 1,000 pages grows the WAL file past
        # them; when a later writer starts it over, it is cut back to this size, so a
        # cold run's ~12 MB WAL does not stay on the disk (each process opening it maps it).
        connection.execute(f"PRAGMA journal_size_limit={_WAL_LIMIT}")
        # Reads go through a memory map of the file instead of a read() per 4 KB page: an
        # incremental run reads ~10 MB of entries (formatted modules, package parts), in
        # ~40 % less time. SQLite maps only what the file holds and remaps when it changes.
        connection.execute(f"PRAGMA mmap_size={_MMAP_LIMIT}").fetchall()
        (layout,) = connection.execute("PRAGMA user_version").fetchone()
        if layout != LAYOUT and _lay_out(connection):
            _compact(connection)
    except sqlite3.Error:
        connection.close()
        raise
    return connection


def _lay_out(connection: sqlite3.Connection) -> bool:
    """Create the table, replacing an older layout's (a cache: its entries only cost time).

    True when an older table was dropped.
    """
    dropped = False
    connection.execute("BEGIN IMMEDIATE")
    try:
        (layout,) = connection.execute("PRAGMA user_version").fetchone()
        if layout != LAYOUT:  # another process may have laid it out meanwhile
            old = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'entries'"
            dropped = connection.execute(old).fetchone() is not None
            connection.execute("DROP TABLE IF EXISTS entries")
            connection.execute(
                "CREATE TABLE entries (kind TEXT NOT NULL, key TEXT NOT NULL,"
                " value BLOB NOT NULL, size INTEGER NOT NULL, used INTEGER NOT NULL,"
                " PRIMARY KEY (kind, key)) WITHOUT ROWID"
            )
            connection.execute("CREATE INDEX entries_by_use ON entries (used, size)")
            connection.execute(f"PRAGMA user_version = {LAYOUT}")
        connection.execute("COMMIT")
    except sqlite3.Error:
        connection.execute("ROLLBACK")
        raise
    return dropped


def _compact(connection: sqlite3.Connection) -> None:
    """Shrink the file after an older layout's table was dropped (and turn on auto_vacuum).

    Skipped when another process holds the database: the free pages are then only reused.
    """
    connection.execute("PRAGMA busy_timeout = 200")
    try:
        connection.execute("VACUUM")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    except sqlite3.Error:
        pass
    finally:
        connection.execute(f"PRAGMA busy_timeout = {int(_BUSY_TIMEOUT * 1000)}")


def _connect(base: Path, *, create: bool) -> sqlite3.Connection | None:
    """The connection to ``base``'s database; None when it does not exist and ``create`` is false."""
    global _open
    path = base / DATABASE
    if _open is not None and _open[0] == os.getpid() and _open[1] == path:
        return _open[2]
    if not create and not path.exists():
        return None
    if create:
        try:
            base.mkdir(parents=True, exist_ok=True)
        except OSError:
            return None
    try:
        connection = _open_database(path)
    except sqlite3.DatabaseError as exc:
        if not create or getattr(exc, "sqlite_errorcode", None) not in _DAMAGED:
            raise
        # not a database, or a damaged one: set it aside (for a bug report) and start afresh
        for suffix in ("", "-wal", "-shm"):
            try:
                os.replace(f"{path}{suffix}", f"{path}.damaged{suffix}")
            except OSError:
                pass
        connection = _open_database(path)
    if _open is not None and _open[0] == os.getpid():
        _open[2].close()
    elif _open is not None:
        _inherited.append(_open[2])
    _open = (os.getpid(), path, connection)
    return connection
