"""The write stage's journal: every step that changes the output, noted before it is taken.

Contract: a write (:mod:`apiforge.output.write_in_place` or the staged swap of
:mod:`apiforge.output.write`) opens a :class:`Journal` in its staging folder
(``<output>/.apiforge-staging-XXXX/journal``) before its first change to the output,
appends one line per step *before* taking it, and appends ``done`` once the output is
complete; only then does it delete the staging folder (the journal last, see
:func:`discard`). :mod:`apiforge.output.recovery` reads it back: a journal without
``done`` is a write that was killed (SIGKILL, the OOM killer, a cancelled CI job), and
its steps say what to put back; one with ``done`` only needs its folder deleted.

Format (text, UTF-8, one tab-separated line per record; generated paths have no tab
or line break, :mod:`apiforge.output.safe_paths`)::

    apiforge journal	1	<kind: changes | swap>	<1 when the write created the output folder>
    <step>	<field>...
    done

A line is a single ``os.write`` to a file opened with ``O_APPEND``: a process killed
while writing it leaves it whole or missing, and a step never starts before its line
was written, so a line cut short (no final newline) is a step not taken and reads as
absent.

What a kill, and what a power loss, leaves: the steps are renames and the lines
appends, all in the kernel's page cache in the order they were made, so a killed
process leaves a journal that describes the disk exactly. Nothing is fsync'ed (a
regeneration writes ~10 files; an fsync per step would cost more than the write), so
after a power loss or a kernel crash the file system may have kept some renames and
not the lines before them, or lost the bytes of files written just before: recovery
then still only moves back what the journal names and only deletes a file whose bytes
it proves it wrote (by digest), and keeps whatever it cannot place in the staging
folder, but it cannot promise the previous output byte for byte.

While a write runs it holds an exclusive ``flock`` on its journal, which the kernel
drops when the process dies; recovery takes the same lock without waiting, so it
never undoes the write of another process that is still running (on platforms
without ``fcntl`` this check is skipped).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field

JOURNAL_NAME = "journal"
_HEADER = "apiforge journal"
_VERSION = "1"
_DONE = "done"

Step = tuple[str, ...]
"""One step: its name, then its fields (see the two writers for what each means)."""


class Journal:
    """An open journal, appended to line by line; ``steps`` holds what was noted."""

    def __init__(self, staging: str, kind: str, *, created: bool = False) -> None:
        self.staging = staging
        path = os.path.join(staging, JOURNAL_NAME)
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o666)
        lock(self._fd, wait=True)
        self.steps: list[Step] = []
        header = (_HEADER, _VERSION, kind, "1" if created else "0")
        os.write(self._fd, ("\t".join(header) + "\n").encode("utf-8"))

    def note(self, *step: str) -> None:
        """Append ``step`` before it is taken."""
        self.steps.append(step)
        os.write(self._fd, ("\t".join(step) + "\n").encode("utf-8"))

    def commit(self) -> None:
        """Mark the write complete: from now on the staging folder holds only leftovers."""
        os.write(self._fd, _DONE.encode("utf-8") + b"\n")

    def close(self) -> None:
        """Release the lock (the writer's process is done with the staging folder)."""
        os.close(self._fd)


@dataclass
class Recorded:
    """A journal as read back from disk."""

    kind: str
    created: bool
    steps: list[Step] = field(default_factory=list)
    done: bool = False


def parse(data: bytes) -> Recorded | None:
    """The journal in ``data``, or None when it is not one this version wrote."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    lines = text.split("\n")[:-1]  # the last piece lacks its newline: never taken
    if not lines:
        return None
    header = lines[0].split("\t")
    if len(header) != 4 or header[:2] != [_HEADER, _VERSION] or header[3] not in ("0", "1"):
        return None
    recorded = Recorded(header[2], header[3] == "1")
    for line in lines[1:]:
        if line == _DONE:
            recorded.done = True
        else:
            recorded.steps.append(tuple(line.split("\t")))
    return recorded


def lock(fd: int, *, wait: bool) -> bool:
    """Take an exclusive ``flock`` on ``fd``; False when another process holds it."""
    try:
        import fcntl  # not on Windows
    except ImportError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    return True


def discard(staging: str) -> None:
    """Delete a staging folder whose journal is done or undone, the journal last.

    A process killed meanwhile leaves the journal (so the next run finishes the job) or
    an empty folder (which :mod:`apiforge.output.recovery` deletes as well).
    """
    try:
        entries = list(os.scandir(staging))
    except OSError:
        return
    for entry in entries:
        if entry.name == JOURNAL_NAME:
            continue
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            try:
                os.unlink(entry.path)
            except OSError:
                pass
    try:
        os.unlink(os.path.join(staging, JOURNAL_NAME))
    except OSError:
        pass
    try:
        os.rmdir(staging)
    except OSError:
        pass  # something could not be deleted: the next run reports the folder


class InterruptedAfterWrite(KeyboardInterrupt):
    """A Ctrl-C after the write's commit point: the new output is complete, ``written`` files.

    Raised instead of the bare interrupt once the cleanup is done; a KeyboardInterrupt
    still (the run stops), but one that callers can tell the user about honestly.
    """

    def __init__(self, written: int) -> None:
        super().__init__(written)
        self.written = written


@contextlib.contextmanager
def finishing(staging: str, journal: Journal, written: int) -> Iterator[None]:
    """Around what a write does after :meth:`Journal.commit`: a Ctrl-C there still cleans up.

    The output is complete by then, so the interrupt is let through only once the staging
    folder is gone (left behind, it would hold the old package's copy inside the output
    folder, where ``git add generated/`` or an sdist takes it until the next run), and as
    :class:`InterruptedAfterWrite`: the write of ``written`` files did happen. The journal
    is closed either way.
    """
    try:
        yield
    except KeyboardInterrupt:
        discard(staging)
        raise InterruptedAfterWrite(written) from None
    finally:
        journal.close()
