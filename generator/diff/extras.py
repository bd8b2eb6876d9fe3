"""An object's extra keys (``additionalProperties`` beside ``properties``, or alone): their type.

The models type the values of keys the schema does not list: ``__pydantic_extra__:
dict[str, int]`` on a class with fields, ``RootModel[dict[str, int]]`` on a map alone.
Another value type is a type change of that data, weighed like a field's
(``additionalProperties: false`` added or dropped is the constraint rule's).
"""

from __future__ import annotations

from typing import Any

from apiforge.diff.described import alias_type
from apiforge.diff.model import Audience, Level
from apiforge.diff.pair import Pair, both, flow_levels
from apiforge.diff.snapshot import Direction
from apiforge.ir.model import TypeRef

_ANY = TypeRef("any")


def compare(
    pair: Pair,
    name: str,
    raws: tuple[dict[str, Any], dict[str, Any]],
    directions: list[Direction],
    used: dict[Audience, str],
    where: tuple[Any, Any],
) -> None:
    """``additional-properties-type-*``: the extra values' type widened, narrowed or changed."""
    old, new = (_values(raw, side.openapi) for raw, side in zip(raws, (pair.old, pair.new)))
    if old is None or new is None:
        return
    shift = pair.type_shift(old, new)
    if shift is None:
        return
    pair.emit(
        f"additional-properties-type-{shift.value}",
        flow_levels(directions, shift, Level.BREAKING),
        {a: f"the type of extra keys' values is {shift.value}" + used[a] for a in used},
        both(name),
        *where,
    )


def _values(raw: dict[str, Any], openapi: str) -> TypeRef | None:
    """The type of an object's extra values (any when unspecified); None when it is closed."""
    extra = raw.get("additionalProperties", True)
    if extra is False:
        return None
    return alias_type(extra, openapi) if isinstance(extra, dict) else _ANY
