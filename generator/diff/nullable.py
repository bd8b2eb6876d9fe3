"""A component that admits null itself, or no longer does: every reference to it follows.

``nullable: true`` on a component (3.1: ``type: [object, "null"]``) makes each model
field, array item and map value that refers to it ``Pet | None`` (a required field
included), and each operation use too (those are compared per operation, as body and
parameter types). The models that hold such fields are not edited themselves, so the
component's own rule says it once, weighed by the directions its data travels in.
"""

from __future__ import annotations

from typing import Any

from apiforge.diagnostics import SpecLocation
from apiforge.diff.flow import Shift
from apiforge.diff.model import Audience, Level
from apiforge.diff.pair import Pair, both, flow_levels
from apiforge.diff.snapshot import Direction
from apiforge.ir.model import Schema
from apiforge.ir.schemas import is_nullable

# An alias or union component admits null inside its RootModel (the model-type rules').
_REFERRED_AS_ITSELF = frozenset({"object", "enum"})


def compare(
    pair: Pair,
    name: str,
    schemas: tuple[Schema, Schema],
    raws: tuple[dict[str, Any], dict[str, Any]],
    directions: list[Direction],
    used: dict[Audience, str],
    where: tuple[SpecLocation, SpecLocation],
) -> None:
    """``model-made-nullable`` / ``-non-nullable`` when the component's own null moved."""
    if not {s.kind for s in schemas} <= _REFERRED_AS_ITSELF:
        return
    was, now = (is_nullable(raw) for raw in raws)
    if was == now:
        return
    pair.emit(
        "model-made-nullable" if now else "model-made-non-nullable",
        flow_levels(directions, Shift.WIDER if now else Shift.NARROWER, Level.BREAKING),
        {
            audience: (
                "now nullable: every field, item and use that refers to it admits None "
                "(code reading one must handle it)"
                if now
                else "no longer nullable: the fields, items and uses that refer to it no "
                "longer admit None"
            )
            + suffix
            for audience, suffix in used.items()
        },
        both(name),
        *where,
    )
