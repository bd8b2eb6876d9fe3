"""How the generate, check and watch commands talk to people.

Contract: results (``<target>: up to date``, what was written) go to stdout
unless quiet. Diagnostics always go to stderr: as text lines the moment they
are reported, or with ``--format json`` as one JSON array when the command
finishes (:meth:`Reporter.finish`), so CI can parse it. Progress lines (a stage
and its elapsed time) go to stderr only when stderr is a terminal and the
command is not quiet; pipes and CI logs stay clean.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

import click

from generator.diagnostics import Diagnostic, render_json


@dataclass
class Reporter:
    """Prints status, progress and diagnostics for one command run.

    Attributes:
        output_format: ``"text"`` or ``"json"`` (diagnostics only).
        quiet: no status or progress lines; diagnostics are still printed.
        progress: show stage lines; None means "when stderr is a terminal".
        echo_diagnostics: print diagnostics; False only keeps them in ``collected``
            (the build hook raises them in its error instead).
    """

    output_format: str = "text"
    quiet: bool = False
    progress: bool | None = None
    echo_diagnostics: bool = True
    collected: list[Diagnostic] = field(default_factory=list)
    _started: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        if self.progress is None:
            self.progress = not self.quiet and sys.stderr.isatty()

    def stage(self, message: str) -> None:
        """A progress line on a terminal: ``[1.2s] message``."""
        if self.progress:
            elapsed = time.monotonic() - self._started
            click.echo(f"[{elapsed:5.1f}s] {message}", err=True)

    def status(self, message: str) -> None:
        """A result line on stdout (suppressed by ``--quiet``)."""
        if not self.quiet:
            click.echo(message)

    def diagnostics(self, items: Iterable[Diagnostic]) -> None:
        """Report diagnostics: printed now as text, or kept for the final JSON array."""
        items = list(items)
        self.collected.extend(items)
        if self.echo_diagnostics and self.output_format != "json":
            for item in items:
                click.echo(item.render(), err=True)

    def finish(self) -> None:
        """Print the JSON array of every diagnostic (``--format json``); a no-op for text."""
        if self.echo_diagnostics and self.output_format == "json":
            click.echo(render_json(self.collected), err=True)
            self.collected = []
