"""The report model: one :class:`Change` per effect on one audience, and semver advice.

A change is seen from one side of the generated API: ``client`` (code that calls
the generated client) or ``server`` (code that implements the generated server's
interfaces). The same spec edit often has a different weight on each side (a new
required response field is free for callers and a duty for implementers), so a
rule emits one change per audience it affects.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from apiforge.diagnostics import SpecLocation

Audience = Literal["client", "server"]
AUDIENCES: tuple[Audience, ...] = ("client", "server")


class Level(str, enum.Enum):
    """How a change affects code written against the previous generated package."""

    BREAKING = "breaking"
    POSSIBLY_BREAKING = "possibly breaking"
    COMPATIBLE = "compatible"

    @property
    def rank(self) -> int:
        """0 for compatible, 1 for possibly breaking, 2 for breaking."""
        return {"compatible": 0, "possibly breaking": 1, "breaking": 2}[self.value]


class Bump(str, enum.Enum):
    """A semantic version bump."""

    NONE = "none"
    PATCH = "patch"
    MINOR = "minor"
    MAJOR = "major"


@dataclass(frozen=True)
class Change:
    """One effect of a spec edit on one audience.

    Attributes:
        rule: stable identifier of the rule that found it (``parameter-removed``).
        audience: whose code it affects.
        level: breaking, possibly breaking or compatible.
        message: what changed, in Python terms where it can be.
        symbol: the Python symbol affected (``client.dashboards.list(limit=...)``).
        old: where the changed thing was in the old spec (None for additions).
        new: where it is in the new spec (None for removals).
        new_symbol: the symbol's new spelling when the rule is a rename.
    """

    rule: str
    audience: Audience
    level: Level
    message: str
    symbol: str
    old: SpecLocation | None = None
    new: SpecLocation | None = None
    new_symbol: str = ""

    def sort_key(self) -> tuple[int, str, str, str]:
        """Breaking first, then by symbol, rule and message (deterministic)."""
        return (-self.level.rank, self.symbol, self.rule, self.message)


@dataclass(frozen=True)
class Report:
    """Every change between two specs, with the packages each audience maps to.

    Attributes:
        old: the old spec as displayed.
        new: the new spec as displayed.
        changes: every change, sorted by :meth:`Change.sort_key` within each audience.
        packages: generated package name -> the audience it serves.
        documents_differ: the spec documents differ even where no rule fired
            (descriptions, examples): a patch release regenerates docstrings.
    """

    old: str
    new: str
    changes: tuple[Change, ...]
    packages: dict[str, Audience] = field(default_factory=dict)
    documents_differ: bool = False

    def for_audience(self, audience: Audience) -> tuple[Change, ...]:
        """The changes one audience sees, breaking first."""
        return tuple(
            sorted((c for c in self.changes if c.audience == audience), key=Change.sort_key)
        )

    def count(self, level: Level, audience: Audience | None = None) -> int:
        """How many changes have ``level`` (for one audience, or all)."""
        return sum(1 for c in self.changes if c.level is level and audience in (None, c.audience))

    def worst(self, audience: Audience | None = None) -> Level | None:
        """The most severe level among the changes (None when there are none)."""
        levels = [c.level for c in self.changes if audience in (None, c.audience)]
        return max(levels, key=lambda lv: lv.rank) if levels else None

    def bump(self, audience: Audience) -> Bump:
        """The semver bump a package serving ``audience`` needs.

        Breaking -> major; possibly breaking or compatible API changes -> minor
        (possibly breaking ones are reviewed, not assumed breaking); documents that
        differ without an API effect -> patch (docstrings change); else none.
        """
        worst = self.worst(audience)
        if worst is Level.BREAKING:
            return Bump.MAJOR
        if worst is not None:
            return Bump.MINOR
        return Bump.PATCH if self.documents_differ else Bump.NONE

    def summary(self) -> str:
        """``posthog_client: 2 breaking, 5 compatible; posthog_server: 1 possibly breaking``.

        Counted per package (per audience when no package is named), since one
        spec edit usually weighs differently on callers and on implementers.
        """
        sections = [(name, audience) for name, audience in sorted(self.packages.items())]
        parts = []
        for name, audience in sections or [(a, a) for a in AUDIENCES]:
            counts = [
                f"{self.count(level, audience)} {level.value}"
                for level in Level
                if self.count(level, audience)
            ]
            if counts:
                parts.append(f"{name}: {', '.join(counts)}")
        return "; ".join(parts) if parts else "no API changes"


def merge(changes: Iterable[Change]) -> tuple[Change, ...]:
    """Drop exact duplicates (two usages of one schema reporting the same effect), keep order."""
    seen: set[Change] = set()
    kept: list[Change] = []
    for change in changes:
        if change not in seen:
            seen.add(change)
            kept.append(change)
    return tuple(kept)
