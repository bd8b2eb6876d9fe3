"""What the naming pass and the models stage read from a shape without making its properties
(``ir/shapes.py``: ``property_names``, ``splits``, ``refs``, ``tags``) equals what the
properties and a full walk of the schema say, on every fixture and on PostHog."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from apiforge.diagnostics import Sink
from apiforge.ir.build import build
from apiforge.ir.nested import component_key
from apiforge.ir.shapes import Shape, build_shapes
from apiforge.load.load import LoadOptions, load
from apiforge.model_cache import scan

ROOT = Path(__file__).resolve().parents[2]
SPECS = sorted((ROOT / "tests" / "fixtures" / "specs").glob("*.yaml")) + [
    ROOT / "spec" / "posthog.yaml"
]


def _shapes(path: Path) -> dict[str, Shape]:
    sink = Sink()
    loaded = load(path, sink, LoadOptions())
    assert loaded is not None
    _, source = build(loaded.document, sink, str(path))
    return build_shapes(source.schemas, source.locations, sink)


def _walk(node: Any, refs: set[str], tags: set[str]) -> None:
    """Every $ref and discriminator propertyName anywhere in ``node`` (recursively)."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and component_key(ref) is not None:
            refs.add(str(component_key(ref)))
        tag = node.get("discriminator")
        if isinstance(tag, dict) and isinstance(tag.get("propertyName"), str):
            tags.add(tag["propertyName"])
        for value in node.values():
            _walk(value, refs, tags)
    elif isinstance(node, list):
        for value in node:
            _walk(value, refs, tags)


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.name)
def test_what_is_read_without_the_properties_equals_what_they_say(path: Path) -> None:
    shapes = _shapes(path)
    deps, tags = scan(shapes)
    every_tag: set[str] = set()
    for key, shape in shapes.items():
        props = shape.properties
        assert shape.property_names == tuple(p.name for p in props), key
        assert shape.splits == any(p.read_only or p.write_only for p in props), key
        refs: set[str] = set()
        _walk(shape.schema, refs, every_tag)
        for prop in props:  # a property's schema is part of its shape's: nothing new
            _walk(prop.schema, refs, every_tag)
        assert shape.refs == refs, key
        assert deps[key] == refs & shapes.keys(), key
        assert all(p.location == shape.location.child("properties", p.name) for p in props)
    assert tags == every_tag
