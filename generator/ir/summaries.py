"""Component schemas -> their summaries in the IR (:class:`~apiforge.ir.model.Schema`).

A summary holds what operations and the views read of a component: its kind, its
enum values and its properties, each typed *shallowly*: nothing nested is hoisted
(the models stage reads the schema itself), so an inline object is a map of its
values' type and a composition of several members is any type. Whether a property
admits null is kept as the models spell it (``X | None``): ``nullable``, a ``null``
type, and a wrapper of one member that admits null (``allOf: [$ref]`` + ``nullable:
true``, how 3.0 spells a nullable reference; ``anyOf: [$ref, {type: null}]``, 3.1's).
A bare ``$ref`` is kept as written: a nullable component admits null through its class.
An ``allOf`` is merged as the models merge it (``ir.shapes``): a composed object lists
every member's properties, so a form or multipart body of one is taken apart by field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from apiforge.diagnostics import Sink
from apiforge.ir.model import Property, Schema, SchemaKind, TypeRef
from apiforge.ir.schemas import (
    COMBINERS,
    PRIMITIVES,
    SchemaRegistry,
    admits_null,
    is_nullable,
    non_null_types,
    single_member,
)
from apiforge.ir.shapes import AllOfMerger


def describe(registry: SchemaRegistry) -> dict[str, Schema]:
    """Summaries of every component of ``registry`` (given and hoisted) for the views."""
    summaries = Summaries(registry)
    return {key: summaries.summary(key, schema) for key, schema in registry.schemas.items()}


@dataclass
class Summaries:
    """The summaries of one registry's components: arrays, maps and Properties are made once
    per value (each cache holds what its key's id names, so no id is reused)."""

    registry: SchemaRegistry
    _arrays: dict[tuple[int, bool], TypeRef] = field(default_factory=dict)  # (item's id, nullable)
    _maps: dict[tuple[int, bool], TypeRef] = field(default_factory=dict)  # (value's id, nullable)
    _properties: dict[tuple[str, int, bool], Property] = field(default_factory=dict)

    def summary(self, key: str, schema: dict[str, Any]) -> Schema:
        """The summary of component ``key`` (an allOf merged: the shapes warn of the merge)."""
        if "allOf" in schema:
            merger = AllOfMerger(self.registry.schemas, Sink())
            schema = merger.flatten(schema, self.registry.locations[key], (key,))
        kind: SchemaKind = "alias"
        if "enum" in schema:
            kind = "enum"
        elif "properties" in schema or schema.get("type") == "object":
            kind = "object"
        props: list[Property] = []
        required = set(schema.get("required") or [])
        made = self._properties
        for name, prop in (schema.get("properties") or {}).items():
            found = self.shallow(prop)
            if name.__class__ is not str:  # (1 and True would share a key)
                props.append(Property(name, found, name in required))
                continue
            said = (name, id(found), name in required)
            known = made.get(said)
            if known is None:
                known = made[said] = Property(name, found, said[2])
            props.append(known)
        values = tuple(schema.get("enum") or ()) if kind == "enum" else ()
        description = schema.get("description")
        varnames = schema.get("x-enum-varnames") or schema.get("x-enumNames") or ()
        if not (
            isinstance(varnames, list)
            and len(varnames) == len(values)
            and all(isinstance(v, str) for v in varnames)
        ):
            varnames = ()
        ref = schema.get("$ref") if kind == "alias" else None
        target = self.registry.model_ref(ref, False) if isinstance(ref, str) else None
        return Schema(
            key,
            kind,
            tuple(props),
            values,
            self.registry.locations[key],
            description if isinstance(description, str) else "",
            tuple(varnames),
            target.model if target is not None else None,
        )

    def shallow(self, schema: Any) -> TypeRef:
        """A property's type without hoisting (nested inline schemas stay the models stage's job)."""
        if not isinstance(schema, dict):
            return self.registry.type_ref("any")
        ref = schema.get("$ref")
        if isinstance(ref, str):
            return self.registry.model_ref(ref, False) or self.registry.type_ref("any")
        kind = schema.get("type")
        if kind.__class__ is str and COMBINERS.isdisjoint(schema):  # most properties
            return self._typed(schema, kind)
        found = self._composed(schema)
        return self._nullable(found) if not found.nullable and admits_null(schema) else found

    def _composed(self, schema: dict[str, Any]) -> TypeRef:
        """:meth:`shallow` of a schema with a list of types or allOf/anyOf/oneOf (the null a
        wrapper admits is the caller's)."""
        type_ref = self.registry.type_ref
        single = single_member(schema)
        if single is not None:
            return self.shallow(single)
        kinds = non_null_types(schema)
        if kinds == ["array"]:
            return self._array(self.shallow(schema.get("items")), is_nullable(schema))
        if kinds == ["object"]:
            return self._map(schema, is_nullable(schema))
        if len(kinds) == 1 and kinds[0] in PRIMITIVES and "enum" not in schema:
            fmt = schema.get("format") if kinds[0] == "string" else None
            if fmt == "binary":
                return type_ref("binary", None, None, is_nullable(schema))
            return type_ref(
                kinds[0], None, fmt if isinstance(fmt, str) else None, is_nullable(schema)
            )
        return type_ref("any")

    def _typed(self, schema: dict[str, Any], kind: str) -> TypeRef:
        """:meth:`shallow` of a schema with one ``type`` (a str) and no allOf/anyOf/oneOf."""
        nullable = schema.get("nullable") is True
        if kind == "array":
            return self._array(self.shallow(schema.get("items")), nullable)
        if kind == "object":
            return self._map(schema, nullable)
        if kind not in PRIMITIVES or "enum" in schema:
            return self.registry.type_ref("any", None, None, nullable)
        fmt = schema.get("format") if kind == "string" else None
        if fmt == "binary":
            return self.registry.type_ref("binary", None, None, nullable)
        return self.registry.type_ref(kind, None, fmt if isinstance(fmt, str) else None, nullable)

    def _nullable(self, found: TypeRef) -> TypeRef:
        """``found`` admitting null, made once per value as ``found`` was."""
        if found.kind == "array" and found.item is not None:
            return self._array(found.item, True)
        if found.kind == "map" and found.item is not None:
            return self._map_of(found.item, True)
        return self.registry.type_ref(found.kind, found.model, found.format, True)

    def _map(self, schema: dict[str, Any], nullable: bool) -> TypeRef:
        """An object property left inline (no properties of its own): a map of its
        ``additionalProperties``' type, or of anything."""
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict) and extra:
            return self._map_of(self.shallow(extra), nullable)
        return self._map_of(self.registry.type_ref("any"), nullable)

    def _map_of(self, value: TypeRef, nullable: bool) -> TypeRef:
        """``TypeRef("map", item=value, nullable=nullable)``, made once per value type."""
        found = self._maps.get((id(value), nullable))
        if found is None:
            found = self._maps[id(value), nullable] = TypeRef("map", item=value, nullable=nullable)
        return found

    def _array(self, item: TypeRef, nullable: bool) -> TypeRef:
        """``TypeRef("array", item=item, nullable=nullable)``, made once per item."""
        found = self._arrays.get((id(item), nullable))
        if found is None:
            found = self._arrays[id(item), nullable] = TypeRef(
                "array", item=item, nullable=nullable
            )
        return found
