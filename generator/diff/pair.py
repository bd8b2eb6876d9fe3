"""The two sides of a diff and the one way rules record what they find."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from apiforge.diagnostics import SpecLocation
from apiforge.diff.flow import MODEL_FORMATS, Shift, levels, type_shift
from apiforge.diff.model import AUDIENCES, Audience, Change, Level
from apiforge.diff.snapshot import Direction, Snapshot
from apiforge.ir.model import TypeRef


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

    @cached_property
    def moved(self) -> dict[str, str]:
        """Component keys whose schema text moved, unchanged, to one new key: old key -> new key.

        The models are the same (under the new key's class name), so a type that refers
        to one is the same type, not another one.
        """
        old, new = self.old.api.schemas, self.new.api.schemas
        gone = [key for key in old if key not in new]
        if not gone:
            return {}
        texts: dict[str, list[str]] = {}
        for key in gone:
            texts.setdefault(_text(self.old.schemas.get(key)), []).append(key)
        for key in new:
            if key not in old:
                texts.setdefault(_text(self.new.schemas.get(key)), []).append(key)
        pairs = (keys for keys in texts.values() if len(keys) == 2)
        return {a: b for a, b in pairs if a not in new and b not in old}

    def type_shift(
        self, old: TypeRef, new: TypeRef, typed: frozenset[str] = MODEL_FORMATS
    ) -> Shift | None:
        """:func:`~apiforge.diff.flow.type_shift`, a moved component (:attr:`moved`) being itself."""
        shift = type_shift(old, new, typed)
        if shift is None or not self.moved:
            return shift
        return type_shift(self.as_new(old), new, typed)

    def as_new(self, ref: TypeRef) -> TypeRef:
        """``ref`` (from the old side) with each moved component under its new key."""
        item = self.as_new(ref.item) if ref.item is not None else None
        model = self.moved.get(ref.model or "", ref.model)
        return (
            ref if (item, model) == (ref.item, ref.model) else replace(ref, item=item, model=model)
        )

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


def _text(schema: dict[str, Any] | None) -> str:
    return json.dumps(schema, sort_keys=True, default=str)
