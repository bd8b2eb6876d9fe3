"""The write stage's short way: replace only the files that changed, in place, or nothing.

Contract: :func:`write_changes` does what :func:`apiforge.output.write.write_packages`
(without ``force``) would leave on disk, but touches only the files whose bytes (or
kind, or mode) differ, instead of staging and swapping whole package directories.
A regeneration after a one-schema edit at 1,000 operations changes ~10 of ~1,085
files; staging the rest as hard links, swapping and deleting the old tree cost ~0.1 s.

It takes the short way only when it can prove the result equal to the staged swap's,
and answers None, having touched nothing, otherwise (the caller then stages):

* every package directory exists, is a real directory and has a readable manifest;
* no listed file was edited by hand or is missing (the staged swap refuses or rebuilds);
* every folder that holds a listed file is a real directory, and no path the new tree
  adds (file or folder) exists yet (no user file carried along, none in the way).

What it changes is journalled (:mod:`apiforge.output.journal`): each replaced or
removed file is renamed into ``<output>/.apiforge-staging-XXXX/``, each new or emptied
folder noted, every step in the journal file there before it is taken. Any failure,
KeyboardInterrupt included, undoes the journal in reverse
(:func:`apiforge.output.recovery.undo`): the previous output stays byte-for-byte
intact, as with the swap (should a step fail to undo, the staging folder is kept, with
the old files in it). A process killed mid-write (SIGKILL, the OOM killer) is undone
the same way by the next run, from the journal on disk
(:func:`apiforge.output.recovery.recover`). Each package's manifest is written last.

Journal steps (paths relative to the output folder, spare names inside the staging
folder): ``made <folder>``, ``put <path> <temp> <backup or ""> <sha256 of new bytes>``
(the new bytes go to ``temp``, the old file, if any, to ``backup``, then ``temp`` to
``path``), ``remove <path> <backup>``, ``unmade <folder>``.

Which files changed is decided by digests, not by reading the old files: the old ones
are the manifest's (:func:`apiforge.output.file_stats.check` proves the files on disk
hold them, statting instead of hashing where it can), the new ones those a
:class:`DigestedTree` carries (:func:`apiforge.output.write.package_trees` hashed each
file once, for the new manifest). Once written, the stat record of each package is
updated for the files written only, all packages in one cache transaction, under a
stamp taken after the writes (so that the next check trusts them).
"""

from __future__ import annotations

import hashlib
import itertools
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from apiforge.output import file_stats
from apiforge.output.journal import Journal, discard, finishing
from apiforge.output.manifest import (
    MANIFEST_NAME,
    STAGING_PREFIX,
    ManifestError,
    read_manifest,
    sha256_file,
)
from apiforge.output.recovery import undo

__all__ = ["STAGING_PREFIX", "DigestedTree", "write_changes"]


class DigestedTree(dict[str, bytes]):
    """A package tree (name -> bytes) that knows the sha256 of some of its files.

    A digest counts only for the very bytes object it was computed from: an entry
    replaced after construction is hashed again, never taken on trust.
    """

    def __init__(self, files: Mapping[str, bytes], digests: Mapping[str, str]) -> None:
        super().__init__(files)
        self._known = {name: (files[name], digest) for name, digest in digests.items()}

    def digest(self, name: str) -> str:
        """The hex sha256 of ``self[name]``."""
        data = self[name]
        known = self._known.get(name)
        if known is not None and known[0] is data:
            return known[1]
        return hashlib.sha256(data).hexdigest()


def _digest(tree: Mapping[str, bytes], name: str) -> str:
    if isinstance(tree, DigestedTree):
        return tree.digest(name)
    return hashlib.sha256(tree[name]).hexdigest()


@dataclass
class _Changes:
    """One package: what to write, what to remove."""

    package: str  # the package directory's name
    dest: str  # the package directory, with a trailing separator
    checked: file_stats.Checked  # the files on disk, as the manifest lists them
    write: list[str]  # names whose new bytes replace (or add) a file, manifest last
    remove: list[str]  # listed names the new tree drops
    new_folders: list[str]  # folders the new tree adds, parents first


def write_changes(output: Path, trees: Mapping[str, Mapping[str, bytes]]) -> int | None:
    """Write only what changed, atomically over all packages; None (nothing done) when unsure.

    Returns:
        How many files it wrote, manifests aside (0 when only a manifest changed).

    Raises:
        OSError: the file system failed; everything changed so far was undone.
    """
    staging = tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=output)
    planned: list[tuple[_Changes, Mapping[str, bytes]]] = []
    journal: Journal | None = None
    spares = (str(n) for n in itertools.count())  # fresh names in the staging folder
    written: list[dict[str, str]] = []
    try:
        journal = Journal(staging, "changes")  # first: its lock marks the folder as in use
        probe = _probe(staging)  # before any stat: the file system's clock (file_stats)
        for package, tree in sorted(trees.items()):
            changes = _changes(output / package, tree, file_stats.stamp_of(probe))
            if changes is None:
                discard(staging)  # nothing was changed yet
                journal.close()
                return None
            planned.append((changes, tree))
        for changes, tree in planned:
            written.append(_apply(changes, tree, probe.st_mode, spares, journal))
        journal.commit()
    except BaseException:
        if journal is None or not undo(str(output), staging, journal.steps):
            discard(staging)  # else it keeps what could not be put back
        if journal is not None:
            journal.close()
        raise
    count = sum(len(w) for w in written)
    with finishing(staging, journal, count):
        stamp = file_stats.stamp_in(Path(staging))  # after every write, before their stats
        discard(staging)
        # stat'ed once the old files are gone (removing a hard link changes its other names' ctime)
        file_stats.store(
            (Path(c.dest), file_stats.after_write(Path(c.dest), c.checked, w, c.remove, stamp))
            for (c, _), w in zip(planned, written)
        )
    return count


def _changes(dest: Path, tree: Mapping[str, bytes], stamp: file_stats.Stamp) -> _Changes | None:
    """What replacing ``dest`` with ``tree`` changes, or None when the short way is not provable."""
    try:
        if not stat.S_ISDIR(os.lstat(dest).st_mode):
            return None
        manifest = read_manifest(dest)
    except (OSError, ManifestError):
        return None
    if manifest is None or MANIFEST_NAME in manifest.files:
        return None
    checked = file_stats.check(dest, manifest.files, sha256_file, stamp)
    changes = _planned(dest, tree, manifest.files, checked)
    if changes is None and checked.stale:  # the staged swap's check then stats, not hashes
        file_stats.store([(dest, checked)])
    return changes


def _planned(
    dest: Path, tree: Mapping[str, bytes], listed: dict[str, str], checked: file_stats.Checked
) -> _Changes | None:
    """:func:`_changes` once the files on disk are known (``checked``)."""
    on_disk = checked.found
    if any(on_disk[name] != digest for name, digest in listed.items()):
        return None  # edited by hand or missing: the staged swap refuses or rebuilds
    old_folders = _all_folders(listed)
    new_folders = _all_folders(tree)
    prefix = os.path.join(dest, "")
    for folder in old_folders:
        if not _is_real_folder(prefix + folder):
            return None
    added_folders = sorted(new_folders - old_folders, key=lambda f: f.count("/"))
    added = [n for n in tree if n not in listed and n != MANIFEST_NAME]
    if any(os.path.lexists(prefix + path) for path in (*added_folders, *added)):
        return None  # a user's entry where the new tree puts something
    changed = [
        name
        for name in tree
        if name != MANIFEST_NAME and (name not in listed or _digest(tree, name) != on_disk[name])
    ]
    write = sorted(changed) + ([MANIFEST_NAME] if MANIFEST_NAME in tree else [])
    remove = sorted(n for n in listed if n not in tree)
    return _Changes(dest.name, prefix, checked, write, remove, added_folders)


def _folders(name: str) -> list[str]:
    """The folders above ``name`` (``a/b/c.py`` -> ``a``, ``a/b``)."""
    parts = name.split("/")[:-1]
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def _all_folders(names: Iterable[str]) -> set[str]:
    """The folders above any of ``names``: each file's parent, then each folder's once."""
    found: set[str] = set()
    for parent in {name.rpartition("/")[0] for name in names}:
        while parent and parent not in found:
            found.add(parent)
            parent = parent.rpartition("/")[0]
    return found


def _is_real_folder(path: str) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _probe(staging: str) -> os.stat_result:
    """The stat of a file created here: the mode a new file gets (the umask's), as the
    staged swap's files have, and its mtime the file system's clock now."""
    fd = os.open(os.path.join(staging, "probe"), os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)
    try:
        return os.fstat(fd)
    finally:
        os.close(fd)


def _apply(
    changes: _Changes,
    tree: Mapping[str, bytes],
    mode: int,
    spares: Iterator[str],
    journal: Journal,
) -> dict[str, str]:
    """Carry out one package's changes, each step journalled before it is taken.

    Returns the sha256 of every file written (manifest aside), by name."""
    dest, package = changes.dest, changes.package + "/"
    staging = os.path.join(journal.staging, "")
    # A kept file that is not a plain file of the new files' mode is written again, as the
    # staged swap would (it links only plain files of that mode).
    kept = [n for n in tree if n not in changes.write and n != MANIFEST_NAME]
    modes = changes.checked.modes  # as the check found them, links not followed
    rewrite = {n for n in kept if modes.get(n) != mode}
    for folder in changes.new_folders:
        journal.note("made", package + folder)
        os.mkdir(dest + folder)
    names = sorted(rewrite) + changes.write  # the manifest stays last
    digests = {n: _digest(tree, n) for n in names}
    for name in names:
        path, temp = dest + name, next(spares)
        backup = next(spares) if os.path.lexists(path) else ""
        journal.note("put", package + name, temp, backup, digests[name])
        with open(staging + temp, "xb") as handle:
            handle.write(tree[name])
        if backup:
            os.rename(path, staging + backup)
        os.rename(staging + temp, path)
    for name in changes.remove:
        backup = next(spares)
        journal.note("remove", package + name, backup)
        os.rename(dest + name, staging + backup)
    emptied = {f for name in changes.remove for f in _folders(name)}
    for folder in sorted(emptied, key=lambda f: -f.count("/")):  # deepest first
        journal.note("unmade", package + folder)
        try:
            os.rmdir(dest + folder)
        except OSError:
            continue  # still holds a generated or a user's entry: it stays (undo: a no-op)
    digests.pop(MANIFEST_NAME, None)
    return digests
