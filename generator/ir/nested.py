"""Nested inline schemas: hoisted into components named from where they sit.

An inline schema inside a component (or inside an inline schema that was
hoisted) that needs a class of its own (an enum, an object with properties, an
allOf that merges several parts) becomes a component too, named after its
owner and position: ``Order`` -> ``OrderStatus`` (property ``status``),
``OrderItemsItem`` (the items of property ``items``), ``OrderValue``
(additionalProperties), ``OrderOption2`` (second oneOf/anyOf member). Names thus
come from the spec's structure and go through the naming pass like every other
class; left inline, the models stage would invent them (``Type7``, ``Status1``).

Object-like parts that refer back to their owner are hoisted even when they need
no class, because only a named class can refer to itself (left inline, a map of
the owner inside an array loses its type).

What describes the *use* of a schema rather than the schema (nullability,
``default``, ``readOnly``/``writeOnly``, ``deprecated``) stays at the reference,
which becomes ``allOf: [$ref]`` (3.0) or ``anyOf: [$ref, {type: null}]`` (3.1).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from apiforge.diagnostics import SpecLocation
from apiforge.load.jsonpointer import escape, unescape
from apiforge.naming.words import class_name

Hoist = Callable[[dict[str, Any], SpecLocation, str], str]
"""Registers a schema as a component (schema, location, name hint) and returns its key."""

SCHEMA_REF_PREFIX = "#/components/schemas/"  # the one spelling (ir/schemas imports it)


def schema_ref(key: str) -> str:
    """The ``$ref`` of component schema ``key``: a URI fragment, so ``%`` is percent-encoded."""
    return SCHEMA_REF_PREFIX + escape(key).replace("%", "%25")


@functools.lru_cache(maxsize=16384)  # a pure function of the text, asked per $ref of every walk
def component_key(ref: str) -> str | None:
    """The component schema a ``$ref`` names (percent-decoded, then unescaped), or None."""
    if not ref.startswith(SCHEMA_REF_PREFIX):
        return None
    rest = unquote(ref[len(SCHEMA_REF_PREFIX) :])
    return None if "/" in rest else unescape(rest)


_AT_USE = ("default", "readOnly", "writeOnly", "deprecated", "nullable")
# The keys Nester.parts looks into; a schema with none of them is only copied.
_NESTS = frozenset(
    ("items", "additionalProperties", "properties", "oneOf", "anyOf", "prefixItems", "allOf")
)
# ...and with none of these either, a nested part is neither hoisted nor a $ref kept as it is.
_LEAF = _NESTS | {"enum", "$ref"}


@dataclass(frozen=True)
class Nester:
    """Hoists the nested parts of one schema owned by component ``owner``."""

    owner: str
    hoist: Hoist
    openapi_31: bool

    def parts(
        self,
        schema: dict[str, Any],
        location: SpecLocation,
        hint: str,
        path: tuple[str | int, ...] = (),
    ) -> dict[str, Any]:
        """``schema`` with every nested part visited (the schema itself stays where it is).

        ``path`` leads from ``location`` to ``schema``: a location is spelt only for a hoisted part.
        A schema none of whose parts is hoisted is returned as it is (no copy: nothing
        changes a loaded document, and the later stages, which read it, find it as the
        loader made it, e.g. its spelling, :mod:`~apiforge.load.spellings`).
        """
        if _NESTS.isdisjoint(schema):  # most schemas: a leaf
            return schema
        changed: dict[str, Any] = {}
        if "items" in schema or "additionalProperties" in schema:  # most have neither: 2 lookups
            for key, suffix in (("items", "Item"), ("additionalProperties", "Value")):
                sub = schema.get(key)
                if isinstance(sub, dict):
                    made = self.part(sub, location, (*path, key), hint + suffix)
                    if made is not sub:
                        changed[key] = made
        props = schema.get("properties")
        if isinstance(props, dict):
            visited: dict[Any, Any] | None = None  # made at the first property that changes
            for index, (name, sub) in enumerate(props.items()):
                if sub.__class__ is dict and ("$ref" in sub or _LEAF.isdisjoint(sub)):
                    made = sub  # as part() gives it, without its hint spelt
                else:
                    path_ = (*path, "properties", name)
                    made = self.part(sub, location, path_, hint + class_name(str(name)))
                if made is not sub and visited is None:
                    visited = dict(itertools.islice(props.items(), index))
                if visited is not None:
                    visited[name] = made
            if visited is not None:
                changed["properties"] = visited
        if "oneOf" in schema or "anyOf" in schema or "prefixItems" in schema:
            for key, label in (("oneOf", "Option"), ("anyOf", "Option"), ("prefixItems", "Item")):
                members = schema.get(key)
                if isinstance(members, list):
                    made_list = [
                        self.part(sub, location, (*path, key, i), f"{hint}{label}{i + 1}")
                        for i, sub in enumerate(members)
                    ]
                    if any(a is not b for a, b in zip(made_list, members)):
                        changed[key] = made_list
        members = schema.get("allOf")
        if isinstance(members, list):  # members are merged into this class: only their parts move
            merged = [
                self.parts(sub, location, hint, (*path, "allOf", i))
                if isinstance(sub, dict) and "$ref" not in sub
                else sub
                for i, sub in enumerate(members)
            ]
            if any(a is not b for a, b in zip(merged, members)):
                changed["allOf"] = merged
        return {**schema, **changed} if changed else schema

    def part(
        self, schema: Any, location: SpecLocation, path: tuple[str | int, ...], hint: str
    ) -> Any:
        """A nested schema (at ``path`` below ``location``), or a reference to the component it became."""
        if not isinstance(schema, dict) or "$ref" in schema:
            return schema
        if not (needs_class(schema) or _object_like(schema) and refers_to(schema, self.owner)):
            return self.parts(schema, location, hint, path)
        body, use, nullable = _split(schema)
        key = self.hoist(body, location.child(*path), hint)
        return self._reference(key, use, nullable)

    def _reference(self, key: str, use: dict[str, Any], nullable: bool) -> dict[str, Any]:
        ref = {"$ref": schema_ref(key)}
        if not use and not nullable:
            return ref
        if nullable and self.openapi_31:
            return {"anyOf": [ref, {"type": "null"}], **use}
        return {"allOf": [ref], **use, **({"nullable": True} if nullable else {})}


def needs_class(schema: dict[str, Any]) -> bool:
    """An enum, an object with properties, or an allOf that merges several parts."""
    if isinstance(schema.get("enum"), list) and any(v is not None for v in schema["enum"]):
        return True
    if isinstance(schema.get("properties"), dict) and schema["properties"]:
        return True
    members = schema.get("allOf")
    return isinstance(members, list) and (
        len(members) > 1 or any(isinstance(m, dict) and "$ref" not in m for m in members)
    )


_OBJECT_LIKE = frozenset(("properties", "allOf", "oneOf", "anyOf"))


def _object_like(schema: dict[str, Any]) -> bool:
    """An object, a map or a composition: what loses its type inline when it is recursive."""
    return not _OBJECT_LIKE.isdisjoint(schema) or isinstance(
        schema.get("additionalProperties"), dict
    )


def refers_to(node: Any, key: str) -> bool:
    """True when a $ref anywhere inside ``node`` names component ``key``.

    A walk with a stack of its own (a recursion of generators cost ~3 times as much).
    """
    stack = [node]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and component_key(ref) == key:
                return True
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


def _split(schema: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], bool]:
    """(the schema as a component, what stays at the reference, whether the reference is nullable)."""
    body = {k: v for k, v in schema.items() if k not in _AT_USE}
    use = {k: v for k, v in schema.items() if k in (*_AT_USE, "description") and k != "nullable"}
    nullable = schema.get("nullable") is True
    kind = body.get("type")
    if isinstance(kind, list) and "null" in kind:
        nullable = True
        rest = [k for k in kind if k != "null"]
        if rest:
            body["type"] = rest[0] if len(rest) == 1 else rest
        else:
            del body["type"]
    if isinstance(body.get("enum"), list) and None in body["enum"]:
        nullable = True
        body["enum"] = [v for v in body["enum"] if v is not None]
    return body, use, nullable
