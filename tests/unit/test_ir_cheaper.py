"""The IR build's cheaper paths give what the plain ones gave.

``SpecLocation.child`` spells its pointer itself and skips the frozen ``__init__``;
``SchemaRegistry.type_ref`` makes one TypeRef per (kind, model, format, nullable);
``document_checks.prepare`` skips its walk when the mappings the loader collected
(``validation.check_defaults``), or else a first pass, show nothing to report.
Each test fails when its shortcut keys or skips wrongly.
"""

from __future__ import annotations

import copy
import dataclasses
import pickle
from typing import Any

import pytest

from apiforge.diagnostics import Sink, SpecLocation
from apiforge.ir.build import build
from apiforge.ir.dialect import CHECKED
from apiforge.ir.document_checks import _NOTICED, _unremarkable, _walk, prepare
from apiforge.ir.model import TypeRef
from apiforge.ir.one_of import EXTENSION
from apiforge.ir.schemas import SchemaRegistry
from apiforge.ir.summaries import Summaries
from apiforge.load import jsonpointer
from apiforge.load.validation import SCHEMA_KEYS, check_defaults


@pytest.mark.parametrize(
    "tokens", [(), ("paths",), ("paths", "/pets/{id}"), ("a~b", 0, "x/y~"), (3, True)]
)
def test_a_child_location_is_the_one_the_constructor_makes(tokens: tuple[Any, ...]) -> None:
    base = SpecLocation("spec.yaml", "/components/schemas/A~1B", line=4, column=2)
    child = base.child(*tokens)
    expected = SpecLocation("spec.yaml", jsonpointer.join(base.pointer, *tokens))
    assert child == expected and hash(child) == hash(expected) and repr(child) == repr(expected)
    assert str(child) == str(expected)  # no line: a child is located again
    assert pickle.loads(pickle.dumps(child)) == expected
    assert dataclasses.replace(child, line=7) == dataclasses.replace(expected, line=7)
    with pytest.raises(dataclasses.FrozenInstanceError):
        child.pointer = "/elsewhere"  # type: ignore[misc]


def registry(**schemas: Any) -> SchemaRegistry:
    document = {"openapi": "3.0.3", "components": {"schemas": schemas}}
    return SchemaRegistry(document, Sink(), "spec.yaml")


def test_types_made_once_per_value_differ_wherever_the_value_does() -> None:
    reg = registry(A={"type": "object"}, B={"type": "object"})
    loc = SpecLocation("spec.yaml", "/x")
    schemas = [
        {"type": "string"},
        {"type": "string", "format": "uuid"},
        {"type": "string", "format": "date"},
        {"type": "string", "nullable": True},
        {"type": "string", "format": "binary"},
        {"type": "integer"},
        {"type": "integer", "nullable": True},
        {"type": "number"},
        {"type": "boolean"},
        {},
        {"$ref": "#/components/schemas/A"},
        {"$ref": "#/components/schemas/B"},
        {"$ref": "#/components/schemas/A", "nullable": True},
    ]
    first = [reg.type_of(s, loc, "H") for s in schemas]
    again = [reg.type_of(copy.deepcopy(s), loc, "H") for s in schemas]
    assert first == again
    assert all(a is b for a, b in zip(first, again))  # one object per value
    assert len(set(first)) == len(first)  # every value its own
    assert first[1] == TypeRef("string", format="uuid")
    assert first[3] == TypeRef("string", nullable=True)
    assert first[4] == TypeRef("binary")
    assert first[12] == TypeRef("model", model="A", nullable=True)
    shallow = [Summaries(reg).shallow(s) for s in schemas]
    assert shallow[:9] == first[:9] and shallow[10:12] == first[10:12]
    assert shallow[12] == TypeRef("model", model="A")  # a property keeps a $ref as written


REF = {"$ref": "#/components/schemas/A"}
OPEN = {"type": "object", "properties": {"a": {"type": "string"}}}


def doc(paths: Any = None, **schemas: Any) -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "T", "version": "1"},
        "paths": paths or {},
        "components": {"schemas": {"A": OPEN, **schemas}},
    }


def deep(node: Any) -> dict[str, Any]:
    """``node`` as a response schema, inside a list, a few levels down."""
    item = {
        "get": {
            "responses": {
                "200": {
                    "content": {
                        "application/json": {
                            "schema": {"allOf": [REF, {"properties": {"p": {"items": node}}}]}
                        }
                    }
                }
            }
        }
    }
    return doc({"/x": item})


REMARKABLE = [
    deep({"oneOf": [REF, {"type": "object"}]}),
    deep({"$ref": "#/components/schemas/A", "maxLength": 2}),
    deep({"prefixItems": [{"type": "string"}]}),
    deep({"type": "string", "contentEncoding": "base64"}),
    deep({"$schema": "http://json-schema.org/draft-07/schema"}),
    deep({"type": "string", "example": {"x-apiforge-one-of": "any"}}),  # in data
    doc(B={"oneOf": []}),
]


@pytest.mark.parametrize("document", REMARKABLE)
def test_any_node_the_walk_reads_makes_the_first_pass_give_way(document: dict[str, Any]) -> None:
    assert not _unremarkable(document)


def test_a_document_of_bare_refs_is_unremarkable_and_checked_alike() -> None:
    document = deep({"type": "array", "items": REF, "default": [], "enum": [[1]]})
    document["components"]["schemas"]["B"] = {"type": "string", "enum": ["a"], "default": "a"}
    assert _unremarkable(document)
    assert _walk(document, looking=False) == ([], [])  # what the skipped walk would find
    sink = Sink()
    assert prepare(document, sink, "spec.yaml") is document
    assert list(sink) == []


def test_a_remarkable_document_still_reports_in_document_order() -> None:
    document = deep({"oneOf": [REF, {"type": "object"}]})
    document["components"]["schemas"]["T"] = {"prefixItems": [{"type": "string"}]}
    sink = Sink()
    prepare(document, sink, "spec.yaml")
    assert [(d.code, d.location.pointer) for d in sink] == [
        (
            "one-of-overlap",
            "/paths/~1x/get/responses/200/content/application~1json/schema/allOf/1/properties/p/items/oneOf",
        ),
        ("prefix-items-loose", "/components/schemas/T/prefixItems"),
    ]


def test_data_that_looks_like_a_schema_costs_the_walk_but_reports_nothing() -> None:
    document = deep({"type": "object", "example": {"oneOf": [OPEN, OPEN], "$ref": "#/x"}})
    assert not _unremarkable(document)  # the first pass does not tell data from schemas
    sink = Sink()
    assert prepare(document, sink, "spec.yaml") is document
    assert list(sink) == []


def test_the_loader_collects_the_mappings_for_the_keys_the_checks_read() -> None:
    assert SCHEMA_KEYS == _NOTICED == frozenset({EXTENSION, "oneOf"}) | CHECKED


def test_the_loader_collects_every_marked_mapping_data_and_lists_included() -> None:
    shared = {"$ref": "#/components/schemas/A"}
    odd = {"type": "string", "contentEncoding": "base64"}
    document = doc(
        {"/x": {"get": {"parameters": [{"schema": shared}, {"schema": odd}]}}},
        B={"type": "object", "example": {"oneOf": 1}, "properties": {"b": shared}},
    )
    marked = check_defaults(document, lambda *report: None)
    assert sorted(map(id, marked)) == sorted(
        [id(shared), id(shared), id(odd), id(document["components"]["schemas"]["B"]["example"])]
    )


PLAIN = [deep({"type": "array", "items": REF}), doc(B={"allOf": [REF]})]


@pytest.mark.parametrize(
    ("document", "plain"), [*((d, False) for d in REMARKABLE), *((d, True) for d in PLAIN)]
)
def test_the_build_reports_alike_with_the_loaders_mappings_or_without(
    document: dict[str, Any], plain: bool
) -> None:
    marked = check_defaults(document, lambda *report: None)
    assert all(len(node) == 1 and "$ref" in node for node in marked) is plain
    with_marked, without = Sink(), Sink()
    api, source = build(document, with_marked, "spec.yaml", marked)
    again, source_again = build(document, without, "spec.yaml")
    assert [d.render() for d in with_marked] == [d.render() for d in without]
    assert (api, source) == (again, source_again)


@pytest.mark.parametrize(
    ("document", "code"),
    [
        (REMARKABLE[0], "one-of-overlap"),
        (REMARKABLE[1], "ref-siblings-ignored"),
        (REMARKABLE[2], "prefix-items-loose"),
    ],
)
def test_a_node_deep_down_is_reported_through_the_loaders_mappings(
    document: dict[str, Any], code: str
) -> None:
    sink = Sink()
    build(document, sink, "spec.yaml", check_defaults(document, lambda *report: None))
    assert [d.code for d in sink] == [code, "missing-operation-id"]
