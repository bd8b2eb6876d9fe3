"""Plain-type components (``Code: {type: string}``, ``Tags: {type: array, ...}``): their type.

The models render one as a ``RootModel`` of its type (``class Code(RootModel[str])``),
so an edit of that type reaches every field and body that refers to it; the IR
names it by key alone, so its type is read by :func:`~apiforge.diff.described.alias_type`.
"""

from __future__ import annotations

from typing import Any

from apiforge.diff.described import alias_type
from apiforge.diff.model import Audience, Level
from apiforge.diff.pair import Pair, both, flow_levels
from apiforge.diff.snapshot import Direction

_COMBINERS = frozenset({"allOf", "oneOf", "anyOf"})


def compare(
    pair: Pair,
    name: str,
    raws: tuple[dict[str, Any], dict[str, Any]],
    directions: list[Direction],
    used: dict[Audience, str],
    where: tuple[Any, Any],
) -> None:
    """``model-type-*``: a plain-type component's type widened, narrowed or changed (a union
    or an allOf is the composition rule's: the IR reads it as any type)."""
    if any(_COMBINERS & raw.keys() for raw in raws):
        return
    old, new = (alias_type(raw, side.openapi) for raw, side in zip(raws, (pair.old, pair.new)))
    if old is None or new is None:
        return
    shift = pair.type_shift(old, new)
    if shift is None:
        return
    pair.emit(
        f"model-type-{shift.value}",
        flow_levels(directions, shift, Level.BREAKING),
        {a: f"its type is {shift.value} (a RootModel of another type)" + used[a] for a in used},
        both(name),
        *where,
    )
