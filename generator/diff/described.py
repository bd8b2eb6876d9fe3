"""Component schemas the IR describes only in part, read the way the models render them.

The IR's summary of a component keeps what operations need: an allOf-composed
object has no properties there and a plain-type component no type, while the
models render the first as one class with every member's fields (``ir.shapes``
merges allOf, following $refs) and the second as a ``RootModel`` of its type.
Both are read here through a throwaway IR build of the schema alone, the components
it refers to standing in as empty schemas (so its references keep their keys and
compare like any other).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from apiforge.diagnostics import Sink
from apiforge.diff.snapshot import Snapshot, schema_refs
from apiforge.ir.build import build
from apiforge.ir.model import Schema, TypeRef
from apiforge.ir.nested import component_key
from apiforge.ir.shapes import build_shapes

_HOLDER = "_apiforge_diff_holder"


def _described(schema: dict[str, Any], openapi: str) -> Schema | None:
    """The IR's summary of ``schema`` as a component of its own, read as OpenAPI ``openapi``
    reads it (the spec's version: the IR hoists a nullable reference as each version spells
    it); None when it does not build."""
    stand_ins: dict[str, Any] = {key: {} for key in schema_refs(schema)}
    document = {
        "openapi": openapi,
        "info": {"title": "described", "version": "0"},
        "paths": {},
        "components": {"schemas": {**stand_ins, _HOLDER: schema}},
    }
    try:
        api, _ = build(document, Sink(), "described")
    except (ValueError, TypeError, KeyError):
        return None
    return api.schemas.get(_HOLDER)


def alias_type(schema: dict[str, Any], openapi: str) -> TypeRef | None:
    """The type a plain-type component's ``RootModel`` holds: as the IR reads a property's
    (in a spec of version ``openapi``)."""
    holder = _described({"type": "object", "properties": {"value": schema}}, openapi)
    found = holder.properties if holder is not None else ()
    return found[0].type if len(found) == 1 else None


def merge_inputs(side: Snapshot, key: str) -> dict[str, Any]:
    """The raw schemas a component's model is made of: its own and, for an allOf-composed one,
    every component the merge follows (``$ref``'d allOf members, at any depth), by key.

    An edit of any of them edits the model: ``Dog`` (allOf ``Pet``) has the fields of ``Pet``.
    """
    raw = side.schemas.get(key)
    subset = {key: raw}
    todo = [raw] if isinstance(raw, dict) and "allOf" in raw else []
    while todo:
        for member in todo.pop().get("allOf") or ():
            ref = member.get("$ref") if isinstance(member, dict) else None
            target = component_key(ref) if isinstance(ref, str) else None
            if target is not None and target not in subset:
                found = side.schemas.get(target)
                if isinstance(found, dict):
                    subset[target] = found
                    todo.append(found)
            elif isinstance(member, dict) and ref is None:
                todo.append(member)
    return subset


def merging(side: Snapshot, keys: set[str]) -> set[str]:
    """The allOf-composed components (``keys`` aside) whose model merges any of ``keys``."""
    return {
        key
        for key, raw in side.schemas.items()
        if key not in keys
        and isinstance(raw, dict)
        and "allOf" in raw
        and not keys.isdisjoint(merge_inputs(side, key))
    }


def merged(side: Snapshot, key: str) -> tuple[Schema, dict[str, Any]] | None:
    """An allOf-composed component as its model: (IR schema with every member's fields, the
    merged raw schema); None for any other component, or one whose merge is no object."""
    raw = side.schemas.get(key)
    if not isinstance(raw, dict) or "allOf" not in raw:
        return None
    subset = merge_inputs(side, key)
    where = side.api.schemas[key].spec_location
    shape = build_shapes(subset, dict.fromkeys(subset, where), Sink())[key]
    if shape.kind != "object":
        return None
    described = _described(shape.schema, side.openapi)
    if described is None:
        return None
    return replace(side.api.schemas[key], kind="object", properties=described.properties), (
        shape.schema
    )
