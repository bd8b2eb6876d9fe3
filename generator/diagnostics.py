"""Problems found in a spec, collected as values and reported together.

Every stage reports through a :class:`Sink` instead of raising on the first
problem. A :class:`Diagnostic` names a stable ``code``, a :class:`Severity`, a
message saying what was expected, and a :class:`SpecLocation` (file, JSON
pointer, and line/column once resolved). Warnings never stop generation; any
error stops it before anything is written (:class:`GenerationFailed`).
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace

from apiforge.load import jsonpointer


class Severity(str, enum.Enum):
    """How bad a problem is: errors stop generation, warnings do not (unless ``--strict``),
    information never does (``--strict`` included)."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class SpecLocation:
    """Where something sits in the spec: a file, a JSON pointer, and (when known) line/column.

    Lines and columns are 1-based. They are filled in lazily by the loader's
    locator, because computing them for every node would slow down the fast path.
    """

    file: str
    pointer: str = ""
    line: int | None = None
    column: int | None = None

    def child(self, *tokens: str | int) -> SpecLocation:
        """Return the location of a descendant, escaping each token as RFC 6901 says.

        Asked for every node the IR keeps, so the pointer is spelt here (as
        ``jsonpointer.join`` does) and the new location made without the frozen
        ``__init__``'s four ``object.__setattr__`` calls (same fields, same values).
        """
        pointer = self.pointer
        for token in tokens:
            text = token if token.__class__ is str else str(token)
            if "~" in text or "/" in text:  # rare: most tokens are kept as they are
                text = jsonpointer.escape(text)
            pointer = f"{pointer}/{text}"
        location = _new_location(SpecLocation)
        location.__dict__.update(file=self.file, pointer=pointer, line=None, column=None)
        return location

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where} #{self.pointer or '/'}" if self.pointer else where


_new_location = object.__new__  # SpecLocation.child fills the fields itself


@dataclass(frozen=True)
class Diagnostic:
    """One problem: a stable code, a severity, a message and where it is."""

    code: str
    severity: Severity
    message: str
    location: SpecLocation

    def render(self) -> str:
        """Format as ``file:line:col #/pointer: severity[code]: message``, terminal-safe.

        Names and messages come from the spec: control characters (ESC sequences,
        carriage returns, NULs) are shown escaped so a spec cannot drive the terminal.
        """
        return _printable(f"{self.location}: {self.severity.value}[{self.code}]: {self.message}")

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready form for ``--format json`` and CI annotations."""
        loc = self.location
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "file": loc.file,
            "line": loc.line,
            "column": loc.column,
            "pointer": loc.pointer,
        }


def _printable(text: str) -> str:
    """``text`` with every non-printable character written as a Python escape."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


Locator = Callable[[SpecLocation], SpecLocation]
"""Resolves a location's line and column (the loader provides one per spec)."""


@dataclass
class Sink:
    """Collects diagnostics from every stage, in the order they are reported."""

    items: list[Diagnostic] = field(default_factory=list)
    locator: Locator | None = None
    reads: set[str] = field(default_factory=set)
    """Absolute paths of the local files the run read or tried to read (for ``apiforge watch``)."""
    ignored: frozenset[str] = frozenset()
    """Warning and information codes the user chose not to see (``ignore-warnings``). They stay
    in :attr:`items`, which the caches replay, and are left out of :attr:`shown`,
    :attr:`warnings`, :attr:`infos` and ``strict``."""

    def report(self, code: str, severity: Severity, message: str, location: SpecLocation) -> None:
        """Record one diagnostic, resolving its line and column when a locator is set."""
        if self.locator is not None and location.line is None:
            location = self.locator(location)
        self.items.append(Diagnostic(code, severity, message, location))

    def error(self, code: str, message: str, location: SpecLocation) -> None:
        """Record an error (stops generation before anything is written)."""
        self.report(code, Severity.ERROR, message, location)

    def warning(self, code: str, message: str, location: SpecLocation) -> None:
        """Record a warning (generation goes on; ``--strict`` makes it an error)."""
        self.report(code, Severity.WARNING, message, location)

    def info(self, code: str, message: str, location: SpecLocation) -> None:
        """Record information (never stops generation, not even with ``--strict``)."""
        self.report(code, Severity.INFO, message, location)

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        """Add diagnostics that were collected elsewhere."""
        self.items.extend(diagnostics)

    def relocate(self, locator: Locator) -> None:
        """Resolve lines for diagnostics reported before the locator was known."""
        self.locator = locator
        self.items = [
            d if d.location.line is not None else replace(d, location=locator(d.location))
            for d in self.items
        ]

    @property
    def shown(self) -> list[Diagnostic]:
        """What the user sees: every diagnostic but the ignored warnings and information."""
        if not self.ignored:
            return self.items
        return [d for d in self.items if d.severity is Severity.ERROR or d.code not in self.ignored]

    @property
    def errors(self) -> list[Diagnostic]:
        """The diagnostics that stop generation."""
        return [d for d in self.items if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        """The warnings not ignored (they do not stop generation unless ``strict``)."""
        return [d for d in self.shown if d.severity is Severity.WARNING]

    @property
    def infos(self) -> list[Diagnostic]:
        """The information not ignored."""
        return [d for d in self.shown if d.severity is Severity.INFO]

    def has_errors(self, strict: bool = False) -> bool:
        """True when generation must stop; with ``strict`` warnings count too."""
        return bool(self.errors or (strict and self.warnings))

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def strict_failures(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Warnings as ``--strict`` reports them: errors whose message says the flag made them so."""
    return [
        replace(
            d,
            severity=Severity.ERROR,
            message=f"{d.message} (a warning; --strict makes it an error)",
        )
        if d.severity is Severity.WARNING
        else d
        for d in diagnostics
    ]


def sorted_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Diagnostics by file, then line and column (unlocated ones first in their file), then code.

    The sort is stable, so diagnostics at the same place keep the order they were reported in.
    """

    def key(d: Diagnostic) -> tuple[str, int, int]:
        return (d.location.file, d.location.line or 0, d.location.column or 0)

    return sorted(diagnostics, key=key)


class GenerationFailed(Exception):
    """Raised by the pipeline when the sink holds errors; carries every diagnostic."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        errors = sum(d.severity is Severity.ERROR for d in diagnostics)
        super().__init__(f"{errors} error(s) in the spec")


class DiagnosticsError(Exception):
    """A library call (``apiforge.generate``, ``check``, ``validate``) failed.

    ``str(error)`` is a one-line summary; :attr:`diagnostics` says why, in report
    order (render them with :func:`render_text` or :func:`render_json`).
    """

    def __init__(self, summary: str, diagnostics: Iterable[Diagnostic] = ()) -> None:
        self.diagnostics = list(diagnostics)
        super().__init__(summary)


def counted(count: int, noun: str) -> str:
    """``1 warning``, ``2 warnings``: a count with its noun, for summaries and stage lines."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def render_text(diagnostics: Iterable[Diagnostic]) -> str:
    """All diagnostics as text, one per line, in report order."""
    return "\n".join(d.render() for d in diagnostics)


def render_json(diagnostics: Iterable[Diagnostic]) -> str:
    """All diagnostics as a JSON array."""
    return json.dumps([d.as_dict() for d in diagnostics], indent=2)
