"""Component schemas -> shapes: what class each one becomes, with allOf merged.

The models stage renders one class per component (given or hoisted, see
``ir/schemas.py``). A shape says which kind of class (an enum, an object with
fields, a union, an alias of another type) and, for objects, the merged list of
properties: an ``allOf`` becomes one class holding every member's properties (a
property in several members merges their keywords; ``required`` is the union), so
no subclass can narrow an inherited field. A member closed by
``additionalProperties: false`` closes the merge: a property it does not list can
never be present, so it is left out (``property-never-allowed``) unless some member
requires it. Naming (field and member names) and the model views both read shapes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from apiforge.diagnostics import Sink, SpecLocation
from apiforge.ir.nested import component_key
from apiforge.load.jsonpointer import escape
from apiforge.load.spellings import spelling

ShapeKind = Literal["enum", "object", "union", "alias"]
Extra = Literal["ignore", "allow", "forbid"]
_T = TypeVar("_T")


class _Once(Generic[_T]):
    """``functools.cached_property`` without the lock Python 3.11 takes on every first read
    (the naming and models stages make thousands; no shape is shared between threads)."""

    def __init__(self, func: Callable[[Any], _T]) -> None:
        self.func = func
        self.name = func.__name__

    def __get__(self, instance: Any, owner: type | None = None) -> _T:
        value = instance.__dict__[self.name] = self.func(instance)  # read from there next time
        return value


@dataclass(frozen=True)
class Prop:
    """One property of an object shape, after the allOf merge."""

    name: str  # as on the wire
    schema: dict[str, Any]
    required: bool
    location: SpecLocation

    @property
    def read_only(self) -> bool:
        return self.schema.get("readOnly") is True

    @property
    def write_only(self) -> bool:
        return self.schema.get("writeOnly") is True


@dataclass(frozen=True)
class Shape:
    """The class one component schema becomes."""

    key: str
    kind: ShapeKind
    schema: dict[str, Any]  # the component's schema with its allOf merged
    extra: Extra
    location: SpecLocation

    @_Once
    def properties(self) -> tuple[Prop, ...]:
        """An object's properties (made when asked: most runs render a few classes only)."""
        props = self.schema.get("properties") if self.kind == "object" else None
        if not isinstance(props, dict):
            return ()
        listed = self.schema.get("required")
        required: list[Any] = listed if isinstance(listed, list) else []
        where = self.location.child("properties")  # each property's: this and its name, escaped
        return tuple(
            Prop(
                str(name),
                sub if isinstance(sub, dict) else {},
                name in required,
                SpecLocation(where.file, f"{where.pointer}/{escape(str(name))}"),
            )
            for name, sub in props.items()
        )

    @property
    def property_names(self) -> tuple[str, ...]:
        """The wire names of :attr:`properties`, without making them."""
        props = self.schema.get("properties") if self.kind == "object" else None
        return tuple(map(str, props)) if isinstance(props, dict) else ()

    @_Once
    def splits(self) -> bool:
        """Whether a property is readOnly or writeOnly (:func:`split_keys`), without making them
        (asked by the naming pass and by the models stage: made once)."""
        props = self.schema.get("properties") if self.kind == "object" else None
        if not isinstance(props, dict):
            return False
        for sub in props.values():
            if isinstance(sub, dict) and (
                sub.get("readOnly") is True or sub.get("writeOnly") is True
            ):
                return True
        return False

    @property
    def enum_values(self) -> tuple[Any, ...]:
        values = self.schema.get("enum")
        return tuple(values) if self.kind == "enum" and isinstance(values, list) else ()

    @property
    def description(self) -> str:
        text = self.schema.get("description")
        return text if isinstance(text, str) else ""

    @_Once
    def _scanned(self) -> tuple[frozenset[str], frozenset[str]]:
        refs, tags = _scan(self.schema)
        return frozenset(refs), frozenset(tags)

    @_Once
    def digest(self) -> bytes | None:
        """sha256 of the schema as marshal spells it (equal schemas alike, distinct ones apart,
        types and key order included), or None when marshal cannot spell a value in it
        (a component's spelling is often made already: :mod:`~apiforge.load.spellings`)."""
        spelt = spelling(self.schema)
        return None if spelt is None else hashlib.sha256(spelt).digest()

    def scanned_as(self, refs: frozenset[str], tags: frozenset[str]) -> None:
        """Take :attr:`refs` and :attr:`tags` as found for a schema of the same :attr:`digest`
        (``model_cache.known_refs``) instead of walking this one."""
        self.__dict__["_scanned"] = (refs, tags)

    @property
    def refs(self) -> frozenset[str]:
        """Every component a $ref inside the schema names (asked by naming and by the models)."""
        return self._scanned[0]

    @property
    def tags(self) -> frozenset[str]:
        """Every property a discriminator inside the schema names (read in the same walk as refs)."""
        return self._scanned[1]


def build_shapes(
    schemas: dict[str, dict[str, Any]], locations: dict[str, SpecLocation], sink: Sink
) -> dict[str, Shape]:
    """The shape of every component, in spec order."""
    merger = AllOfMerger(schemas, sink)
    return {
        key: _shape(
            key,
            _distinct_enum(merger.flatten(schema, locations[key], (key,)), locations[key], sink),
            locations[key],
        )
        for key, schema in schemas.items()
    }


def _distinct_enum(schema: dict[str, Any], location: SpecLocation, sink: Sink) -> dict[str, Any]:
    """The schema with each enum value listed once (a repeat would be a second member of one value)."""
    values = schema.get("enum")
    if not isinstance(values, list):
        return schema
    seen: set[str] = set()
    kept = []
    for value in values:
        identity = json.dumps(value, sort_keys=True, default=str)  # 1 and True stay apart
        if identity not in seen:
            seen.add(identity)
            kept.append(value)
    if len(kept) == len(values):
        return schema
    sink.warning(
        "enum-duplicate-value",
        "the enum lists a value more than once; it becomes one member",
        location.child("enum"),
    )
    return {**schema, "enum": kept}


def _shape(key: str, schema: dict[str, Any], location: SpecLocation) -> Shape:
    enum = schema.get("enum")
    props = schema.get("properties")
    extra_schema = schema.get("additionalProperties")
    kind: ShapeKind = "alias"
    if (
        isinstance(enum, list)
        and enum
        and "const" not in schema
        and not {"array", "object"} & set(_types(schema))
    ):
        kind = "enum"  # (an "enum" of an array or object type is typed by that type)
    elif isinstance(props, dict) and props:
        kind = "object"
    elif isinstance(schema.get("oneOf"), list) or isinstance(schema.get("anyOf"), list):
        kind = "union"
    elif schema.get("type") == "object" and (extra_schema is False or "allOf" in schema):
        kind = "object"
    extra: Extra = "ignore"
    if extra_schema is False:
        extra = "forbid"
    elif extra_schema is True or isinstance(extra_schema, dict):
        extra = "allow"
    return Shape(key, kind, schema, extra, location)


def _types(schema: dict[str, Any]) -> list[str]:
    kind = schema.get("type")
    return (
        [k for k in kind if isinstance(k, str)]
        if isinstance(kind, list)
        else [kind]
        if isinstance(kind, str)
        else []
    )


_MERGED_LISTS = ("required",)


@dataclass
class AllOfMerger:
    """Merges allOf members into their owner (following $refs, each component at most once per path)."""

    components: dict[str, dict[str, Any]]
    sink: Sink

    def flatten(
        self, schema: dict[str, Any], location: SpecLocation, seen: tuple[str, ...]
    ) -> dict[str, Any]:
        """``schema`` with its allOf members merged in (the schema's own keywords win)."""
        members = schema.get("allOf")
        if not isinstance(members, list):
            return schema
        own = {k: v for k, v in schema.items() if k != "allOf"}
        parts: list[tuple[dict[str, Any], bool]] = []  # (member, inline)
        for index, member in enumerate(members):
            resolved = self._member(member, location.child("allOf", index), seen)
            if resolved is not None:
                parts.append((resolved, isinstance(member, dict) and "$ref" not in member))
        merged: dict[str, Any] = {}
        for part, _ in parts:
            _merge_into(merged, part)
        _merge_into(merged, own, override=True)
        if "properties" in merged and any(p.get("properties") for p, _ in parts):
            merged.setdefault("type", "object")
            merged.pop("discriminator", None)  # a polymorphic base's: selects nothing in the merge
        self._close(merged, parts, location)
        return merged

    def _member(
        self, member: Any, location: SpecLocation, seen: tuple[str, ...]
    ) -> dict[str, Any] | None:
        if not isinstance(member, dict):
            return None
        ref = member.get("$ref")
        if isinstance(ref, str):
            key = component_key(ref)
            if key is None or key in seen or key not in self.components:
                return None
            target = self.flatten(self.components[key], location, (*seen, key))
            rest = {k: v for k, v in member.items() if k != "$ref"}
            return {**target, **rest} if rest else target
        return self.flatten(member, location, seen)

    def _close(
        self,
        merged: dict[str, Any],
        parts: list[tuple[dict[str, Any], bool]],
        location: SpecLocation,
    ) -> None:
        """Leave out what a closed member (``additionalProperties: false``) forbids."""
        closed = [
            set(p.get("properties") or ())
            for p, _ in parts
            if p.get("additionalProperties") is False
        ]
        if not closed or not isinstance(merged.get("properties"), dict):
            return
        allowed = set.intersection(*closed)
        needed = set(merged.get("required") or ())
        dropped = [
            name for name in merged["properties"] if name not in allowed and name not in needed
        ]
        for name in dropped:
            index = next(
                (
                    i
                    for i, (p, inline) in enumerate(parts)
                    if inline and name in (p.get("properties") or ())
                ),
                None,
            )
            where = (
                location.child("allOf", index, "properties", name)
                if index is not None
                else location
            )
            self.sink.warning(
                "property-never-allowed",
                f"property {name!r} can never be present: another allOf member is closed by "
                "additionalProperties: false without it; the model leaves it out",
                where,
            )
        merged["properties"] = {k: v for k, v in merged["properties"].items() if k not in dropped}
        merged["additionalProperties"] = False


def _merge_into(merged: dict[str, Any], part: dict[str, Any], override: bool = False) -> None:
    """Merge one allOf member (or the owner's own keywords, ``override``) into ``merged``."""
    for key, value in part.items():
        if key == "properties" and isinstance(value, dict):
            props = dict(merged.get("properties") or {})
            for name, sub in value.items():
                before = props.get(name)
                props[name] = (
                    {**before, **sub} if isinstance(before, dict) and isinstance(sub, dict) else sub
                )
            merged["properties"] = props
        elif key in _MERGED_LISTS and isinstance(value, list):
            merged[key] = [
                *(merged.get(key) or []),
                *(v for v in value if v not in (merged.get(key) or [])),
            ]
        elif key == "additionalProperties":
            if value is False or key not in merged:
                merged[key] = value
        elif override or key not in merged:
            merged[key] = value


def alias_chain(key: str, shapes: dict[str, Shape]) -> list[Shape]:
    """Component ``key``'s shape and those its ``$ref`` aliases lead to, in order
    (``UploadAlias: {$ref: Upload}`` gives both); it ends at a shape that is no ``$ref``
    alias, at a reference to no component, or where the aliases go round."""
    chain: list[Shape] = []
    shape = shapes.get(key)
    while shape is not None and all(shape.key != seen.key for seen in chain):
        chain.append(shape)
        target = shape.schema.get("$ref") if shape.kind == "alias" else None
        shape = shapes.get(component_key(target) or "") if isinstance(target, str) else None
    return chain


def split_keys(shapes: dict[str, Shape]) -> frozenset[str]:
    """Components rendered as a ``*Request`` and a ``*Response`` class instead of one.

    An object with a readOnly or writeOnly property splits (requests leave out the
    former, responses the latter), and so does every component that refers to one
    that splits (its request variant refers to the other's request variant).
    """
    split = {key for key, shape in shapes.items() if shape.splits}
    if not split:
        return frozenset()
    users: dict[str, list[str]] = {}  # component -> the components referring to it
    for key, shape in shapes.items():
        for target in shape.refs:
            users.setdefault(target, []).append(key)
    todo = list(split)
    while todo:
        for user in users.get(todo.pop(), ()):
            if user not in split:
                split.add(user)
                todo.append(user)
    return frozenset(split)


def _scan(node: Any) -> tuple[set[str], set[str]]:
    """Every component a $ref inside ``node`` names, and every property a discriminator names."""
    found: set[str] = set()
    tags: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str) and (key := component_key(ref)) is not None:
                found.add(key)
            tag = item.get("discriminator")
            if isinstance(tag, dict) and isinstance(tag.get("propertyName"), str):
                tags.add(tag["propertyName"])
            for value in item.values():
                if isinstance(value, (dict, list)):
                    stack.append(value)
        elif isinstance(item, list):
            for value in item:
                if isinstance(value, (dict, list)):
                    stack.append(value)
    return found, tags
