"""The names and models stages' cheaper paths give what the plain ones gave.

``SchemaRegistry._summary`` makes one Property per (name, type, required) and one array
TypeRef per item; ``split_keys`` follows the references backwards from the components
that split instead of sweeping every component until nothing grows; a field's name is
remembered per wire name before the model's classes are seen, ``py_name`` per text and
reserved names; a shape's refs and tags are read back by its schema's digest. Each test fails when its shortcut keys or walks wrongly.
"""

from __future__ import annotations

import copy
import hashlib
import keyword
import marshal
import random
from pathlib import Path
from typing import Any

import pytest

from apiforge import model_cache
from apiforge.diagnostics import Sink, SpecLocation
from apiforge.ir import shapes as shapes_module
from apiforge.ir.build import build
from apiforge.ir.model import Property, TypeRef
from apiforge.ir.schemas import SchemaRegistry
from apiforge.ir.shapes import Shape, _scan, build_shapes, split_keys
from apiforge.ir.summaries import describe
from apiforge.model_cache import known_refs
from apiforge.models import render_models
from apiforge.naming.names import _field_names, resolve_names
from apiforge.naming.reserved import MODEL_ATTRIBUTES, RESERVED_METHOD_NAMES
from apiforge.naming.words import identifier, py_name, unique
from apiforge.output import cache
from apiforge.resources import templates_hash


def _summaries(schemas: dict[str, Any]) -> dict[str, tuple[Property, ...]]:
    document = {"openapi": "3.0.3", "components": {"schemas": schemas}}
    registry = SchemaRegistry(document, Sink(), "spec.yaml")
    return {key: schema.properties for key, schema in describe(registry).items()}


def test_properties_that_differ_in_type_or_requiredness_stay_apart() -> None:
    string, integer = TypeRef("string"), TypeRef("integer")
    found = _summaries(
        {
            "A": {
                "properties": {
                    "x": {"type": "string"},
                    "tags": {"type": "array", "items": {"type": "string"}},
                },
                "required": ["x"],
            },
            "B": {
                "properties": {
                    "x": {"type": "integer"},
                    "tags": {"type": "array", "items": {"type": "integer"}},
                },
                "required": ["x"],
            },
            "C": {
                "properties": {
                    "x": {"type": "string"},
                    "tags": {"type": "array", "items": {"type": "string"}},
                }
            },
            "D": {"properties": {"y": {"type": "string"}}, "required": ["y"]},
            "E": {"properties": {"x": {"type": "string", "nullable": True}}, "required": ["x"]},
            "F": {
                "properties": {
                    "x": {"type": "array", "items": {"type": "array", "items": {"type": "string"}}}
                }
            },
        }
    )
    assert found["A"] == (
        Property("x", string, True),
        Property("tags", TypeRef("array", item=string), False),
    )
    assert found["B"] == (
        Property("x", integer, True),
        Property("tags", TypeRef("array", item=integer), False),
    )
    assert found["C"] == (
        Property("x", string, False),
        Property("tags", TypeRef("array", item=string), False),
    )
    assert found["D"] == (Property("y", string, True),)
    assert found["E"] == (Property("x", TypeRef("string", nullable=True), True),)
    nested = TypeRef("array", item=TypeRef("array", item=string))
    assert found["F"] == (Property("x", nested, False),)
    # The same value is one object: what the shortcut is for.
    assert found["A"][1].type is found["C"][1].type
    assert found["A"][1] is found["C"][1]


def test_names_that_are_equal_as_keys_but_not_as_names_stay_apart() -> None:
    found = _summaries(
        {
            "A": {"properties": {1: {"type": "string"}}, "required": [1]},
            "B": {"properties": {True: {"type": "string"}}, "required": [True]},
        }
    )
    assert repr(found["A"][0].name) == "1" and repr(found["B"][0].name) == "True"


def _shape(key: str, refs: list[str], splits: bool) -> Shape:
    props: dict[str, Any] = {"p": {"type": "string", "readOnly": True}} if splits else {}
    props.update({f"r{i}": {"$ref": f"#/components/schemas/{r}"} for i, r in enumerate(refs)})
    schema = {"type": "object", "properties": props} if props else {"type": "string"}
    kind = "object" if props else "alias"
    return Shape(
        key, kind, schema, "ignore", SpecLocation("spec.yaml", f"/components/schemas/{key}")
    )


def _swept(shapes: dict[str, Shape]) -> frozenset[str]:
    """split_keys as first written: sweep until nothing grows."""
    split = {key for key, shape in shapes.items() if shape.splits}
    grew = True
    while grew:
        grew = False
        for key, shape in shapes.items():
            if key not in split and not shape.refs.isdisjoint(split):
                split.add(key)
                grew = True
    return frozenset(split)


@pytest.mark.parametrize("seed", range(40))
def test_the_split_spreads_to_every_component_reaching_one_that_splits(seed: int) -> None:
    rng = random.Random(seed)
    keys = [f"S{i}" for i in range(rng.randint(1, 30))]
    shapes = {
        key: _shape(
            key,
            rng.sample(keys + ["Missing"], rng.randint(0, min(3, len(keys) + 1))),
            rng.random() < 0.1,
        )
        for key in keys
    }
    assert split_keys(shapes) == _swept(shapes)


@pytest.mark.parametrize("seed", range(6))
def test_the_models_stage_splits_what_the_naming_pass_split(seed: int) -> None:
    """render_models takes the split components from the names' variants instead of walking
    the shapes again: they must be split_keys' (a request class per split one, none else)."""
    rng = random.Random(seed)
    keys = [f"S{i}" for i in range(rng.randint(2, 12))]
    schemas: dict[str, Any] = {}
    for key in keys:
        props: dict[str, Any] = {"id": {"type": "string", "readOnly": rng.random() < 0.15}}
        for i, target in enumerate(rng.sample(keys, rng.randint(0, 2))):
            props[f"r{i}"] = {"$ref": f"#/components/schemas/{target}"}
        schemas[key] = {"type": "object", "properties": props}
    document = {"openapi": "3.0.3", "info": {}, "paths": {}, "components": {"schemas": schemas}}
    sink = Sink()
    api, source = build(document, sink, "spec.yaml")
    shapes = build_shapes(source.schemas, source.locations, sink)
    names = resolve_names(api, shapes)
    assert frozenset(names.variants) == split_keys(shapes)
    models = render_models(shapes, names, sink, api)
    assert set(models.variants) == split_keys(shapes)
    requests = {f"{names.schemas[key]}Request" for key in split_keys(shapes)}
    assert requests <= models.classes
    assert not any(name.endswith("Request") for name in models.classes - requests)


def test_a_chain_splits_back_to_its_start_and_no_further() -> None:
    shapes = {
        "A": _shape("A", ["B"], False),
        "B": _shape("B", ["C"], False),
        "C": _shape("C", [], True),
        "D": _shape("D", [], False),
        "E": _shape("E", ["D"], False),
    }
    assert split_keys(shapes) == {"A", "B", "C"}
    assert split_keys({k: v for k, v in shapes.items() if k != "C"}) == frozenset()


def _fields_as_first_written(wires: list[str], classes: set[str]) -> dict[str, str]:
    """naming.names._field_names before its per-name part was remembered."""
    taken: set[str] = set()
    result: dict[str, str] = {}
    for wire in wires:
        name = identifier(wire)
        if (
            keyword.iskeyword(name)
            or name in MODEL_ATTRIBUTES
            or name.startswith("model_")
            or name[:1].isupper()
            and name in classes
        ):
            name += "_"
        result[wire] = unique(name, taken)
    return result


_WIRES = [
    "id", "class", "Class", "Pet", "Pet_", "pet", "model_config", "modelConfig", "schema", "json",
    "1st", "_id", "a-b", "a_b", "a b", "größe", "名前", "", "Owner", "Owner_", "for", "None",
    "copy", "dict", "X", "X_", "match", "type",
]  # fmt: skip


@pytest.mark.parametrize("seed", range(30))
def test_field_names_are_the_ones_the_plain_rule_gives(seed: int) -> None:
    rng = random.Random(seed)
    wires = rng.sample(_WIRES, rng.randint(1, len(_WIRES)))
    pool = ["Pet", "Owner", "Class", "X", "None", "None_", "Pet_", "pet", "id"]
    classes = set(rng.sample(pool, rng.randint(0, len(pool))))
    shape = Shape(
        "M",
        "object",
        {"type": "object", "properties": {w: {"type": "string"} for w in wires}},
        "ignore",
        SpecLocation("spec.yaml", "/components/schemas/M"),
    )
    assert _field_names(shape, set(classes)) == _fields_as_first_written(wires, classes)


def test_a_name_is_reserved_by_what_each_call_reserves() -> None:
    assert py_name("self") == "self"
    assert py_name("self", {"self"}) == "self_"
    assert py_name("self", frozenset({"self"})) == "self_"
    assert py_name("self", ["other"]) == "self"
    assert py_name("list_pets", RESERVED_METHOD_NAMES) == "list_pets"
    assert py_name("close", RESERVED_METHOD_NAMES) == "close_"


@pytest.mark.parametrize(
    "parts", [[], [""], ["a"], ["a", "b"], ["a\0b", ""], ["größe", "名前", "|", "x" * 1000]]
)
def test_a_cache_key_is_the_sha256_of_each_part_followed_by_nul(parts: list[str]) -> None:
    spelt = hashlib.sha256()
    for part in parts:
        spelt.update(part.encode() + b"\0")
    assert cache.digest(*parts) == spelt.hexdigest()


def _shapes(schemas: dict[str, Any]) -> dict[str, Shape]:
    base = SpecLocation("spec.yaml", "/components/schemas")
    return build_shapes(copy.deepcopy(schemas), {key: base.child(key) for key in schemas}, Sink())


_REFS: dict[str, Any] = {
    "A": {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/B"}}},
    "B": {
        "oneOf": [{"$ref": "#/components/schemas/C"}, {"$ref": "#/components/schemas/A"}],
        "discriminator": {"propertyName": "kind"},
    },
    "C": {"type": "object", "properties": {"kind": {"type": "string"}}},
    "D": {"type": "object", "properties": {"when": {"type": "string", "example": 1}}},
}


def _walked(shapes: dict[str, Shape]) -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    return {key: tuple(map(frozenset, _scan(shape.schema))) for key, shape in shapes.items()}  # type: ignore[misc]


def test_known_refs_are_those_of_the_same_schema_and_walked_for_a_changed_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "cache"))
    first = _shapes(_REFS)
    known_refs(first)  # walks every shape and stores what it found
    # The same schemas again: every shape's refs come from the store, none is walked.
    again = _shapes(_REFS)
    with monkeypatch.context() as patched:
        patched.setattr(shapes_module, "_scan", _no_walk)
        known_refs(again)
        assert {k: (s.refs, s.tags) for k, s in again.items()} == _walked(first)
    # Each change a key must see: a ref added, a tag renamed, a value's type (1 -> True).
    edits = [
        ("C", {"type": "object", "properties": {"a": {"$ref": "#/components/schemas/A"}}}),
        ("B", {**_REFS["B"], "discriminator": {"propertyName": "type"}}),
        ("D", {"type": "object", "properties": {"when": {"type": "string", "example": True}}}),
        ("D", {"type": "object", "properties": {"when": {"$ref": "#/components/schemas/C"}}}),
    ]
    for key, schema in edits:
        edited = _shapes({**_REFS, key: schema})
        known_refs(edited)
        assert {k: (s.refs, s.tags) for k, s in edited.items()} == _walked(edited), key


def _no_walk(node: Any) -> Any:
    raise AssertionError("walked a schema whose refs were stored")


def test_refs_stored_unreadably_are_walked_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "cache"))
    known_refs(_shapes(_REFS))
    folder = cache.cache_dir("models-refs")
    key = cache.digest(model_cache._REFS_FORMAT, templates_hash())
    for junk in (b"\x00garbage", marshal.dumps([1, 2]), marshal.dumps({b"x": 1})):
        cache.write(folder, key, junk)
        shapes = _shapes(_REFS)
        known_refs(shapes)
        assert {k: (s.refs, s.tags) for k, s in shapes.items()} == _walked(shapes)


def test_a_few_new_schemas_are_walked_without_storing_everything_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "cache"))
    many = {
        f"S{i}": {"type": "object", "properties": {"s": {"$ref": f"#/components/schemas/S{i + 1}"}}}
        for i in range(40)
    }
    known_refs(_shapes(many))
    folder = cache.cache_dir("models-refs")
    key = cache.digest(model_cache._REFS_FORMAT, templates_hash())
    before = cache.read_bytes(folder, key)
    edited = _shapes({**many, "S3": {"type": "object", "properties": {"s": {"type": "string"}}}})
    known_refs(edited)
    assert cache.read_bytes(folder, key) == before  # one of 40 walked: not worth a write
    assert {k: (s.refs, s.tags) for k, s in edited.items()} == _walked(edited)
    assert edited["S3"].refs == frozenset() and edited["S2"].refs == {"S3"}
