"""The two sides of a diff and the one way rules record what they find."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from apiforge.diagnostics import SpecLocation
from apiforge.diff.flow import Shift, levels
from apiforge.diff.model import AUDIENCES, Audience, Change, Level
from apiforge.diff.snapshot import Direction, Snapshot


def flow_levels(
    directions: Iterable[Direction], shift: Shift, hurt: Level
) -> dict[Audience, Level]:
    """:func:`~apiforge.diff.flow.levels` over every direction data travels in, worst per audience;
    compatible for both when it travels in none (a model no operation uses, a readOnly field
    of a request-only model): the change moves no data."""
    result: dict[Audience, Level] = {a: Level.COMPATIBLE for a in AUDIENCES}
    for direction in directions:
        for audience, level in levels(direction, shift, hurt).items():
            if level.rank > result[audience].rank:
                result[audience] = level
    return result


def both(symbol: str) -> dict[Audience, str]:
    """The same symbol for both audiences (a model or a field, spelt alike on each side)."""
    return {a: symbol for a in AUDIENCES}


def same(level: Level) -> dict[Audience, Level]:
    """The same level for both audiences."""
    return {a: level for a in AUDIENCES}


@dataclass
class Pair:
    """Old and new snapshot, and the changes found so far."""

    old: Snapshot
    new: Snapshot
    changes: list[Change] = field(default_factory=list)

    def emit(
        self,
        rule: str,
        by_audience: dict[Audience, Level],
        message: str | dict[Audience, str],
        symbol: dict[Audience, str],
        old: SpecLocation | None = None,
        new: SpecLocation | None = None,
        new_symbol: dict[Audience, str] | None = None,
    ) -> None:
        """Record one change per audience in ``by_audience`` (locations get their lines here)."""
        where_old, where_new = self.old.where(old), self.new.where(new)
        for audience, level in by_audience.items():
            text = message if isinstance(message, str) else message[audience]
            renamed = (new_symbol or {}).get(audience, "")
            self.changes.append(
                Change(rule, audience, level, text, symbol[audience], where_old, where_new, renamed)
            )
