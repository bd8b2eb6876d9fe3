"""ir/document_checks.py: the document relaxed and normalised for the IR, checked in one walk.

The walk that checks a 3.0 document also looks for ``x-apiforge-one-of`` (in example data
too); on a find it starts over on the relaxed document, so the warnings are those of the
document the IR reads, whichever way it got there.
"""

from __future__ import annotations

import copy
from typing import Any

from apiforge.diagnostics import Sink
from apiforge.ir.document_checks import prepare
from apiforge.ir.one_of import relax_one_of

OPEN_A = {"type": "object", "properties": {"a": {"type": "string"}}}
OPEN_B = {"type": "object", "properties": {"b": {"type": "string"}}}


def document(version: str = "3.0.3", **schemas: Any) -> dict[str, Any]:
    return {
        "openapi": version,
        "info": {"title": "T", "version": "1"},
        "paths": {},
        "components": {"schemas": {"A": OPEN_A, "B": OPEN_B, **schemas}},
    }


def overlapping(**extra: Any) -> dict[str, Any]:
    refs = [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]
    return {"oneOf": refs, **extra}


def warnings(sink: Sink) -> list[tuple[str, str]]:
    return [(d.code, d.location.pointer) for d in sink]


def test_a_plain_3_0_document_is_checked_as_it_is() -> None:
    doc = document(
        U=overlapping(),
        Described={"$ref": "#/components/schemas/A", "maxLength": 3},  # beside a $ref
        Tuple={"type": "array", "prefixItems": [{"type": "string"}]},
    )
    sink = Sink()
    assert prepare(doc, sink, "spec.yaml") is doc  # nothing to relax or normalise: no copy
    # one-of-overlap warnings first, then the keyword warnings, each in document order
    assert warnings(sink) == [
        ("one-of-overlap", "/components/schemas/U/oneOf"),
        ("ref-siblings-ignored", "/components/schemas/Described"),
        ("prefix-items-loose", "/components/schemas/Tuple/prefixItems"),
    ]


def test_the_extension_on_a_schema_relaxes_that_one_of_only() -> None:
    doc = document(U=overlapping(), V=overlapping(**{"x-apiforge-one-of": "any"}))
    before = copy.deepcopy(doc)
    sink = Sink()
    prepared = prepare(doc, sink, "spec.yaml")
    assert doc == before  # the loaded document is left as it was
    assert "anyOf" in prepared["components"]["schemas"]["V"]
    assert "oneOf" in prepared["components"]["schemas"]["U"]
    assert warnings(sink) == [("one-of-overlap", "/components/schemas/U/oneOf")]


def test_the_extension_at_the_top_relaxes_every_one_of() -> None:
    doc = {**document(U=overlapping()), "x-apiforge-one-of": "any"}
    sink = Sink()
    prepared = prepare(doc, sink, "spec.yaml")
    assert "anyOf" in prepared["components"]["schemas"]["U"]
    assert warnings(sink) == []


def test_an_extension_found_in_example_data_is_found_as_before() -> None:
    # Only data mentions it: the document the IR reads is relax_one_of's copy (which
    # rewrites the example's oneOf too), and the schema's oneOf still overlaps.
    example = {"x-apiforge-one-of": "any", "oneOf": []}
    doc = document(U=overlapping(example=example))
    sink = Sink()
    prepared = prepare(doc, sink, "spec.yaml")
    assert prepared is not doc and prepared == relax_one_of(doc)
    assert prepared["components"]["schemas"]["U"]["example"] == {
        "x-apiforge-one-of": "any",
        "anyOf": [],
    }
    assert warnings(sink) == [("one-of-overlap", "/components/schemas/U/oneOf")]


def test_a_3_1_document_is_normalised_before_it_is_checked() -> None:
    doc = document(
        "3.1.0",
        Closed={"type": "object", "unevaluatedProperties": False},
        Beside={"$ref": "#/components/schemas/A", "unevaluatedProperties": False},
    )
    doc["jsonSchemaDialect"] = "https://example.com/dialect"
    sink = Sink()
    prepared = prepare(doc, sink, "spec.yaml")
    assert prepared["components"]["schemas"]["Closed"] == {
        "type": "object",
        "additionalProperties": False,
    }
    assert warnings(sink) == [
        ("schema-dialect", "/jsonSchemaDialect"),
        ("ref-siblings-ignored", "/components/schemas/Beside"),
    ]
    # the warning names the keyword the models read: the normalised one
    assert "additionalProperties beside $ref" in list(sink)[1].message
