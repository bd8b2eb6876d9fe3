"""A component that admits null itself, or no longer does: every reference to it follows.

``nullable: true`` on a component (3.1: ``type: [object, "null"]``) makes each model
field, array item and map value that refers to it ``Pet | None`` (a required field
included), and each operation use too (those are compared per operation, as body and
parameter types). The models that hold such fields are not edited themselves, so the
component's own rule says it once, weighed by the directions the models travel in whose
generated type changes: an optional field (``_Omittable[Pet]``, already ``Pet | None``
to its readers) changes none, a required one, an item or a union member does.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from apiforge.diagnostics import SpecLocation
from apiforge.diff.flow import Shift
from apiforge.diff.model import Audience, Level
from apiforge.diff.pair import Pair, both, flow_levels
from apiforge.diff.snapshot import Direction
from apiforge.ir.model import Schema
from apiforge.ir.nested import component_key
from apiforge.ir.schemas import is_nullable, single_member

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
    changed = _retyped_by(pair.new.schemas, schemas[1].key)
    moved = [d for referrer in changed for d in pair.new.usage.get(referrer, ())]
    if not changed:
        text = (
            "now nullable; no model field or item that refers to it changes type (an optional "
            "field is already None when left out; operations' uses are weighed on their own)"
            if now
            else "no longer nullable; no model field or item that refers to it changes type "
            "(an optional field is still None when left out; operations' uses are weighed on "
            "their own)"
        )
    else:
        text = (
            "now nullable: every field, item and use that refers to it admits None "
            "(code reading one must handle it)"
            if now
            else "no longer nullable: the fields, items and uses that refer to it no "
            "longer admit None"
        )
    pair.emit(
        "model-made-nullable" if now else "model-made-non-nullable",
        flow_levels(moved, Shift.WIDER if now else Shift.NARROWER, Level.BREAKING),
        {audience: text + suffix for audience, suffix in used.items()},
        both(name),
        *where,
    )


def _retyped_by(schemas: dict[str, dict[str, Any]], key: str) -> set[str]:
    """The components with a reference to ``key`` whose type its null changes (all but an
    optional property that is the reference, bare or wrapped: ``allOf: [$ref]``)."""
    return {
        referrer
        for referrer, schema in schemas.items()
        if referrer != key and any(True for _ in _typed_refs(schema, key))
    }


_DATA = frozenset({"enum", "const", "default", "example", "examples", "required"})


def _typed_refs(schema: Any, key: str) -> Iterator[None]:
    """One item per reference to ``key`` in ``schema`` whose spelt type admits the
    component's null (``Pet`` -> ``Pet | None``)."""
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        ref = node.get("$ref")
        if isinstance(ref, str) and component_key(ref) == key:
            yield None
        listed = node.get("required")
        required = listed if isinstance(listed, list) else []
        for name, value in node.items():
            if name in _DATA:
                continue
            if name == "properties" and isinstance(value, dict):
                stack.extend(
                    prop
                    for prop_name, prop in value.items()
                    if prop_name in required or not _bare_ref(prop, key)
                )
            elif isinstance(value, (dict, list)):
                stack.append(value)


def _bare_ref(schema: Any, key: str) -> bool:
    """The property is the reference itself (or a one-member wrapper of it)."""
    if not isinstance(schema, dict):
        return False
    inner = single_member(schema) if "$ref" not in schema else schema
    ref = inner.get("$ref") if isinstance(inner, dict) else None
    return isinstance(ref, str) and component_key(ref) == key
