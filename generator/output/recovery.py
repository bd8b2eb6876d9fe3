"""Undo a write that was interrupted, from its journal, before the output is used again.

Contract: :func:`recover` looks for staging folders (``<output>/.apiforge-staging-*``)
and, for each one whose writer is gone (its journal's lock is free, see
:mod:`apiforge.output.journal`):

* journal done: the write completed; the folder holds only the old generation's files
  and scratch, and is deleted;
* journal not done: the write was killed; :func:`undo` takes its steps back, last
  first, which restores the previous output byte for byte, and the folder is deleted;
* no readable journal (an older apiforge's, or a write killed before its journal
  existed): deleted only when it provably holds no data (nothing in it but empty
  files an apiforge writer makes: ``probe``, ``stamp``, ``journal``), else kept and
  reported as a warning, since it may hold the only copy of a previous output or of a
  user's files (the staged swap moves a whole package, user files included, aside).

:func:`undo` infers from the disk how far each step got, so it can run any number of
times (a recovery that is itself killed is finished by the next). It never deletes or
overwrites what it cannot prove the write made: a file is removed or replaced only
when it holds the bytes the journal says were written (sha256), and a package moved
in only when it holds exactly what was built (its manifest, and the user files copied
into it). What it cannot put back stays in the staging folder, which is then kept,
and is reported as an ``interrupted-write`` error (the write stage refuses to write
over it). The writers call :func:`undo` on an exception too, so the one undo serves
both a failure and a kill.
"""

from __future__ import annotations

import filecmp
import json
import os
from collections.abc import Sequence
from pathlib import Path

from apiforge.diagnostics import Diagnostic, Severity, SpecLocation
from apiforge.output.journal import JOURNAL_NAME, Step, discard, lock, parse
from apiforge.output.manifest import (
    MANIFEST_NAME,
    STAGING_PREFIX,
    ManifestError,
    read_manifest,
    sha256_file,
)
from apiforge.output.safe_paths import path_problem

_SCRATCH = frozenset({"probe", "stamp", JOURNAL_NAME})  # empty files the writers make
_FIELDS = {"made": 1, "unmade": 1, "put": 4, "remove": 2, "aside": 1, "in": 2}


def recover(output: Path) -> list[Diagnostic]:
    """Undo or clean up every interrupted write under ``output``; what was left, as diagnostics."""
    try:
        names = sorted(n for n in os.listdir(output) if n.startswith(STAGING_PREFIX))
    except OSError:
        return []
    found: list[Diagnostic] = []
    for name in names:
        staging = os.path.join(output, name)
        if os.path.isdir(staging) and not os.path.islink(staging):
            found += _recover_one(str(output), staging)
    return found


def _recover_one(output: str, staging: str) -> list[Diagnostic]:
    try:
        fd = os.open(os.path.join(staging, JOURNAL_NAME), os.O_RDONLY)
    except OSError:
        return _leftover(staging)
    try:
        if not lock(fd, wait=False):
            return []  # its writer is still running
        with os.fdopen(os.dup(fd), "rb") as handle:
            recorded = parse(handle.read())
        if recorded is None or not _well_formed(recorded.steps):
            return _leftover(staging)
        problems = [] if recorded.done else undo(output, staging, recorded.steps)
        if problems:
            return [_kept(staging, problems)]
        discard(staging)
        if recorded.created:
            try:
                os.rmdir(output)  # only when empty: the write made it, nothing else is there
            except OSError:
                pass
        return []
    finally:
        os.close(fd)


def _well_formed(steps: Sequence[Step]) -> bool:
    """Every step known, with its fields, and every path relative and inside the output."""
    for step in steps:
        name, fields = step[0], step[1:]
        if _FIELDS.get(name) != len(fields) or path_problem(fields[0]):
            return False
        spares = fields[1:3] if name in ("put", "remove") else ()
        if any("/" in s or s in (".", "..") for s in spares) or (name == "put" and not spares[0]):
            return False
        if name == "in" and _carried(step) is None:
            return False
    return True


def _carried(step: Step) -> list[str] | None:
    """The user entries an ``in`` step names (relative, inside the package), or None."""
    try:
        carried = json.loads(step[2])
    except ValueError:
        return None
    if not isinstance(carried, list) or not all(
        isinstance(c, str)
        and c
        and "\0" not in c
        and not c.startswith("/")
        and ".." not in c.split("/")
        for c in carried
    ):
        return None
    return carried


def undo(output: str, staging: str, steps: Sequence[Step]) -> list[str]:
    """Take back ``steps`` (of a write into ``output`` staged in ``staging``), last first.

    Returns:
        The paths that could not be put back, each with why; their old version stays in
        ``staging``.
    """
    problems: list[str] = []
    for step in reversed(steps):
        try:
            problem = _undo_step(os.path.join(output, ""), os.path.join(staging, ""), step)
        except OSError as exc:
            problem = f"{step[1]}: {exc.strerror or exc}"
        if problem:
            problems.append(problem)
    return problems


def _undo_step(out: str, staging: str, step: Step) -> str | None:
    """Undo one step, however far it got; why it could not be, or None."""
    name, target = step[0], out + step[1]
    if name == "made":  # a folder the new tree added: removed once empty again
        if os.path.isdir(target) and not os.listdir(target):
            os.rmdir(target)
    elif name == "unmade":  # a folder the new tree emptied
        os.makedirs(target, exist_ok=True)
    elif name == "put":  # a file written: (path, temp, backup of the old file or "", sha256)
        backup, digest = step[3], step[4]
        if backup and os.path.lexists(staging + backup):
            if os.path.lexists(target) and not _holds(target, digest):
                return f"{step[1]}: changed after the interrupted write"
            os.replace(staging + backup, target)
        elif not backup and _holds(target, digest):
            os.unlink(target)
    elif name == "remove":  # a file the new tree dropped: (path, backup)
        if os.path.lexists(staging + step[2]):
            if os.path.lexists(target):
                return f"{step[1]}: created after the interrupted write"
            os.rename(staging + step[2], target)
    elif name == "aside":  # the old package moved to staging/<package>.old
        old = staging + step[1] + ".old"
        if os.path.lexists(old):
            if os.path.lexists(target):
                return f"{step[1]}: created after the interrupted write"
            os.rename(old, target)
    elif name == "in":  # the new package moved in from staging/<package>: (package, carried)
        built = staging + step[1]
        if not os.path.lexists(built) and os.path.lexists(target):
            if not _as_built(Path(target), Path(built + ".old"), _carried(step) or []):
                return f"{step[1]}: changed after the interrupted write"
            os.rename(target, built)
    return None


def _holds(path: str, digest: str) -> bool:
    """True when ``path`` is a plain file holding the bytes of sha256 ``digest``."""
    return not os.path.islink(path) and os.path.isfile(path) and sha256_file(Path(path)) == digest


def _as_built(dest: Path, old: Path, carried: Sequence[str]) -> bool:
    """True when ``dest`` holds exactly what the staged swap built: the files its manifest
    lists, with their bytes, and the user entries it copied from ``old``, unchanged."""
    try:
        manifest = read_manifest(dest)
    except ManifestError:
        return False
    if manifest is None:
        return False
    if set(entries(dest)) != {*manifest.files, MANIFEST_NAME, *carried}:
        return False
    if any(sha256_file(dest / n) != d for n, d in manifest.files.items()):
        return False
    return all(_same_entry(dest / name, old / name) for name in carried)


def _same_entry(copy: Path, original: Path) -> bool:
    if copy.is_symlink() or original.is_symlink():
        return (
            copy.is_symlink()
            and original.is_symlink()
            and (os.readlink(copy) == os.readlink(original))
        )
    if copy.is_dir() or original.is_dir():
        return copy.is_dir() and original.is_dir()
    return original.is_file() and filecmp.cmp(copy, original, shallow=False)


def entries(root: Path) -> list[str]:
    """Every file, symlink and empty directory under ``root`` (relative POSIX), links not followed."""
    found: list[str] = []
    for directory, dirnames, filenames in os.walk(root):
        here = Path(directory)
        links = [d for d in dirnames if (here / d).is_symlink()]
        dirnames[:] = [d for d in dirnames if d not in links]
        leaves = [*filenames, *links]
        if not leaves and not dirnames and here != root:
            leaves = ["."]
        found += [(here / name).relative_to(root).as_posix() for name in leaves]
    return sorted(found)


def _leftover(staging: str) -> list[Diagnostic]:
    """A staging folder without a journal this version can read: deleted only when empty."""
    try:
        scratch = all(
            e.name in _SCRATCH and e.is_file(follow_symlinks=False) and e.stat().st_size == 0
            for e in os.scandir(staging)
        )
    except OSError:
        scratch = False
    if scratch:
        discard(staging)
        return []
    message = (
        "was left by an interrupted write without a journal this apiforge can read (an"
        " older apiforge, or a write killed as it started); it may hold the previous"
        " output's files or your own: check it, then delete it"
    )
    return [Diagnostic("staging-left", Severity.WARNING, message, SpecLocation(staging))]


def _kept(staging: str, problems: list[str]) -> Diagnostic:
    message = (
        "an interrupted write could not be fully undone ("
        + "; ".join(problems)
        + "); the previous versions are kept in this folder: put them back or delete it"
    )
    return Diagnostic("interrupted-write", Severity.ERROR, message, SpecLocation(staging))
