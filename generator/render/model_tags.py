"""The tags of discriminated unions' members: which ``Literal`` each member's tag field is.

A member's tags come from the union's ``mapping``; a member no mapping names gets
its component name (OpenAPI's implicit mapping), or, where its own tag property is an
enum that does not list that name, the values it declares.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from apiforge.ir.nested import component_key
from apiforge.ir.shapes import Shape
from apiforge.naming.names import Names
from apiforge.render.model_defaults import target_component
from apiforge.render.model_types import Speller


def discriminator_tags(
    shapes: dict[str, Shape], names: Names, split: frozenset[str]
) -> dict[tuple[str, str], list[Any]]:
    """``(member component, tag property) -> tags`` of every discriminated union's members."""
    speller = Speller(shapes, names, split, False)
    found: dict[tuple[str, str], list[Any]] = {}
    for node in _schemas(shapes):
        for keyword in ("oneOf", "anyOf"):
            if (
                not isinstance(node.get(keyword), list)
                or speller.discriminator_field(node, keyword) is None
            ):
                continue
            tag = node["discriminator"]["propertyName"]
            mapping = node["discriminator"].get("mapping")
            by_member: dict[str, list[Any]] = {}
            for value, target in mapping.items() if isinstance(mapping, dict) else ():
                key = (
                    component_key(target)
                    if isinstance(target, str) and target.startswith("#")
                    else target
                )
                by_member.setdefault(str(key), []).append(value)
            for member in node[keyword]:
                key = component_key(member["$ref"])
                assert key is not None
                tags = found.setdefault((key, tag), [])
                tags += [
                    t for t in by_member.get(key) or _declared(shapes, key, tag) if t not in tags
                ]
    return found


def _declared(shapes: dict[str, Shape], key: str, tag: str) -> list[Any]:
    """The tags of a member no mapping names: its component name, or the values its tag admits.

    OpenAPI's implicit mapping selects by component name; a member whose tag is an enum
    that does not list that name admits no tagged value at all, so the values it
    declares are taken instead (the document that validates).
    """
    prop: Any = next((p.schema for p in shapes[key].properties if p.name == tag), {})
    target = target_component(prop)
    values = shapes[target].enum_values if target in shapes else prop.get("enum")
    if "const" in prop:
        values = [prop["const"]]
    declared = [v for v in values or () if isinstance(v, str)]
    return declared if declared and key not in declared else [key]


def _schemas(shapes: dict[str, Shape]) -> Iterator[dict[str, Any]]:
    """Every schema object inside the shapes (properties, items, union members...)."""
    stack: list[Any] = [shape.schema for shape in shapes.values()]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            yield node
            stack += [
                v
                for k, v in node.items()
                if k not in ("enum", "default", "example", "examples", "const")
            ]
        elif isinstance(node, list):
            stack += node
