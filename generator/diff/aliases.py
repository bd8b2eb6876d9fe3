"""Plain-type components (``Code: {type: string}``, ``Tags: {type: array, ...}``): their type.

The IR names such a component by its key alone, while the models render it as a
``RootModel`` of its type (``class Code(RootModel[str])``), so an edit of that type
reaches every field and body that refers to it. The type is read the way the IR
reads a property's: the component's schema becomes the one property of a throwaway
object, built on its own, with the components it refers to standing in as empty
schemas (so its references keep their keys and compare like any other).
"""

from __future__ import annotations

from typing import Any

from apiforge.diagnostics import GenerationFailed, Sink
from apiforge.diff.model import Audience, Level
from apiforge.diff.pair import Pair, both, flow_levels
from apiforge.diff.snapshot import Direction, schema_refs
from apiforge.ir.build import build
from apiforge.ir.model import TypeRef

_HOLDER = "_apiforge_diff_alias"
_COMBINERS = frozenset({"allOf", "oneOf", "anyOf"})


def alias_type(schema: dict[str, Any]) -> TypeRef | None:
    """The TypeRef the IR gives ``schema`` as a property; None when it does not build."""
    holder = {"type": "object", "properties": {"value": schema}}
    stand_ins: dict[str, Any] = {key: {} for key in schema_refs(schema)}
    document = {
        "openapi": "3.1.0",
        "info": {"title": "alias", "version": "0"},
        "paths": {},
        "components": {"schemas": {**stand_ins, _HOLDER: holder}},
    }
    try:
        api, _ = build(document, Sink(), "alias")
    except (GenerationFailed, ValueError, TypeError, KeyError):
        return None
    described = api.schemas.get(_HOLDER)
    found = described.properties if described is not None else ()
    return found[0].type if len(found) == 1 else None


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
    old, new = (alias_type(raw) for raw in raws)
    if old is None or new is None:
        return
    shift = pair.type_shift(old, new)
    if shift is None:
        return
    pair.emit(
        f"model-type-{shift.value}",
        flow_levels(directions, shift, Level.BREAKING),
        {
            a: f"{name}: its type is {shift.value} (a RootModel of another type)" + used[a]
            for a in used
        },
        both(name),
        *where,
    )
