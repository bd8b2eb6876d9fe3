"""The digests of a package's files, re-hashing only the files whose stat changed.

Contract: :func:`digests` returns what hashing every named file would (its sha256, or
None when it is missing or unreadable), but, as git's index does, it remembers per
package directory each file's stat identity (size, mtime_ns, inode, device, ctime_ns)
next to the digest the file had when it was last hashed, and hashes again only a file
whose identity differs. The no-op regeneration's edited-file check at 2,000 operations
hashed 2,131 files (0.10 s); it now stats them.

Where the record lives: in the content cache (:mod:`apiforge.output.cache`, kind
:data:`KIND`), one entry per package directory keyed by its absolute path. Not in the
manifest: identities differ per checkout and change on every copy, so committing them
would churn in git and mean nothing elsewhere. Not in a file beside the package: it
would be an untracked file in the user's tree that the write stage carries along as a
user file. With ``APIFORGE_CACHE_DIR=off`` nothing is remembered and every file is
hashed; a lost or damaged entry only costs one full hashing.

Racy entries: a file changed twice within one tick of the file system's clock keeps its
stat, so an identity proves nothing about changes made in the tick it was taken in. An
entry is trusted only when the file's mtime is older than the moment the record was
taken (``recorded_ns``, read before any file is stat'ed) by more than
:data:`RACY_SLACK_NS`: file times come from a coarse kernel clock that lags
``time.time_ns`` by a tick, and some file systems keep whole or even two seconds. A
racy file is hashed again, and the record retaken, until it is old enough.

A write knows the file system's own clock: before it stats, it creates a file in its
staging folder, whose mtime (the *stamp*, with its device) the record keeps. A file
on that device whose mtime is older than the stamp was last changed in an earlier
tick of the very clock that stamps every change, before the identity was taken: any
later change gives it a newer mtime. So such a file needs no slack, and a
regeneration right after another one stats the files the previous one did not write
instead of hashing them all. Either rule suffices (files on another device, or written
after the stamp, are trusted once the slack has passed); a check that is not a write
keeps the stamp it found, which preceded every stat in the record. The in-place write
stats before it writes, after its first stamp; once it has written it stamps again and
keeps the later stamp, leaving out the identities the first one did not vouch for
(:func:`after_write`): the files it wrote are then trusted by the next run, not hashed
(~4.4 MB after a one-schema edit at 1,000 operations: the spec's copies, ``openapi.json``).
As with the staged swap (and git's checkout), a write takes the files it wrote to hold
what it wrote until it stats them, and records their digests without reading them back;
the stamp rule is about what comes after the stat: a change then is never missed.

Entry (marshal, the record as it is held: ~5x quicker to read and write than the JSON of
format 1, ~100 KB a package at 1,000 operations): ``(FORMAT, recorded_ns, (mtime_ns, dev) |
None, {name: ((size, mtime_ns, ino, dev, ctime_ns), sha256)})``. An entry of another format,
or of any other shape, reads as none. Standard library only: it runs on the no-op path.
"""

from __future__ import annotations

import marshal
import os
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from stat import S_ISLNK

from apiforge.output import cache

KIND = "file-stats"
FORMAT = 2
RACY_SLACK_NS = 2_000_000_000

Identity = tuple[int, int, int, int, int]
Record = dict[str, tuple[Identity, str]]
Stamp = tuple[int, int]  # (mtime_ns, st_dev) of a file created just before the stats


def stamp_of(found: os.stat_result) -> Stamp:
    """The stamp of a file just created (see the module docstring)."""
    return found.st_mtime_ns, found.st_dev


def stamp_in(folder: Path) -> Stamp | None:
    """The file system's clock now, read off a file created in ``folder``; None when it cannot be."""
    try:
        fd = os.open(folder / "stamp", os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)
    except OSError:
        return None
    try:
        return stamp_of(os.fstat(fd))
    except OSError:
        return None
    finally:
        os.close(fd)


def identity(found: os.stat_result) -> Identity:
    """The stat fields that change when a file's bytes are replaced or rewritten."""
    return (found.st_size, found.st_mtime_ns, found.st_ino, found.st_dev, found.st_ctime_ns)


@dataclass
class Checked:
    """What :func:`check` found in one package directory, and the record it would store."""

    found: dict[str, str | None]  # name -> sha256, None when missing or unreadable
    recorded_ns: int  # when the stats were taken (before the first)
    stamp: Stamp | None  # the file system's clock before the first stat, when known
    record: Record  # name -> (identity, digest) of every file found
    stale: bool  # whether ``record`` differs from the stored one
    modes: dict[str, int] = field(default_factory=dict)  # name -> st_mode, links not followed


def digests(
    package_dir: Path, names: Iterable[str], hash_file: Callable[[Path], str | None]
) -> dict[str, str | None]:
    """``{name: hash_file(package_dir / name)}``, calling ``hash_file`` only where needed."""
    checked = check(package_dir, names, hash_file)
    if checked.stale:
        store([(package_dir, checked)])
    return checked.found


def check(
    package_dir: Path,
    names: Iterable[str],
    hash_file: Callable[[Path], str | None],
    stamp: Stamp | None = None,
) -> Checked:
    """:func:`digests` without storing the new record (see :func:`after_write`).

    ``stamp``: of a file created on the package's file system before this call, if any.
    """
    folder = cache.cache_dir(KIND)  # None: nothing is remembered, every file is hashed
    stored = cache.read_bytes(folder, os.path.abspath(package_dir)) if folder else None
    recorded_ns, old_stamp, known = load_entry(stored)
    now_ns = time.time_ns()  # before any stat: the moment the new record is taken
    trusted_before = recorded_ns - RACY_SLACK_NS
    stamp_ns, stamp_dev = old_stamp if old_stamp is not None else (0, -1)
    found: dict[str, str | None] = {}
    record: Record = {}
    modes: dict[str, int] = {}
    hashed = False
    prefix = os.path.join(package_dir, "")  # string paths: a Path per file costs 5 us
    for name in names:
        try:
            seen = os.lstat(prefix + name)
            modes[name] = seen.st_mode
            # the identity is the file's a link leads to: what hashing it reads
            now = identity(os.stat(prefix + name) if S_ISLNK(seen.st_mode) else seen)
        except OSError:
            found[name] = hash_file(package_dir / name)  # None unless it appeared meanwhile
            hashed = True
            continue
        entry = known.get(name)
        if (
            entry is not None
            and entry[0] == now
            and (now[1] < trusted_before or (now[3] == stamp_dev and now[1] < stamp_ns))
        ):
            found[name] = entry[1]
            record[name] = entry
            continue
        digest = found[name] = hash_file(package_dir / name)
        hashed = True
        if digest is not None:
            record[name] = (now, digest)
    # the old stamp preceded every stat of the old record, so it precedes these too
    new_stamp = stamp if stamp is not None else old_stamp
    stale = hashed or record.keys() != known.keys() or new_stamp != old_stamp
    return Checked(found, now_ns, new_stamp, record, stale, modes)


def after_write(
    package_dir: Path,
    checked: Checked,
    written: Mapping[str, str],
    removed: Iterable[str],
    stamp: Stamp | None = None,
) -> Checked:
    """What :func:`check` found, once the files of ``written`` ({name: sha256}) were
    replaced and those of ``removed`` deleted, every other file as the check found it.

    Only the written files are stat'ed again. The record keeps the check's
    ``recorded_ns``: every identity in it was taken after that moment.

    ``stamp``: of a file created after the writes, before these stats (see the module
    docstring). It replaces the check's, on the same device, so that the next check
    trusts the files just written instead of hashing them. The check's identities were
    taken before it: those its own stamp did not vouch for (a change in the tick they
    were taken in keeps them) are left out, and hashed by the next check as they would
    have been.
    """
    record = dict(checked.record)
    for name in removed:
        record.pop(name, None)
    new_stamp = checked.stamp
    if stamp is not None and checked.stamp is not None and stamp[1] == checked.stamp[1]:
        before_ns, dev = checked.stamp
        for name, (now, _) in checked.record.items():
            if now[3] == dev and now[1] >= before_ns:
                record.pop(name, None)
        new_stamp = stamp
    prefix = os.path.join(package_dir, "")
    for name, digest in written.items():
        try:
            record[name] = (identity(os.stat(prefix + name)), digest)
        except OSError:
            record.pop(name, None)  # gone already: the next check hashes (misses) it
    return replace(checked, record=record, stamp=new_stamp)


def store(records: Iterable[tuple[Path, Checked]]) -> None:
    """Store each package directory's record, in one transaction."""
    folder = cache.cache_dir(KIND)
    entries = {
        os.path.abspath(package_dir): dump(c.recorded_ns, c.record, c.stamp)
        for package_dir, c in records
    }
    cache.write_many(folder, entries)


def remember(package_dir: Path, written: Mapping[str, str], stamp: Stamp | None = None) -> None:
    """Record the identities of files just written, with their known digests (``{name: sha256}``).

    Called once a write is complete, the old folders removed (removing a hard link changes
    the ctime of the file it shared), so that the next check stats the files instead of
    hashing them. Files written in the last :data:`RACY_SLACK_NS` are racy, as always: the
    next check hashes those again (the few a regeneration changed, not the whole package);
    with a ``stamp`` (taken after the write), only those written in the stamp's tick.
    """
    folder = cache.cache_dir(KIND)
    if folder is None:
        return
    now_ns = time.time_ns()  # before any stat, as in digests
    prefix = os.path.join(package_dir, "")
    record: Record = {}
    for name, digest in written.items():
        try:
            record[name] = (identity(os.stat(prefix + name)), digest)
        except OSError:
            continue  # gone already: the next check hashes (misses) it
    cache.write(folder, os.path.abspath(package_dir), dump(now_ns, record, stamp))


def dump(recorded_ns: int, record: Record, stamp: Stamp | None = None) -> bytes:
    """The entry's bytes."""
    return marshal.dumps((FORMAT, recorded_ns, stamp, record))


def load(data: bytes | None) -> tuple[int, Record]:
    """``(recorded_ns, record)`` of an entry; ``(0, {})`` when absent or damaged."""
    recorded_ns, _, record = load_entry(data)
    return recorded_ns, record


def load_entry(data: bytes | None) -> tuple[int, Stamp | None, Record]:
    """``(recorded_ns, stamp, record)`` of an entry; ``(0, None, {})`` when absent or damaged."""
    if data is None:
        return 0, None, {}
    try:
        fmt, recorded_ns, found, record = marshal.loads(data)
        if fmt != FORMAT or type(recorded_ns) is not int or type(record) is not dict:
            return 0, None, {}
        stamp: Stamp | None = None
        if found is not None:
            stamp_ns, stamp_dev = found
            if type(stamp_ns) is not int or type(stamp_dev) is not int:
                return 0, None, {}
            stamp = (stamp_ns, stamp_dev)
        for name, (stat, digest) in record.items():
            if (
                type(name) is not str
                or type(digest) is not str
                or type(stat) is not tuple
                or len(stat) != 5
                or not all(type(n) is int for n in stat)
            ):
                return 0, None, {}
    except (ValueError, TypeError, EOFError):
        return 0, None, {}
    return recorded_ns, stamp, record
