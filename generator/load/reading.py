"""What the spec readers share: their limits, their result, and the reporter that locates problems.

:mod:`apiforge.load.source` reads a file and hands its text to a reader
(:mod:`apiforge.load.json_reader`, :mod:`apiforge.load.yaml_reader`); the readers
return a :class:`Parsed` and a :class:`Positions` finder, and report through a
:class:`Reporter`. Kept apart so that the readers need nothing from ``source``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from apiforge.diagnostics import Severity, Sink, SpecLocation


class Positions(Protocol):
    """Finds where a JSON pointer sits in one file's text."""

    def position(self, pointer: str) -> tuple[int, int] | None:
        """1-based (line, column) of the deepest existing node on ``pointer``'s path."""
        ...


@dataclass(frozen=True)
class Limits:
    """The safety limits a reader enforces (see ``LoadOptions``)."""

    max_file_bytes: int
    max_depth: int
    max_nodes: int


@dataclass
class Parsed:
    """What a reader hands back: the data and every mapping that has a string ``$ref``."""

    data: Any
    ref_holders: list[dict[str, Any]] = field(default_factory=list)
    marked: list[dict[str, Any]] | None = None
    """What ``validation.check_defaults`` returns for ``data`` (then with nothing to report),
    when the reader found it; else None."""


@dataclass
class SourceFile:
    """One file (or URL) that was read while loading a spec."""

    location: str
    """Absolute path or URL; the identity used to resolve relative $refs."""
    display: str
    """The name diagnostics use for this file."""
    sha256: str
    data: Any
    ref_holders: list[dict[str, Any]]
    positions: Positions
    escapes: bool = True
    """Whether the text holds a ``\\u``/``\\U`` escape: strict decoding yields no lone
    surrogate, so without one the data cannot hold one either."""
    marked: list[dict[str, Any]] | None = None
    """``Parsed.marked``: valid for ``data`` as read (before bundling or conversion)."""

    def locate(self, pointer: str) -> SpecLocation:
        """A location in this file with line and column filled in (best effort)."""
        found = self.positions.position(pointer)
        line, column = found if found is not None else (None, None)
        return SpecLocation(self.display, pointer, line, column)


class Reporter:
    """Records diagnostics at (file, pointer), resolving line and column at once."""

    def __init__(self, sink: Sink) -> None:
        self.sink = sink
        self.files: dict[str, SourceFile] = {}

    def add(self, source: SourceFile) -> None:
        """Make a file's positions available for later diagnostics."""
        self.files[source.display] = source

    def locate(self, file: str, pointer: str) -> SpecLocation:
        """The located position of ``pointer`` in the file shown as ``file``."""
        source = self.files.get(file)
        return source.locate(pointer) if source else SpecLocation(file, pointer)

    def report(self, severity: Severity, code: str, message: str, file: str, pointer: str) -> None:
        """Record one diagnostic at ``pointer`` in ``file``."""
        self.sink.report(code, severity, message, self.locate(file, pointer))

    def error(self, code: str, message: str, file: str, pointer: str = "") -> None:
        """Record an error at ``pointer`` in ``file``."""
        self.report(Severity.ERROR, code, message, file, pointer)

    def warning(self, code: str, message: str, file: str, pointer: str = "") -> None:
        """Record a warning at ``pointer`` in ``file``."""
        self.report(Severity.WARNING, code, message, file, pointer)

    def at(self, severity: Severity, code: str, message: str, location: SpecLocation) -> None:
        """Record a diagnostic whose location is already known."""
        self.sink.report(code, severity, message, location)
