"""Schema -> TypeRef conversion, hoisting inline schemas into named components.

Operations may only refer to primitives, containers or named component schemas.
An inline schema that needs a class of its own (an object with properties, an
enum, a composition) is *hoisted*: it gets a deterministic name derived from
where it appears, identical inline schemas share one name, and the models stage
renders it like any component. A component's summary (its properties' types) is
``ir/summaries.py``'s.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field, replace
from typing import Any

from apiforge.diagnostics import Sink, SpecLocation
from apiforge.ir.keywords import check_keywords
from apiforge.ir.model import TypeRef, validation_keywords
from apiforge.ir.nested import Nester, component_key
from apiforge.load import jsonpointer
from apiforge.load.refs import target_pointer
from apiforge.naming.words import class_name

PRIMITIVES = {"string", "integer", "number", "boolean"}
_NEEDS_CLASS = (
    "enum",
    "const",
    "properties",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "patternProperties",
)
COMBINERS = frozenset(("allOf", "anyOf", "oneOf"))
# A schema with a primitive ``type`` and none of these is that primitive (see :meth:`type_at`).
_CLASS_KEYS = frozenset(_NEEDS_CLASS)
_DECORATION = {
    "description",
    "title",
    "readOnly",
    "writeOnly",
    "nullable",
    "default",
    "example",
    "examples",
    "deprecated",
    "externalDocs",
    "xml",
}


def is_nullable(schema: dict[str, Any]) -> bool:
    """OpenAPI 3.0 ``nullable`` or 3.1 ``type: [..., "null"]``."""
    kind = schema.get("type")
    return schema.get("nullable") is True or (isinstance(kind, list) and "null" in kind)


def non_null_types(schema: dict[str, Any]) -> list[str]:
    kind = schema.get("type")
    if isinstance(kind, list):
        return [k for k in kind if k != "null" and isinstance(k, str)]
    return [kind] if isinstance(kind, str) else []


def _literal(schema: dict[str, Any]) -> str | int | bool | None:
    """The value of a plain ``const`` schema (a string, integer or boolean), else None."""
    value = schema.get("const")
    if (
        "const" not in schema
        or not isinstance(value, (str, int, bool))
        or set(schema) & set(_NEEDS_CLASS) - {"const"}
    ):
        return None
    return value


def null_only(schema: Any) -> bool:
    """Whether a schema admits only null (``type: null`` or ``enum: [null]``)."""
    return isinstance(schema, dict) and (
        schema.get("type") == "null" or schema.get("enum") == [None]
    )


def single_member(schema: dict[str, Any]) -> Any:
    """``allOf: [X]`` or ``anyOf/oneOf: [X, null]`` with nothing else is just X (else None);
    whether the wrapper admits null is :func:`admits_null`'s."""
    if COMBINERS.isdisjoint(schema) or set(schema) - _DECORATION - {
        "allOf",
        "anyOf",
        "oneOf",
        "type",
    }:
        return None
    for key in ("allOf", "anyOf", "oneOf"):
        members = schema.get(key)
        if not isinstance(members, list) or len(schema.keys() & {"allOf", "anyOf", "oneOf"}) != 1:
            continue
        real = [m for m in members if not null_only(m)]
        if len(real) == 1 and (key == "allOf" or len(members) <= 2) and "type" not in schema:
            return real[0]
    return None


def admits_null(schema: dict[str, Any]) -> bool:
    """Whether a schema admits null itself: :func:`is_nullable`, or a member of its allOf,
    anyOf or oneOf that is only null (``anyOf: [$ref, {type: null}]``, as 3.1 spells a
    nullable reference; 3.0's is ``allOf: [$ref]`` + ``nullable: true``)."""
    if is_nullable(schema):
        return True
    for key in COMBINERS & schema.keys():
        members = schema[key]
        if isinstance(members, list) and any(null_only(m) for m in members):
            return True
    return False


@dataclass
class SchemaRegistry:
    """Component schemas (given and hoisted) and the conversion of schemas into TypeRefs."""

    document: dict[str, Any]
    sink: Sink
    file: str
    schemas: dict[str, dict[str, Any]] = field(default_factory=dict)
    locations: dict[str, SpecLocation] = field(default_factory=dict)
    _by_content: dict[str, str] = field(default_factory=dict)
    _taken: set[str] = field(default_factory=set)
    # TypeRefs without item or values by (kind, model, format, nullable): one object per
    # value, as a TypeRef is frozen and compared by value (most types are a few primitives).
    _simple: dict[tuple[str, str | None, Any, bool], TypeRef] = field(default_factory=dict)
    # The TypeRef of a $ref to a component by (ref, nullable): what _type gives for its key.
    _refs: dict[tuple[str, bool], TypeRef] = field(default_factory=dict)
    # Whether the component a $ref names admits null itself, by the $ref (see _used_ref).
    _admits_null: dict[str, bool] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # What every Nester shares (one per owner): hoisting without a check (the owner's
        # check covered its parts), and the version.
        self._hoist_checked = functools.partial(self.hoist, checked=True)
        self._openapi_31 = str(self.document.get("openapi", "")).startswith("3.1")
        components = self.document.get("components") or {}
        given = components.get("schemas") or {}
        base = SpecLocation(self.file, "/components/schemas")
        for key, schema in given.items():
            self.schemas[key] = schema if isinstance(schema, dict) else {}
            self.locations[key] = base.child(key)
            self._taken.add(class_name(key).lower())
        for key in list(given):
            check_keywords(self.sink, self.schemas[key], self.locations[key])
            self.schemas[key] = self._nester(key).parts(self.schemas[key], self.locations[key], key)

    def type_ref(
        self, kind: str, model: str | None = None, fmt: Any = None, nullable: bool = False
    ) -> TypeRef:
        """``TypeRef(kind, model, fmt, nullable=nullable)``, made once per value."""
        key = (kind, model, fmt, nullable)
        found = self._simple.get(key)
        if found is None:
            found = TypeRef(kind, model=model, format=fmt, nullable=nullable)  # type: ignore[arg-type]
            self._simple[key] = found
        return found

    def _nester(self, owner: str) -> Nester:
        return Nester(owner, self._hoist_checked, self._openapi_31)

    def type_of(self, schema: Any, location: SpecLocation, hint: str) -> TypeRef:
        """Convert a schema used by an operation into a TypeRef, hoisting when needed."""
        if not isinstance(schema, dict):
            return self.type_ref("any")
        nullable = is_nullable(schema)
        ref = schema.get("$ref")
        if isinstance(ref, str):
            found = self._used_ref(ref, nullable)
            if found is not None:
                return found
            target = self.resolve_pointer(ref)
            if target is None:
                self.sink.error("ref-not-found", f"$ref {ref!r} does not resolve", location)
                return self.type_ref("any")
            return self.type_of(target, location, hint)
        single = single_member(schema)
        if single is not None:
            inner = self.type_of(single, location, hint)
            # the wrapper's null (3.1's null member too) is the type's
            return (
                inner
                if inner.nullable or not admits_null(schema)
                else replace(inner, nullable=True)
            )
        literal = _literal(schema)
        if literal is not None:
            return TypeRef("literal", values=(literal,), nullable=nullable)
        if any(k in schema for k in _NEEDS_CLASS) or len(non_null_types(schema)) > 1:
            return self.type_ref("model", self.hoist(schema, location, hint), None, nullable)
        return self._plain(schema, location, hint, nullable)

    def type_at(
        self, schema: Any, base: SpecLocation, tokens: tuple[str | int, ...], hint: str
    ) -> TypeRef:
        """:meth:`type_of` at ``base.child(*tokens)``, spelt only when it is read (a component's
        ``$ref`` or a primitive, the usual schema of a body or parameter, reads no location)."""
        if schema.__class__ is dict:
            ref = schema.get("$ref")
            if ref.__class__ is str:
                found = self._used_ref(ref, is_nullable(schema))
                if found is not None:
                    return found
            else:
                kind = schema.get("type")
                if kind.__class__ is str and kind in PRIMITIVES and _CLASS_KEYS.isdisjoint(schema):
                    return self._primitive(schema, kind, schema.get("nullable") is True)
        return self.type_of(schema, base.child(*tokens), hint)

    def _used_ref(self, ref: str, nullable: bool) -> TypeRef | None:
        """:meth:`_model_ref` where an operation uses the component: one that admits null itself
        (``nullable: true`` on ``Pet``) makes the use admit null, as its class cannot hold one.
        (A model's property keeps the reference as written: the models stage sees the target.)"""
        if not nullable:
            admits = self._admits_null.get(ref)
            if admits is None:
                key = component_key(ref)
                target = self.schemas.get(key) if key is not None else None
                admits = self._admits_null[ref] = isinstance(target, dict) and is_nullable(target)
            nullable = admits
        return self.model_ref(ref, nullable)

    def model_ref(self, ref: str, nullable: bool) -> TypeRef | None:
        """The TypeRef of a ``$ref`` to a component (None for any other ``$ref``), made once per
        reference: a component, once known, stays known."""
        found = self._refs.get((ref, nullable))
        if found is None:
            key = component_key(ref)
            if key is None or key not in self.schemas:
                return None
            found = self._refs[ref, nullable] = self.type_ref("model", key, None, nullable)
        return found

    def _plain(
        self, schema: dict[str, Any], location: SpecLocation, hint: str, nullable: bool
    ) -> TypeRef:
        kinds = non_null_types(schema)
        kind = kinds[0] if kinds else None
        if kind in PRIMITIVES:
            return self._primitive(schema, kind, nullable)
        if kind == "array" or (kind is None and "items" in schema):
            items = schema.get("items", {})
            item = self.type_of(items, location.child("items"), hint + "Item")
            return TypeRef("array", item=_checked(item, items), nullable=nullable)
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict) and extra:
            value = self.type_of(extra, location.child("additionalProperties"), hint + "Value")
            return TypeRef("map", item=_checked(value, extra), nullable=nullable)
        if kind == "object":
            return TypeRef("map", item=self.type_ref("any"), nullable=nullable)
        if kind not in (None, "null"):
            self.sink.warning(
                "unknown-type", f"type {kind!r} is not a JSON Schema type; using Any", location
            )
        return self.type_ref("any", None, None, nullable)

    def _primitive(self, schema: dict[str, Any], kind: str, nullable: bool) -> TypeRef:
        """The TypeRef of a string, integer, number or boolean schema (``format: binary``: bytes)."""
        if kind == "string":
            fmt = schema.get("format")
            if fmt == "binary":
                return self.type_ref("binary", None, None, nullable)
            return self.type_ref("string", None, fmt if isinstance(fmt, str) else None, nullable)
        return self.type_ref(kind, None, None, nullable)

    def hoist(
        self, schema: dict[str, Any], location: SpecLocation, hint: str, checked: bool = False
    ) -> str:
        """Register an inline schema as a component; identical schemas share one name."""
        content = json.dumps(schema, sort_keys=True, default=str)
        existing = self._by_content.get(content)
        if existing is not None:
            return existing
        name: str = class_name(hint)
        candidate, n = name, 1
        while candidate.lower() in self._taken:
            n += 1
            candidate = f"{name}{n}"
        self._taken.add(candidate.lower())
        if not checked:
            check_keywords(self.sink, schema, location)
        self._by_content[content] = candidate
        self.locations[candidate] = location
        self.schemas[candidate] = schema
        self.schemas[candidate] = self._nester(candidate).parts(schema, location, candidate)
        return candidate

    def resolve_pointer(self, ref: str) -> Any:
        """Follow a local ``#/...`` pointer into the document."""
        if not ref.startswith("#"):
            return None
        node: Any = self.document
        for token in jsonpointer.split(target_pointer(ref)):
            if isinstance(node, dict) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                return None
        return node


def _checked(item: TypeRef, schema: Any) -> TypeRef:
    """An item (or map value) typed by its inline schema, with that schema's validation keywords
    (a component or hoisted class checks its own: only a primitive or container takes them)."""
    if item.kind in ("model", "literal", "any"):
        return item
    checks = validation_keywords(schema)
    return replace(item, checks=checks) if checks else item
