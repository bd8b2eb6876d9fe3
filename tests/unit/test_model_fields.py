"""Field facts worked out once per distinct property schema (render/model_fields.py).

The memo's key tells apart every pair of schemas the models could spell differently
(1, True and 1.0; a list and a mapping; key order), and what depends on a property's
place (its warnings, its alias, its tags) is still done per property.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from apiforge.diagnostics import Sink
from apiforge.ir.build import build
from apiforge.ir.shapes import build_shapes, split_keys
from apiforge.load.load import LoadOptions, load
from apiforge.naming.names import resolve_names
from apiforge.render.model_fields import FieldMemo, schema_key
from apiforge.render.model_views import class_entries


def test_keys_are_equal_only_for_schemas_of_the_same_json_kinds() -> None:
    assert schema_key({"type": "string", "format": "uuid"}) == schema_key(
        {"type": "string", "format": "uuid"}
    )
    assert schema_key({"items": {"type": "integer"}, "nullable": None}) == schema_key(
        {"items": {"type": "integer"}, "nullable": None}
    )
    distinct = [
        {"minimum": 1},
        {"minimum": True},
        {"minimum": "1"},
        {"minimum": False},
        {"minimum": 0},
        {"minimum": None},
        {"items": {}},
        {"items": []},
        {"items": [{}]},
        {"items": {"a": "b"}},
        {"items": ["a", "b"]},
        {"type": "string", "format": "date"},
        {"format": "date", "type": "string"},
    ]
    keys = [schema_key(s) for s in distinct]
    assert None not in keys
    assert len(set(keys)) == len(distinct)


@pytest.mark.parametrize(
    "schema", [{"minimum": 1.0}, {"enum": [1, 2.5]}, {1: "a"}, {"items": {True: "x"}}]
)
def test_schemas_with_floats_or_odd_keys_have_no_key(schema: dict[Any, Any]) -> None:
    assert schema_key(schema) is None  # worked out for each property


def _entries(tmp: Path, schemas: dict[str, Any], memo: FieldMemo | None) -> tuple[list[Any], Sink]:
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "Fields", "version": "1"},
        "paths": {},
        "components": {"schemas": schemas},
    }
    path = tmp / "spec.json"
    path.write_text(json.dumps(spec))
    sink = Sink()
    loaded = load(path, sink, LoadOptions())
    assert loaded is not None
    api, source = build(loaded.document, sink, str(path))
    shapes = build_shapes(source.schemas, source.locations, sink)
    names = resolve_names(api, shapes)
    entries = []
    for key in shapes:  # one call per component, as render_models makes one per module
        entries += class_entries(
            shapes, names, split_keys(shapes), True, sink, keys=[key], memo=memo
        )
    return entries, sink


def test_equal_schemas_share_facts_but_each_property_keeps_its_own_warnings(
    tmp_path: Path,
) -> None:
    shared = {
        "opened": {"type": "string", "format": "date", "default": "not a date"},
        "code": {"type": "string", "pattern": "("},  # no engine compiles it
        "ge_one": {"type": "integer", "minimum": 1},
        "ge_true": {"type": "integer", "minimum": True},  # a bool: no constraint
    }
    schemas = {
        name: {"type": "object", "required": ["ge_one"], "properties": shared}
        for name in ("Store", "Shop")
    }
    memo: FieldMemo = {}
    entries, sink = _entries(tmp_path, schemas, memo)
    fresh, fresh_sink = _entries(tmp_path, schemas, None)  # no memo shared
    assert memo  # the second component's fields came from it
    assert [e.view for e in entries] == [e.view for e in fresh]
    fields = {f.name: f for f in entries[0].view.fields}
    assert fields["ge_one"].value == "Field(ge=1)"
    assert "ge=" not in fields["ge_true"].value
    warned = sorted((d.code, d.location.pointer) for d in sink.items)
    assert warned == sorted((d.code, d.location.pointer) for d in fresh_sink.items)
    for name in ("Store", "Shop"):
        base = f"/components/schemas/{name}/properties"
        assert ("pattern-dropped", f"{base}/code/pattern") in warned
        assert ("default-dropped", f"{base}/opened/default") in warned


def test_a_binary_field_is_a_file_only_in_a_multipart_body_class(tmp_path: Path) -> None:
    """The fields' memo tells a multipart body's class (whose binary fields take files) from
    the others sharing its schemas: a JSON class's stays ``bytes`` with its constraints, and
    so does a split body's response class."""
    binary = {"type": "string", "format": "binary", "maxLength": 4}
    schemas = {
        "Upload": {"type": "object", "properties": {"data": binary, "parts": {"items": binary}}},
        "Note": {"type": "object", "properties": {"data": binary, "parts": {"items": binary}}},
        "Photo": {
            "type": "object",
            "properties": {"data": binary, "id": {"type": "integer", "readOnly": True}},
        },
    }
    spec = {"openapi": "3.0.3", "info": {"title": "F", "version": "1"}, "paths": {}}
    path = tmp_path / "spec.json"
    path.write_text(json.dumps({**spec, "components": {"schemas": schemas}}))
    sink = Sink()
    loaded = load(path, sink, LoadOptions())
    assert loaded is not None
    api, source = build(loaded.document, sink, str(path))
    shapes = build_shapes(source.schemas, source.locations, sink)
    names = resolve_names(api, shapes)
    memo: FieldMemo = {}
    fields = {
        entry.name: {f.name: f.annotation + " = " + f.value for f in entry.view.fields}
        for key in shapes
        for entry in class_entries(
            shapes,
            names,
            split_keys(shapes),
            False,
            sink,
            [key],
            memo=memo,
            files=frozenset({"Upload", "Photo"}),
        )
    }
    assert fields["Upload"] == {
        "data": "_Omittable[_File] = None",
        "parts": "_Omittable[list[_File]] = None",
    }
    bytes_field = "_Omittable[bytes] = Field(default=None, max_length=4)"
    assert fields["Note"]["data"] == fields["PhotoResponse"]["data"] == bytes_field
    assert fields["PhotoRequest"]["data"] == "_Omittable[_File] = None"
