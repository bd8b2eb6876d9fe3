"""openapi-pydantic validation in a forked child, while the parent builds the IR.

Why: on a cold run importing openapi-pydantic (building its pydantic models) and
validating is about 0.15 s of PostHog's 0.55 s, and nothing after loading reads its
result: validation only adds diagnostics. So on Linux, when the process has no other
thread, :func:`start` forks; the child validates (through the content cache, as
:func:`apiforge.load.validation_cache.validate_cached` does in-process) and sends its reports
through a pipe, and the parent goes on with the IR. :meth:`Pending.join` replays the
reports into the sink *at the position serial validation would have put them*, and
when one is an error it also drops what the later stages reported, so the sink holds
exactly what a serial run reports (a serial run stops right after loading). The
pipeline joins before every decision it takes (see ``pipeline.render``).

With an empty cache the child is best forked before loading (:func:`prewarm`, called by the
pipeline before it reads the spec): it then imports openapi-pydantic (~0.16 s, most of a
small spec's cold run) while the parent parses, and receives the loaded document through a
pipe. After a run that cached validation results, :func:`start` first asks the cache (and,
for an edited group of schemas, the plain checks) in the parent
(:func:`apiforge.load.validation_cache.cached_parts`): after a one-schema edit they usually
decide every part, and no child is forked at all; handing one the document would cost more
(the parent spells it, the child reads and digests all of it again) than deciding there.
Only when a part needs openapi-pydantic does :func:`start` fork the child then.

Anywhere else (no ``fork``, another thread running, ``fork`` failing) validation runs
in-process at once, as before; if the child dies or fails, the parent validates
in-process at the join, so an unexpected exception surfaces exactly as it did.
"""

from __future__ import annotations

import gc
import importlib.machinery
import importlib.util
import json
import marshal
import os
import signal
import sys
import threading
import types
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from apiforge.code_cache import save as save_compiled_code
from apiforge.diagnostics import Severity, Sink

if TYPE_CHECKING:  # the child imports it to validate; the parent forks before it needs it
    from apiforge.load.validation import Report

Entry = tuple[Severity, str, str, str]


def _validate_cached(document: dict[str, Any], family: str, report: Report) -> None:
    # validating (on a cache miss) is the validating process's work: imported where it runs
    from apiforge.load.validation_cache import validate_cached

    validate_cached(document, family, report)


def _one_family_only() -> None:
    """In the child: let ``openapi_pydantic.v3.v3_0`` (or ``v3_1``) load without the other (~40 ms).

    ``openapi_pydantic/__init__.py`` (through ``v3/__init__.py``) builds the 3.0 *and*
    the 3.1 models, while validation imports one family's. The two package modules are
    created from their specs but not run (empty, with their search paths), so the
    validation's import (on a cache miss only) loads that family alone. Only the child
    does this: it exits right after validating, so nothing else sees the stand-ins.
    """
    if "openapi_pydantic" in sys.modules:
        return
    found = importlib.util.find_spec("openapi_pydantic")  # finds it without running it
    if found is None or not found.submodule_search_locations:
        return  # the validation's import reports it as usual
    v3 = importlib.machinery.PathFinder.find_spec(
        "openapi_pydantic.v3", list(found.submodule_search_locations)
    )
    if v3 is None:
        return
    for spec in (found, v3):  # each package module made from its spec, never run
        sys.modules[spec.name] = importlib.util.module_from_spec(spec)


def _no_plugin_loader() -> None:
    """In the child: pydantic's plugin loader as it answers with plugins disabled, not imported.

    ``pydantic.plugin._loader`` imports importlib.metadata (~15 ms: email, zipfile, csv) at
    the first model's validator, to read entry points; with ``PYDANTIC_DISABLE_PLUGINS`` set
    to ``__all__`` (as the child sets it) its ``get_plugins`` returns no plugins before it
    reads any. This stand-in, its only name pydantic imports, returns the same. Only the
    child does this: it exits right after validating.
    """
    name = "pydantic.plugin._loader"
    if name in sys.modules:
        return
    loader = types.ModuleType(name)
    vars(loader)["get_plugins"] = _no_plugins
    sys.modules[name] = loader


def _no_plugins() -> tuple[()]:
    return ()


@dataclass
class _Warm:
    """A child forked by :func:`prewarm`, waiting for its document on ``to_child``."""

    pid: int
    to_child: int  # write end: the marshalled (document, family)
    from_child: int  # read end: the reports, as JSON


_warm: _Warm | None = None


def prewarm() -> None:
    """Fork the validating child now, so it imports openapi-pydantic while the parent loads.

    Does nothing where :func:`can_fork` is false or a child is already waiting, nor when
    the content cache holds validation results: a run after another mostly finds its parts
    there (:func:`start` then needs no child, and forks one only when it does), and a child
    forked for nothing costs more than its head start (the fork, its start, and the copies
    of every page the parent writes while it lives). The first :func:`start` hands it its
    document; :func:`discard` ends it when nothing did.
    """
    if _warm is not None or not can_fork():
        return
    from apiforge.output import cache  # sqlite3 with it: loaded only where a child may be forked

    folder = cache.cache_dir("validation")
    if folder is not None and cache.holds_any(folder):
        return
    _fork_child()


def _fork_child() -> None:
    """Fork the validating child (see :func:`prewarm`)."""
    global _warm
    # Both processes import these (the parent to load and format): once here, not in each.
    # The fork comes ~3 ms later and the child has ~3 ms less to import: its end is unchanged.
    from apiforge.load import validation  # noqa: F401
    from apiforge.output import cache  # noqa: F401

    try:
        to_read, to_write = os.pipe()
        from_read, from_write = os.pipe()
    except OSError:
        return
    try:
        pid = os.fork()
    except OSError:
        for fd in (to_read, to_write, from_read, from_write):
            os.close(fd)
        return
    if pid == 0:  # the child: import, wait for the document, validate, reply, exit
        status = 1
        try:
            gc.freeze()  # the parent's objects stay shared: no collection walks them
            # pydantic plugins have nothing to observe in openapi-pydantic's own models, and
            # looking for them reads every installed distribution's entry points (~3 ms)
            os.environ["PYDANTIC_DISABLE_PLUGINS"] = "__all__"
            os.close(to_write)
            os.close(from_read)
            _one_family_only()
            _no_plugin_loader()
            _import_validation()
            save_compiled_code()  # pydantic's dataclasses and regexes, while the document is on its way
            with os.fdopen(to_read, "rb") as pipe:
                data = pipe.read()
            if data:  # empty: discarded unused
                document, family = marshal.loads(data)  # from the parent, through our own pipe
                _reply(from_write, document, family)
            status = 0
        finally:
            os._exit(status)
    os.close(to_read)
    os.close(from_write)
    _warm = _Warm(pid, to_write, from_read)


def discard() -> None:
    """End a child that :func:`prewarm` forked and no :func:`start` used, without waiting for it."""
    global _warm
    warm, _warm = _warm, None
    if warm is None:
        return
    os.close(warm.to_child)
    os.close(warm.from_child)
    try:
        os.kill(warm.pid, signal.SIGKILL)  # it may still be importing: nothing of it is needed
    except ProcessLookupError:
        pass
    os.waitpid(warm.pid, 0)


def _import_validation() -> None:
    """What validating will import; pydantic's model machinery only when a cold cache will need it.

    The family's own models (~30 ms) wait for the document, which names the family: so a 3.1
    spec no longer pays for the 3.0 models too. A small spec's document arrives before
    pydantic (~75 ms) is in.
    """
    # In the prewarmed child only: the parent never needs validation_cache (output.cache
    # comes from before the fork, see prewarm)
    from apiforge.load import validation_cache
    from apiforge.output import cache

    folder = cache.cache_dir("validation")
    if folder is None or not cache.holds_any(folder):
        import openapi_pydantic.compat  # noqa: F401
        from pydantic import BaseModel  # building models is the cost being moved (above)

        class _Warm(BaseModel):  # the first model loads the schema machinery every family uses
            value: int

    del validation_cache


def _reply(fd: int, document: dict[str, Any], family: str) -> None:
    """Validate ``document`` and write the reports to ``fd`` as JSON (the child's half)."""
    recorded: list[list[str]] = []
    _validate_cached(document, family, lambda s, c, m, p: recorded.append([s.value, c, m, p]))
    with os.fdopen(fd, "wb") as pipe:
        pipe.write(json.dumps(recorded).encode())


def can_fork() -> bool:
    """True where forking a validating child is safe: Linux, and no thread but this one."""
    return sys.platform == "linux" and hasattr(os, "fork") and threading.active_count() == 1


class Pending:
    """Validation of one document, running in a child or already done; see the module docstring."""

    def __init__(
        self, document: dict[str, Any], family: str, report: Report, sink: Sink, mark: int
    ) -> None:
        self._document, self._family, self._report = document, family, report
        self._sink, self._mark = sink, mark
        self._child: tuple[int, int] | None = None  # (pid, read end of the pipe)
        self._sender: threading.Thread | None = None  # writing a large document to the child
        self._failed: bool | None = None
        self._decided: list[Entry] | None = None  # the reports, found without a child
        self.load_end = mark
        """``len(sink.items)`` when loading finished; later stages reported after it."""

    def join(self) -> bool:
        """Replay the reports at their serial position; True when one is an error.

        With an error, the diagnostics reported after loading are dropped: a serial run
        stops before the stages that made them. Calling it again returns the same answer.
        """
        if self._failed is not None:
            return self._failed
        entries = self._collect()
        items = self._sink.items
        tail = items[self._mark :]
        del items[self._mark :]
        for entry in entries:
            self._report(*entry)
        self._failed = any(severity is Severity.ERROR for severity, _, _, _ in entries)
        keep = self.load_end - self._mark
        items.extend(tail[:keep] if self._failed else tail)
        return self._failed

    def _collect(self) -> list[Entry]:
        if self._decided is not None:
            return self._decided
        if self._child is not None:
            pid, fd = self._child
            self._child = None
            with os.fdopen(fd, "rb") as pipe:
                data = pipe.read()
            _, status = os.waitpid(pid, 0)
            if self._sender is not None:
                self._sender.join()  # done: the child read the whole document (or died)
                self._sender = None
            if status == 0:
                try:
                    return [(Severity(s), c, m, p) for s, c, m, p in json.loads(data)]
                except (ValueError, TypeError):
                    pass
        recorded: list[Entry] = []
        _validate_cached(self._document, self._family, lambda *entry: recorded.append(entry))
        return recorded

    def _hand_over(self) -> bool:
        """Give the document to the child :func:`prewarm` forked; False when there is none."""
        global _warm
        warm, _warm = _warm, None
        if warm is None:
            return False
        try:  # plain JSON data: marshal writes it ~3x faster than pickle (same interpreter)
            data = marshal.dumps((self._document, self._family))
        except (ValueError, RecursionError):
            _warm = warm
            discard()
            return False

        def send() -> None:
            try:
                with os.fdopen(warm.to_child, "wb") as pipe:
                    pipe.write(data)
            except OSError:  # the child died: the join validates in-process
                pass

        # A pipe holds 64 KiB: a larger document is written by a thread while the child
        # may still be importing, so the parent never waits for it here.
        if len(data) <= 65536:
            send()
        else:
            self._sender = threading.Thread(target=send, name="sending the document to validate")
            self._sender.start()
        self._child = (warm.pid, warm.from_child)
        return True

    def _fork(self) -> bool:
        """Hand the document to a validating child, forked now unless :func:`prewarm` did."""
        if _warm is None and can_fork():
            _fork_child()
        return self._hand_over()


def start(
    document: dict[str, Any], family: str, report: Report, sink: Sink, *, background: bool
) -> Pending:
    """Begin validating ``document``; reports reach ``sink`` (through ``report``) at the join.

    ``background`` asks for a child process (used only when :func:`can_fork`); otherwise the
    document is validated now and the join only replays.
    """
    pending = Pending(document, family, report, sink, len(sink.items))
    if background and can_fork():
        # After a small edit the cache (and the plain checks) usually decide every part:
        # then no child is needed, and none receives, reads and digests the whole document.
        from apiforge.load.validation_cache import cached_parts

        pending._decided = cached_parts(document, family)
        if pending._decided is not None:
            discard()
    if not (background and can_fork() and pending._decided is None and pending._fork()):
        pending.join()
    return pending
