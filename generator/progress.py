"""How the generate, check and watch commands talk to people.

Contract: with ``--format text`` results (``<target>: up to date``, what was
written) go to stdout unless quiet, and diagnostics to stderr as text lines
(information ones not when quiet),
sorted by file and line, the moment a target reports them. With ``--format
json`` stdout carries nothing but one JSON array of every diagnostic, printed
when the command finishes (:meth:`Reporter.finish`), so ``apiforge ... --format
json | jq`` works; every other line goes to stderr.

Progress (each pipeline stage with its counts, see :func:`stage`) goes to
stderr unless quiet: on a terminal one line is rewritten in place, with a
counter moving through the long stages (``formatting 209 modules ... 150/209``,
see :func:`advance`), and each finished stage keeps its line with its elapsed
time; elsewhere (CI logs) each stage prints exactly one line when it starts.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Protocol, TextIO

import click

from apiforge.diagnostics import Diagnostic, Severity, render_json, sorted_diagnostics


class StageListener(Protocol):
    """Who shows the pipeline's progress (a command's :class:`Reporter`)."""

    def stage(self, message: str) -> None: ...

    def advance(self, done: int, total: int) -> None: ...

    @property
    def counting(self) -> bool: ...


_LISTENER: ContextVar[StageListener | None] = ContextVar("apiforge_stage_listener", default=None)


def stage(message: str) -> None:
    """Announce a pipeline stage (``models: 80 schemas``) to whoever listens; a no-op otherwise.

    The pipeline calls this; a command's :class:`Reporter` listens while it renders
    (:meth:`Reporter.listening`), so the pipeline's ``render(target, sink)``
    signature stays what it is.
    """
    listener = _LISTENER.get()
    if listener is not None:
        listener.stage(message)


def advance(done: int, total: int) -> None:
    """Report that ``done`` of the current stage's ``total`` items are finished; a no-op unless shown."""
    listener = _LISTENER.get()
    if listener is not None:
        listener.advance(done, total)


def counting() -> bool:
    """Whether a listener shows :func:`advance` counts (a terminal).

    A stage that would do its work in one piece may then do it in a few batches so the
    counter moves; elsewhere (CI logs, the library) it pays nothing for progress.
    """
    listener = _LISTENER.get()
    return listener is not None and listener.counting


@dataclass
class Reporter:
    """Prints status, progress and diagnostics for one command run.

    Attributes:
        output_format: ``"text"`` or ``"json"`` (see the module docstring).
        quiet: no status or progress lines, and no information diagnostics in text output;
            warnings and errors are still printed (``--format json`` keeps every diagnostic).
        progress: show stage lines; None means "unless quiet".
        echo_diagnostics: print diagnostics; False only keeps them in ``collected``
            (the build hook raises them in its error instead).
        terminal: the progress stream is a terminal (progress rewrites one line and
            counts); None: ask the stream.
        silent: print nothing at all (library calls; see :meth:`silent_reporter`).
        stream: where progress lines go; None: stderr.
    """

    output_format: str = "text"
    quiet: bool = False
    progress: bool | None = None
    echo_diagnostics: bool = True
    terminal: bool | None = None
    silent: bool = False
    stream: TextIO | None = None
    collected: list[Diagnostic] = field(default_factory=list)
    reads: set[str] = field(default_factory=set)  # files the pipeline runs read (see Sink.reads)
    _started: float = field(default_factory=time.monotonic)
    _stage: tuple[str, float] | None = None
    _shown: tuple[int, int] = (-1, -1)  # the count last drawn: (percent, done)

    @classmethod
    def silent_reporter(cls) -> Reporter:
        """A reporter that only collects: what the library API uses unless given one."""
        return cls(quiet=True, progress=False, echo_diagnostics=False, terminal=False, silent=True)

    def __post_init__(self) -> None:
        if self.progress is None:
            self.progress = not self.quiet
        if self.terminal is None:
            self.terminal = (self.stream or sys.stderr).isatty()

    @property
    def counting(self) -> bool:
        """Whether :meth:`advance` shows anything: progress on a terminal."""
        return bool(self.progress and self.terminal)

    def stage(self, message: str) -> None:
        """A progress line on stderr: ``[1.2s] message`` (see the module docstring)."""
        if not self.progress:
            return
        now = time.monotonic()
        if self.terminal:
            self._close_stage(now)
            self._echo(f"\r\x1b[K[{now - self._started:5.1f}s] {message} ...", nl=False)
            self._stage = (message, now)
            self._shown = (-1, -1)
        else:
            self._echo(f"[{now - self._started:5.1f}s] {message}")

    def advance(self, done: int, total: int) -> None:
        """On a terminal: rewrite the running stage's line with ``done/total``; a no-op elsewhere.

        The line is redrawn when the percentage moves (at most about 100 times a stage)
        and at the end, so counting costs nothing noticeable.
        """
        if not self.counting or self._stage is None or total <= 0:
            return
        percent = done * 100 // total
        if done == self._shown[1] or (percent == self._shown[0] and done < total):
            return  # nothing new to show
        self._shown = (percent, done)
        message, began = self._stage
        self._echo(
            f"\r\x1b[K[{began - self._started:5.1f}s] {message} ... {done}/{total}", nl=False
        )

    def _close_stage(self, now: float) -> None:
        """On a terminal: replace the running stage's line with its final form and duration."""
        if self._stage is not None:
            message, began = self._stage
            self._echo(f"\r\x1b[K[{began - self._started:5.1f}s] {message} ({now - began:.1f}s)")
            self._stage = None

    def _echo(self, line: str, nl: bool = True) -> None:
        """A progress line on :attr:`stream` (stderr by default)."""
        click.echo(line, file=self.stream, err=True, nl=nl)

    @contextlib.contextmanager
    def listening(self) -> Iterator[None]:
        """Show the stages the pipeline announces (:func:`stage`) while the block runs."""
        token = _LISTENER.set(self)
        try:
            yield
        finally:
            _LISTENER.reset(token)
            self._close_stage(time.monotonic())

    def status(self, message: str) -> None:
        """A result line (suppressed by ``--quiet``): stdout, or stderr with ``--format json``."""
        self._close_stage(time.monotonic())
        if not self.quiet:
            click.echo(message, err=self.output_format == "json")

    def status_err(self, message: str) -> None:
        """An explanation that belongs with the diagnostics: always on stderr, even when quiet."""
        self._close_stage(time.monotonic())
        if not self.silent:
            click.echo(message, err=True)

    def diagnostics(self, items: Iterable[Diagnostic]) -> None:
        """Report diagnostics, sorted by file and line: printed now as text, or kept for the JSON array."""
        items = sorted_diagnostics(items)
        self.collected.extend(items)
        if self.echo_diagnostics and self.output_format != "json":
            self._close_stage(time.monotonic())
            for item in items:
                if not (self.quiet and item.severity is Severity.INFO):
                    click.echo(item.render(), err=True)

    def finish(self) -> None:
        """Print the JSON array of every diagnostic on stdout (``--format json``); a no-op for text."""
        self._close_stage(time.monotonic())
        if self.echo_diagnostics and self.output_format == "json":
            click.echo(render_json(self.collected))
            self.collected = []
