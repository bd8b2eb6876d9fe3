"""The IR build's and the naming pass's shortcuts give what their plain paths give.

``SchemaRegistry.type_at`` types a primitive schema and a component ``$ref`` without the
location ``type_of`` is given (and a ``$ref``'s TypeRef once per reference and nullability);
``ir/keywords.py`` walks a schema without paths before it reports; ``Nester.parts`` keeps a
``$ref`` property without ``part``, and a schema with nothing hoisted as it is;
``naming.words`` skips NFKD for ASCII and finds a text's words once; a shape's facts are cached without ``cached_property``. Each test compares the
shortcut with the plain path on varied inputs, so a shortcut that keys or skips wrongly fails.
"""

from __future__ import annotations

import copy
import pickle
import random
import unicodedata
from typing import Any

import pytest

from apiforge.diagnostics import Sink, SpecLocation
from apiforge.ir import keywords
from apiforge.ir.build import build
from apiforge.ir.nested import Nester, component_key
from apiforge.ir.schemas import SchemaRegistry
from apiforge.ir.shapes import build_shapes
from apiforge.ir.summaries import Summaries
from apiforge.naming import words

BASE = SpecLocation("spec.yaml", "/paths/~1x/get/parameters/0")
KINDS = ["string", "integer", "number", "boolean", "array", "object", "null", "strange", None]
EXTRAS: list[dict[str, Any]] = [
    {},
    {"format": "uuid"},
    {"format": "binary"},
    {"format": 3},
    {"nullable": True},
    {"nullable": "yes"},
    {"enum": ["a", "b"]},
    {"enum": [None]},
    {"const": "x"},
    {"const": 1.5},
    {"items": {"type": "integer"}},
    {"additionalProperties": {"type": "string"}},
    {"properties": {"a": {"type": "string"}}},
    {"allOf": [{"$ref": "#/components/schemas/A"}]},
    {"oneOf": [{"type": "string"}, {"type": "null"}]},
    {"anyOf": [{"type": "string"}, {"type": "integer"}]},
    {"not": {"type": "string"}},
    {"patternProperties": {"^x": {}}},
    {"description": "d", "default": "x"},
    {"$ref": 7},
]


def _registry() -> SchemaRegistry:
    document = {
        "openapi": "3.0.3",
        "components": {"schemas": {"A": {"type": "object"}, "B~1C": {"type": "string"}}},
    }
    return SchemaRegistry(document, Sink(), "spec.yaml")


def _schemas(seed: int, count: int) -> list[Any]:
    rng = random.Random(seed)
    found: list[Any] = [None, "string", 3, [], {}]
    for _ in range(count):
        schema: dict[str, Any] = {}
        kind = rng.choice(KINDS)
        if kind is not None:
            schema["type"] = kind if rng.random() < 0.8 else [kind, "null"]
        for extra in rng.sample(EXTRAS, rng.randint(0, 3)):
            schema.update(copy.deepcopy(extra))
        found.append(schema)
    return found


def _state(registry: SchemaRegistry) -> tuple[Any, ...]:
    """What a typing call may leave behind: hoisted schemas, their locations, diagnostics."""
    return (registry.schemas, registry.locations, [d.as_dict() for d in registry.sink])


def test_type_at_gives_what_type_of_gives_at_the_spelt_location() -> None:
    refs = [
        {"$ref": "#/components/schemas/A"},
        {"$ref": "#/components/schemas/A", "nullable": True},
        {"$ref": "#/components/schemas/B~01C"},
        {"$ref": "#/components/schemas/B%7E1C", "type": ["object", "null"]},
        {"$ref": "#/components/schemas/Missing"},
        {"$ref": "#/components/schemas/A/properties/x"},
    ]
    for schema in [*_schemas(1, 400), *refs, *refs]:  # refs twice: the second read is memoized
        fast, plain = _registry(), _registry()
        tokens = ("schema",)
        got = fast.type_at(copy.deepcopy(schema), BASE, tokens, "OpX")
        expected = plain.type_of(copy.deepcopy(schema), BASE.child(*tokens), "OpX")
        assert got == expected, schema
        assert pickle.dumps(got) == pickle.dumps(expected), schema
        assert _state(fast) == _state(plain), schema


def test_a_component_ref_is_one_typeref_per_reference_and_nullability() -> None:
    registry = _registry()
    loc = BASE.child("schema")
    ref = "#/components/schemas/A"
    for nullable in (False, True, True, False):
        schema = {"$ref": ref, **({"nullable": True} if nullable else {})}
        got = registry.type_at(schema, BASE, ("schema",), "H")
        assert got.model == "A" and got.nullable is nullable
        assert got is registry.type_ref("model", component_key(ref), None, nullable)
        # a property keeps the $ref as written
        assert Summaries(registry).shallow(schema) is registry.type_ref("model", "A")
    assert registry.type_of({"$ref": "#/components/schemas/Later"}, loc, "H").kind == "any"
    registry.schemas["Later"] = {"type": "object"}  # a component known later is found then
    assert registry.type_of({"$ref": "#/components/schemas/Later"}, loc, "H").model == "Later"


UNENFORCED_PLACES = [
    lambda s: s,
    lambda s: {"items": s},
    lambda s: {"additionalProperties": s},
    lambda s: {"properties": {"p": s}},
    lambda s: {"$defs": {"d": s}},
    lambda s: {"definitions": {"d": s}},
    lambda s: {"allOf": [{}, s]},
    lambda s: {"oneOf": [s]},
    lambda s: {"anyOf": [s]},
    lambda s: {"prefixItems": [1, s]},
    lambda s: {"properties": [s]},  # not a mapping: not walked
    lambda s: {"allOf": {"x": s}},  # not a list: not walked
    lambda s: {"examples": [s]},  # data: not walked
    lambda s: {"type": "object", "properties": {"q": {"items": {"anyOf": [s]}}}},
]


def _nested(rng: random.Random, depth: int) -> Any:
    if depth == 0 or rng.random() < 0.2:
        leaf: dict[str, Any] = {"type": rng.choice(["string", "integer"])}
        if rng.random() < 0.15:
            leaf[rng.choice(keywords.UNENFORCED)] = {}
        return leaf
    return rng.choice(UNENFORCED_PLACES)(_nested(rng, depth - 1))


def _reported(schema: Any) -> list[dict[str, object]]:
    sink = Sink()
    keywords._report(sink, schema, BASE, ())
    return [d.as_dict() for d in sink]


def test_the_pathless_walk_finds_a_keyword_exactly_when_the_report_does() -> None:
    rng = random.Random(7)
    schemas = [_nested(rng, rng.randint(0, 6)) for _ in range(1500)]
    schemas += [place({"not": {}}) for place in UNENFORCED_PLACES]
    mentioned = 0
    for schema in schemas:
        reported = _reported(schema)
        assert keywords._mentions(schema) == bool(reported), schema
        sink = Sink()
        keywords.check_keywords(sink, schema, BASE)
        assert [d.as_dict() for d in sink] == reported
        mentioned += bool(reported)
    assert 100 < mentioned < len(schemas) - 100  # both kinds were tried, many times


def _recording_nester(hoisted: list[tuple[Any, ...]]) -> Nester:
    def hoist(schema: dict[str, Any], location: SpecLocation, hint: str) -> str:
        hoisted.append((schema, location, hint))
        return f"H{len(hoisted)}"

    return Nester("Owner", hoist, False)


def test_nester_parts_keeps_each_property_as_part_gives_it() -> None:
    rng = random.Random(3)
    options = [
        {"$ref": "#/components/schemas/A"},
        {"$ref": "#/components/schemas/Owner", "description": "self"},
        {"type": "string"},
        {"type": "string", "enum": ["a"]},
        {"type": "array", "items": {"$ref": "#/components/schemas/Owner"}},
        {"type": "object", "properties": {"x": {"type": "integer"}}},
        {"allOf": [{"$ref": "#/components/schemas/A"}], "readOnly": True},
        {"additionalProperties": {"type": "object", "properties": {"y": {}}}},
        True,
        "odd",
    ]
    for _ in range(300):
        chosen = rng.sample(options, rng.randint(1, len(options)))
        props = {f"p{i}": copy.deepcopy(sub) for i, sub in enumerate(chosen)}
        schema = {"type": "object", "properties": props}
        fast_hoisted: list[tuple[Any, ...]] = []
        plain_hoisted: list[tuple[Any, ...]] = []
        got = _recording_nester(fast_hoisted).parts(schema, BASE, "Owner")
        plain = _recording_nester(plain_hoisted)
        expected = {
            name: plain.part(sub, BASE, ("properties", name), "Owner" + words.class_name(name))
            for name, sub in props.items()
        }
        assert got["properties"] == expected
        for name, sub in props.items():  # the very object part() gives for a $ref or non-dict
            assert (got["properties"][name] is sub) == (expected[name] is sub), name
        assert fast_hoisted == plain_hoisted


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "string"},
        {"type": "object", "properties": {"a": {"type": "string"}, "b": {"$ref": "#/x"}}},
        {"type": "array", "items": {"type": "array", "items": {"type": "integer"}}},
        {"oneOf": [{"type": "string"}, {"$ref": "#/components/schemas/A"}], "allOf": [{}]},
        {"additionalProperties": {"type": "string"}, "properties": {"c": True, "d": "odd"}},
        {"allOf": [{"$ref": "#/components/schemas/A"}, {"properties": {"e": {"type": "string"}}}]},
    ],
)
def test_a_schema_with_nothing_hoisted_is_the_node_itself(schema: dict[str, Any]) -> None:
    before = copy.deepcopy(schema)
    hoisted: list[tuple[Any, ...]] = []
    assert _recording_nester(hoisted).parts(schema, BASE, "Owner") is schema
    assert hoisted == [] and schema == before


def test_a_schema_with_a_hoisted_part_is_a_copy_and_the_node_stays() -> None:
    inline = {"type": "object", "properties": {"x": {"type": "integer"}}}
    kept = {"type": "string"}
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {"a": kept, "b": inline, "c": {"$ref": "#/components/schemas/A"}},
        "items": {"type": "string", "enum": ["u", "v"]},
        "anyOf": [{"type": "string"}, {"type": "object", "properties": {"y": {}}}],
    }
    before = copy.deepcopy(schema)
    hoisted: list[tuple[Any, ...]] = []
    got = _recording_nester(hoisted).parts(schema, BASE, "Owner")
    assert schema == before  # the node as it was: the changes are in the copy
    assert list(got) == list(schema) and got is not schema
    assert got["properties"] == {
        "a": kept,
        "b": {"$ref": "#/components/schemas/H2"},
        "c": {"$ref": "#/components/schemas/A"},
    }
    assert got["properties"]["a"] is kept and got["properties"]["c"] is schema["properties"]["c"]
    assert got["items"] == {"$ref": "#/components/schemas/H1"}
    assert got["anyOf"][0] is schema["anyOf"][0]
    assert got["anyOf"][1] == {"$ref": "#/components/schemas/H3"}
    assert [hint for _, _, hint in hoisted] == ["OwnerItem", "OwnerB", "OwnerOption2"]


def _plain_ascii_text(text: str) -> str:
    table = words._TRANSLITERATE
    return unicodedata.normalize("NFKD", text.translate(table)).encode("ascii", "ignore").decode()


TEXTS = [
    "listPets",
    "X-Rate-Limit",
    "größe",
    "Straße_Ølæ",
    "名前",
    "ﬁle",
    "",
    "__",
    "HTTPServer2Go",
    "already_snake_case",
    "ＡＢＣ",
]


def test_ascii_text_and_words_give_what_the_plain_spelling_gives() -> None:
    rng = random.Random(5)
    alphabet = "aZ09_-. /{}ßØéñ名ﬁ\u0301"
    texts = TEXTS + [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(2000)
    ]
    for text in texts:
        assert words.ascii_text(text) == _plain_ascii_text(text), text
        found = words._WORD.findall(_plain_ascii_text(text))
        plain = found or [
            w
            for w in words.re.findall(r"[^\W_]+", unicodedata.normalize("NFKC", text))
            if ("a" + w).isidentifier()
        ]
        assert words.words(text) == plain, text
        assert words.words(text) is not words.words(text)  # a list of one's own, as before
        assert words.snake_case(text) == "_".join(w.lower() for w in plain)


SHAPES = {
    "A": {"type": "object", "properties": {"a": {"type": "string", "readOnly": True}}},
    "B": {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/A"}}},
    "C": {"type": "string", "enum": ["x"]},
}


@pytest.mark.parametrize("fact", ["splits", "properties", "digest", "_scanned"])
def test_a_shape_fact_is_made_once_and_kept_under_its_name(fact: str) -> None:
    locations = {key: SpecLocation("spec.yaml", f"/components/schemas/{key}") for key in SHAPES}
    shapes = build_shapes(SHAPES, locations, Sink())
    for shape in shapes.values():
        plain = type(shape).__dict__[fact].func(shape)
        first = getattr(shape, fact)
        assert first == plain and shape.__dict__[fact] is first
        assert getattr(shape, fact) is first  # read back, not made again
    assert [shapes[k].splits for k in SHAPES] == [True, False, False]


def test_a_body_schema_read_at_its_own_location() -> None:
    """The location type_at spells late is the one the plain path spelt first."""
    inline = {"type": "object", "properties": {"a": {"type": "string"}}}
    operation = {
        "operationId": "make",
        "requestBody": {"content": {"application/json": {"schema": inline}}},
        "responses": {
            "200": {"description": "ok", "content": {"text/csv": {"schema": {"type": "tabular"}}}}
        },
    }
    document = {
        "openapi": "3.0.3",
        "info": {"title": "T", "version": "1"},
        "paths": {"/x": {"post": operation}},
    }
    sink = Sink()
    api, _ = build(document, sink, "spec.yaml")
    where = "/paths/~1x/post"
    (hoisted,) = api.schemas.values()
    assert hoisted.spec_location.pointer == f"{where}/requestBody/content/application~1json/schema"
    assert [(d.code, d.location.pointer) for d in sink] == [
        ("unknown-type", f"{where}/responses/200/content/text~1csv/schema")
    ]
