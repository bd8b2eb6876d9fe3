"""Self-check of the comparer's schema normalization (``tests/openapi_compare.canon``): each
equivalence rule makes two spellings equal, and a near miss of each still differs."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from openapi_compare import canon


def _same(left: Any, right: Any, doc: dict[str, Any] | None = None) -> bool:
    return bool(canon(doc or {}, left, "request") == canon(doc or {}, right, "request"))


def test_bytes_are_format_binary_or_octet_stream_content() -> None:
    assert _same(
        {"type": "string", "format": "binary"},
        {"type": "string", "contentMediaType": "application/octet-stream"},
    )
    assert not _same(
        {"type": "string", "format": "byte"},
        {"type": "string", "contentMediaType": "application/octet-stream"},
    )
    assert not _same(
        {"type": "string", "format": "binary"}, {"type": "string", "contentMediaType": "image/png"}
    )


def test_the_empty_schema_admits_null_already() -> None:
    assert _same({"description": "any JSON"}, {"anyOf": [{}, {"type": "null"}]})
    assert not _same({"type": "string"}, {"anyOf": [{"type": "string"}, {"type": "null"}]})


def test_a_one_value_enum_is_a_const() -> None:
    assert _same({"type": "string", "enum": ["track"]}, {"type": "string", "const": "track"})
    assert not _same(
        {"type": "string", "enum": ["track", "episode"]}, {"type": "string", "const": "track"}
    )


def test_an_all_of_of_plain_objects_is_their_merge() -> None:
    doc = {
        "components": {
            "schemas": {
                "Base": {
                    "type": "object",
                    "required": ["id"],
                    "properties": {"id": {"type": "integer"}},
                }
            }
        }
    }
    composed = {
        "allOf": [
            {"$ref": "#/components/schemas/Base"},
            {"type": "object", "properties": {"name": {"type": "string"}}},
        ]
    }
    merged = {
        "type": "object",
        "required": ["id"],
        "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
    }
    assert _same(composed, merged, doc)
    closed = {
        "allOf": [
            {"$ref": "#/components/schemas/Base"},
            {"type": "object", "additionalProperties": False},
        ]
    }
    assert not _same(
        closed, {**merged, "additionalProperties": False}, doc
    )  # the member rejects Base's id
    clash = {
        "allOf": [
            {"properties": {"id": {"type": "integer"}}},
            {"properties": {"id": {"type": "string"}}},
        ]
    }
    assert not _same(clash, {"type": "object", "properties": {"id": {"type": "integer"}}})


def test_required_names_without_a_property_stay_required() -> None:
    paging = {
        "type": "object",
        "required": ["href", "items"],
        "properties": {"href": {"type": "string"}},
    }
    assert canon({}, paging, "request")["required"] == ["href", "items"]
    hidden = {
        "type": "object",
        "required": ["id"],
        "properties": {"id": {"type": "integer", "readOnly": True}},
    }
    assert "required" not in canon({}, hidden, "request")


def test_an_enum_implies_its_type_and_empty_properties_constrain_nothing() -> None:
    assert _same({"enum": ["a", "b"]}, {"type": "string", "enum": ["a", "b"]})
    assert _same({"enum": [1, 2]}, {"type": "integer", "enum": [1, 2]})
    assert not _same({"enum": ["a", 1]}, {"type": "string", "enum": ["a", 1]})
    assert _same({"type": "object"}, {"type": "object", "properties": {}})


def test_a_const_implies_its_type() -> None:
    assert _same({"const": "track"}, {"type": "string", "const": "track"})
    assert not _same({"const": "track"}, {"type": "integer", "const": "track"})


def test_an_identity_discriminator_mapping_is_the_implicit_one() -> None:
    members = {
        "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}]
    }
    doc = {"components": {"schemas": {"Cat": {"type": "object"}, "Dog": {"type": "object"}}}}
    implicit = {**members, "discriminator": {"propertyName": "pet_type"}}
    explicit = {
        **members,
        "discriminator": {
            "propertyName": "pet_type",
            "mapping": {"Cat": "#/components/schemas/Cat", "Dog": "#/components/schemas/Dog"},
        },
    }
    assert _same(implicit, explicit, doc)
    renamed = {
        **members,
        "discriminator": {
            "propertyName": "pet_type",
            "mapping": {"cat": "#/components/schemas/Cat"},
        },
    }
    assert not _same(implicit, renamed, doc)  # the tag "cat" is not the component name "Cat"


def test_an_all_of_merges_shared_properties_and_arrays() -> None:
    doc = {
        "components": {
            "schemas": {"Booking": {"type": "object", "properties": {"id": {"type": "string"}}}}
        }
    }
    wrapper = {
        "type": "object",
        "properties": {"data": {"type": "array", "items": {"type": "object"}}},
    }
    narrowed = {
        "properties": {"data": {"type": "array", "items": {"$ref": "#/components/schemas/Booking"}}}
    }
    merged = {
        "type": "object",
        "properties": {
            "data": {
                "type": "array",
                "items": {"type": "object", "properties": {"id": {"type": "string"}}},
            }
        },
    }
    assert _same({"allOf": [wrapper, narrowed]}, merged, doc)
    assert not _same(
        {
            "allOf": [
                {"type": "array", "items": {"type": "string"}},
                {"type": "array", "items": {"type": "integer"}},
            ]
        },
        {"type": "array", "items": {"type": "string"}},
    )
    untyped = {
        "allOf": [
            {"properties": {"a": {"type": "string"}}},
            {"properties": {"b": {"type": "string"}}},
        ]
    }
    assert not _same(
        untyped,
        {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}}},
    )


def test_a_type_all_members_have_is_implied() -> None:
    a, b = (
        {"type": "object", "properties": {"a": {"type": "string"}}},
        {"type": "object", "properties": {"b": {"type": "string"}}},
    )
    assert _same({"type": "object", "oneOf": [a, b]}, {"oneOf": [a, b]})
    assert not _same(
        {"type": "object", "oneOf": [a, {"type": "string"}]}, {"oneOf": [a, {"type": "string"}]}
    )
    assert not _same(
        {"type": "object", "anyOf": [a, {**b, "nullable": True}]},
        {"anyOf": [a, {**b, "nullable": True}]},
    )


def test_keywords_of_another_type_constrain_nothing() -> None:
    assert _same({"type": "integer", "minLength": 3, "maxLength": 4}, {"type": "integer"})
    assert not _same({"type": "string", "minLength": 3}, {"type": "string"})
    assert not _same({"minLength": 3}, {})  # untyped: it applies to strings


def test_a_repeated_any_of_member_counts_once() -> None:
    assert _same(
        {"anyOf": [{"type": "string", "title": "a"}, {"type": "string", "title": "b"}]},
        {"type": "string"},
    )
    assert not _same({"oneOf": [{"type": "string"}, {"type": "string"}]}, {"type": "string"})


def test_an_all_of_with_a_closed_member_keeps_only_the_properties_it_lists() -> None:
    doc = {
        "components": {
            "schemas": {
                "Closed": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["id"],
                    "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
                }
            }
        }
    }
    closed = {
        "type": "object",
        "additionalProperties": False,
        "required": ["id"],
        "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
    }
    extended = {
        "allOf": [
            {"$ref": "#/components/schemas/Closed"},
            {"type": "object", "properties": {"extra": {"type": "string"}}},
        ]
    }
    assert _same(extended, closed, doc)  # `extra` can never be present: Closed rejects it
    with_extra = {**closed, "properties": {**closed["properties"], "extra": {"type": "string"}}}
    assert not _same(extended, with_extra, doc)  # the flattened model that accepts `extra` differs
    narrowed = {
        "allOf": [
            {"$ref": "#/components/schemas/Closed"},
            {"properties": {"name": {"maxLength": 3}}},
        ]
    }
    assert _same(
        narrowed,
        {
            **closed,
            "properties": {
                **closed["properties"],
                "name": {"allOf": [{"type": "string"}, {"maxLength": 3}]},
            },
        },
        doc,
    )
    impossible = {
        "allOf": [
            {"$ref": "#/components/schemas/Closed"},
            {"required": ["extra"], "properties": {"extra": {}}},
        ]
    }
    assert not _same(impossible, closed, doc)  # no object passes: left as written


_PETS = {
    "components": {
        "schemas": {
            "Pet": {
                "type": "object",
                "required": ["kind"],
                "properties": {"kind": {"type": "string"}},
                "discriminator": {"propertyName": "kind"},
            },
            "Cat": {
                "allOf": [
                    {"$ref": "#/components/schemas/Pet"},
                    {"type": "object", "properties": {"hunts": {"type": "boolean"}}},
                ]
            },
            "Dog": {
                "allOf": [
                    {"$ref": "#/components/schemas/Pet"},
                    {"type": "object", "properties": {"barks": {"type": "boolean"}}},
                ]
            },
        }
    }
}


def _pet(tag: Any, extra: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["kind"],
        "properties": {"kind": {"type": "string", "const": tag}, extra: {"type": "boolean"}},
    }


def test_a_discriminated_member_has_its_tag_and_its_base_discriminator_selects_nothing() -> None:
    union = {
        "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
        "discriminator": {"propertyName": "kind"},
    }
    flattened = {
        "oneOf": [_pet("Cat", "hunts"), _pet("Dog", "barks")],
        "discriminator": {"propertyName": "kind"},
    }
    assert canon(_PETS, union, "request") == {**canon(_PETS, flattened, "request")}
    wrong_tags = {**flattened, "oneOf": [_pet("Dog", "hunts"), _pet("Cat", "barks")]}
    assert canon(_PETS, union, "request") != canon(_PETS, wrong_tags, "request")
    mapped = {
        **union,
        "discriminator": {
            "propertyName": "kind",
            "mapping": {"cat": "#/components/schemas/Cat", "dog": "#/components/schemas/Dog"},
        },
    }
    assert canon(_PETS, mapped, "request")["oneOf"][0]["properties"]["kind"]["const"] == "cat"
    untagged = {"oneOf": union["oneOf"]}  # no discriminator: nothing fixes the tag
    assert "const" not in canon(_PETS, untagged, "request")["oneOf"][0]["properties"]["kind"]
    assert canon(_PETS, {"$ref": "#/components/schemas/Pet"}, "request")["discriminator"] == {
        "propertyName": "kind"
    }
