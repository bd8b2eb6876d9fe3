"""``apiforge watch``: regenerate whenever a spec, or a file it $refs, changes.

Contract: :func:`run_watch` first brings every target up to date, then waits
for changes and regenerates only the targets whose inputs changed. A bad edit
prints its diagnostics and the watch goes on; the previous output stays intact
(the write is atomic). Ctrl-C (or ``stop_event``) ends it with exit code 0.

The loop is split so it can be tested without a file system watcher:

* :class:`Debouncer` turns timestamped change events (an empty set is a clock
  tick) into batches, released once no change arrived for ``quiet`` seconds;
  editors that save several files, or save in several steps, cause one run.
* :class:`WatchSession` knows which files each target reads (the spec, the
  files its manifests list, every file its last run read or tried to read, and
  the project's pyproject.toml) and regenerates the targets a batch touches,
  each once. Nothing else triggers a run: not a log file or an editor's swap
  file in the same folder. A change to pyproject.toml reloads the targets.
* :func:`run_loop` feeds batches to a session; :func:`filesystem_events`
  produces the events from watchfiles (imported lazily: ``pip install
  apiforge[watch]``). It watches the parent directories, not the files, so
  editors that save by renaming a new file over the old one are seen too.
"""

from __future__ import annotations

import gc
import os
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import click

from apiforge.cli.commands.generate import load_targets
from apiforge.config.project import find_pyproject
from apiforge.config.targets import ConfigError, Overrides, Target
from apiforge.diagnostics import DiagnosticsError
from apiforge.engine import Outcome, RenderFn, display_name, generate_target, pipeline_render, shown
from apiforge.output.manifest import input_paths
from apiforge.progress import Reporter

Event = tuple[float, set[Path]]
"""A monotonic timestamp and the changed paths (empty: nothing changed, a clock tick)."""


@dataclass
class Debouncer:
    """Collects changes until none arrived for ``quiet`` seconds, then releases them as one batch."""

    quiet: float
    pending: set[Path] = field(default_factory=set)
    last_change: float = 0.0

    def feed(self, now: float, changed: Iterable[Path]) -> set[Path] | None:
        """Record the changes seen at ``now``; return the batch when the quiet period has passed."""
        changed = set(changed)
        if changed:
            self.pending |= changed
            self.last_change = now
        if self.pending and now - self.last_change >= self.quiet:
            batch, self.pending = self.pending, set()
            return batch
        return None


def debounced(events: Iterable[Event], quiet: float) -> Iterator[set[Path]]:
    """Batches of changed paths from timestamped events (see :class:`Debouncer`)."""
    debouncer = Debouncer(quiet)
    for now, changed in events:
        batch = debouncer.feed(now, changed)
        if batch:
            yield batch


@dataclass
class WatchSession:
    """The targets being watched, the files each one reads, and how to regenerate one.

    Attributes:
        targets: what to keep up to date.
        regenerate: brings one target up to date (``generate_target`` in real use).
        inputs_of: the absolute paths a target reads (from its manifests in real use).
    """

    targets: list[Target]
    regenerate: Callable[[Target], Outcome]
    inputs_of: Callable[[Target], set[Path]]
    inputs: dict[int, set[Path]] = field(default_factory=dict)
    failed: set[int] = field(default_factory=set)

    def start(self) -> None:
        """Regenerate every target (a no-op for those already up to date)."""
        for index in range(len(self.targets)):
            self._run(index)

    def watched(self) -> set[Path]:
        """Every file some target reads."""
        return set().union(*self.inputs.values()) if self.inputs else set()

    def directories(self) -> set[Path]:
        """The directories holding those files (what the file system watcher watches)."""
        return {path.parent for path in self.watched()}

    def affected(self, batch: set[Path]) -> list[int]:
        """Indices of the targets that read (or, in a failed run, tried to read) a changed file.

        Nothing else counts: not a log file next to the spec, not an editor's swap file,
        so a failed target is not regenerated again and again by its own output.
        """
        return [index for index, paths in sorted(self.inputs.items()) if paths & batch]

    def handle(self, batch: set[Path]) -> list[Target]:
        """Regenerate each target the batch touches, once; return them."""
        indices = self.affected(batch)
        for index in indices:
            self._run(index)
        return [self.targets[i] for i in indices]

    def _run(self, index: int) -> None:
        target = self.targets[index]
        outcome = self.regenerate(target)
        self.inputs[index] = self.inputs_of(target)
        if outcome is Outcome.FAILED:
            self.failed.add(index)
        else:
            self.failed.discard(index)


def run_loop(session: WatchSession, batches: Iterable[set[Path]]) -> None:
    """Bring everything up to date, then handle each batch of changes as it arrives."""
    session.start()
    for batch in batches:
        session.handle(batch)


def filesystem_events(
    directories: Callable[[], set[Path]], stop_event: threading.Event | None, tick_ms: int = 100
) -> Iterator[Event]:
    """Change events from watchfiles in ``directories()`` (not recursive), plus a tick every ``tick_ms``.

    The watch restarts when the set of directories changes (a new $ref elsewhere).
    """
    import watchfiles  # the optional `watch` extra: only this command needs it

    while stop_event is None or not stop_event.is_set():
        watching = directories()
        for changes in watchfiles.watch(
            *sorted(watching),
            watch_filter=None,
            debounce=tick_ms,
            rust_timeout=tick_ms,
            yield_on_timeout=True,
            stop_event=stop_event,
            recursive=False,
            raise_interrupt=False,
        ):
            yield time.monotonic(), {Path(os.path.abspath(path)) for _change, path in changes}
            if directories() != watching:
                break
        else:
            return


def run_watch(
    spec: Path | None,
    overrides: Overrides,
    *,
    debounce_ms: int = 300,
    quiet: bool = False,
    output_format: str = "text",
    render: RenderFn = pipeline_render,
    stop_event: threading.Event | None = None,
) -> None:
    """``apiforge watch [SPEC]``: regenerate on every change until Ctrl-C or ``stop_event``.

    Raises:
        click.ClickException: watchfiles is not installed.
    """
    try:
        import watchfiles  # noqa: F401 - imported here to fail before the first generation
    except ImportError:
        raise click.ClickException("apiforge watch needs watchfiles: pip install 'apiforge[watch]'")
    reporter = Reporter(output_format=output_format, quiet=quiet)
    try:
        config = None if spec is not None else find_pyproject(Path.cwd())
    except ConfigError:  # a pyproject.toml that does not read: new_session() reports it
        config = None
    read_by: dict[Target, set[Path]] = {}  # what each target's last pipeline run read or tried to

    def regenerate(target: Target) -> Outcome:
        reporter.reads = set()
        # The collector off while it runs, as `generate` has it (cli/main.py): its passes over
        # the document and IR, which grow with what earlier runs kept, cost more than the
        # garbage they find (~0.1 s of a one-schema edit at 1,000 operations). One pass after
        # the output is written frees this run's cycles, so a long watch does not grow.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return generate_target(target, render, reporter, force=False)
        except Exception:  # noqa: BLE001 - a pipeline bug must not end the watch
            click.echo(
                f"{display_name(target)}: internal error\n{traceback.format_exc()}", err=True
            )
            return Outcome.FAILED
        finally:
            read_by[target] = {Path(p) for p in reporter.reads}
            reporter.finish()
            if collecting:
                gc.enable()
                gc.collect()

    def inputs_of(target: Target) -> set[Path]:
        """The spec, the files its manifests list, what its last run read, and the config."""
        found = {Path(os.path.abspath(p)) for p in input_paths(target)} | read_by.get(target, set())
        return found | ({Path(os.path.abspath(config))} if config is not None else set())

    def new_session() -> WatchSession:
        return WatchSession(load_targets(spec, overrides, reporter), regenerate, inputs_of)

    session = new_session()
    events = filesystem_events(lambda: session.directories(), stop_event)
    try:
        session.start()
        click.echo(f"watching {len(session.watched())} file(s); Ctrl-C stops", err=True)
        for batch in debounced(events, debounce_ms / 1000):
            if config is not None and Path(os.path.abspath(config)) in batch:
                reporter.stage(f"{shown(config)} changed: reloading the targets")
                try:
                    session = new_session()
                except (click.ClickException, DiagnosticsError) as exc:  # a broken config:
                    # say so (its diagnostics were reported), keep watching it
                    problem = (
                        str(exc) if isinstance(exc, DiagnosticsError) else exc.format_message()
                    )
                    click.echo(f"apiforge: {problem.removeprefix('apiforge: ')}", err=True)
                    session = WatchSession(
                        [], regenerate, inputs_of, {-1: {Path(os.path.abspath(config))}}
                    )
                    continue
                session.start()
                continue
            names = ", ".join(sorted(display_name(t) for t in session.handle(batch)))
            if names:
                reporter.stage(f"regenerated after a change: {names}")
    except KeyboardInterrupt:
        pass
