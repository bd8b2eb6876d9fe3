"""Which schemas' bounds leave no value (``contradictory-bounds``), and which merely meet."""

from __future__ import annotations

from typing import Any

import pytest

from apiforge.load.bounds import empty_range


@pytest.mark.parametrize(
    "schema, keyword",
    [
        ({"minimum": 10, "maximum": 1}, "maximum"),
        ({"minimum": 1, "maximum": 1, "exclusiveMinimum": True}, "maximum"),  # 3.0's flag
        ({"minimum": 1, "maximum": 1, "exclusiveMaximum": True}, "maximum"),
        ({"exclusiveMinimum": 1, "maximum": 1}, "maximum"),  # 3.1's numbers
        ({"minimum": 0, "exclusiveMinimum": 5, "exclusiveMaximum": 5}, "exclusiveMaximum"),
        ({"minimum": 0.5, "maximum": 0.25}, "maximum"),
        ({"minLength": 3, "maxLength": 2}, "maxLength"),
        ({"minItems": 3, "maxItems": 2}, "maxItems"),
        ({"minProperties": 3, "maxProperties": 2}, "maxProperties"),
    ],
)
def test_bounds_that_leave_no_value(schema: dict[str, Any], keyword: str) -> None:
    found = empty_range(schema)
    assert found is not None and found[0] == keyword


@pytest.mark.parametrize(
    "schema",
    [
        {"minimum": 1, "maximum": 1},
        {"minimum": 1, "maximum": 2, "exclusiveMinimum": True},
        {"minimum": 1, "exclusiveMaximum": False, "maximum": 1},
        {"minLength": 2, "maxLength": 2},
        {"minimum": True, "maximum": 0},  # booleans are no numbers
        {"minimum": {"type": "integer"}, "maximum": {"type": "integer"}},  # properties so named
        {"maximum": 1},
    ],
)
def test_bounds_that_leave_some(schema: dict[str, Any]) -> None:
    assert empty_range(schema) is None


def test_the_message_names_both_bounds_and_the_exclusion() -> None:
    found = empty_range({"minimum": 1, "maximum": 1, "exclusiveMinimum": True})
    assert found is not None
    assert found[1].startswith("minimum 1 (exclusiveMinimum: true) is equal to maximum 1: ")
    assert "swapped" not in found[1]
    swapped = empty_range({"minimum": 10, "maximum": 1})
    assert swapped is not None and swapped[1].endswith("(are they swapped?)")


@pytest.mark.parametrize(
    "pointer",
    [
        "/components/schemas/A/not",  # an empty `not` admits everything
        "/components/schemas/A/if",
        "/components/schemas/A/then",
        "/components/schemas/A/else",
        "/components/schemas/A/not/properties/b",
        "/components/schemas/A/dependentSchemas/b",
        "/components/schemas/A/properties/not/if",
    ],
)
def test_no_warning_where_the_schema_is_not_enforced(pointer: str) -> None:
    assert empty_range({"type": "integer", "minimum": 10, "maximum": 1}, pointer) is None


@pytest.mark.parametrize(
    "pointer", ["/components/schemas/A/properties/not", "/paths/~1if/get/parameters/0/schema"]
)
def test_names_like_keywords_are_no_keywords(pointer: str) -> None:
    found = empty_range({"type": "integer", "minimum": 10, "maximum": 1}, pointer)
    assert found is not None and "rejects every one" in found[1]


def test_an_alternative_rejects_only_its_own_values() -> None:
    found = empty_range({"type": "integer", "minimum": 10, "maximum": 1}, "/A/anyOf/0")
    assert found is not None
    assert found[1].endswith(
        ", so an integer here can match only another anyOf alternative (are they swapped?)"
    )
    found = empty_range({"minLength": 3, "maxLength": 1}, "/A/oneOf/1/properties/b")
    assert (
        found is not None and "a string here can match only another oneOf alternative" in found[1]
    )


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "string", "minimum": 10, "maximum": 1},  # numeric bounds on a string
        {"type": ["string", "null"], "exclusiveMinimum": 1, "exclusiveMaximum": 1},
        {"type": "array", "minLength": 3, "maxLength": 1},  # lengths bound strings only
        {"type": "object", "minItems": 3, "maxItems": 1},
        {"type": "string", "minProperties": 3, "maxProperties": 1},
        {"type": "boolean", "minimum": 10, "maximum": 1},
    ],
)
def test_bounds_of_another_type_bound_nothing(schema: dict[str, Any]) -> None:
    assert empty_range(schema) is None


@pytest.mark.parametrize(
    "schema, kind",
    [
        ({"minimum": 10, "maximum": 1}, "number"),
        ({"type": ["integer", "string"], "minimum": 10, "maximum": 1}, "integer"),
        ({"type": ["number", "string"], "minLength": 3, "maxLength": 1}, "string"),
    ],
)
def test_untyped_or_multi_type_schemas_name_the_kind_and_claim_no_rejection(
    schema: dict[str, Any], kind: str
) -> None:
    """The generated models leave such bounds unchecked: the message says what the spec admits."""
    found = empty_range(schema)
    assert found is not None
    assert f"no {kind} satisfies both" in found[1] and "generated code" not in found[1]


@pytest.mark.parametrize(
    "schema, kind",
    [
        ({"type": "integer", "minimum": 10, "maximum": 1}, "integer"),
        ({"type": ["integer", "null"], "minimum": 10, "maximum": 1}, "integer"),
        ({"type": "number", "minimum": 10, "maximum": 1}, "number"),
        ({"type": "array", "minItems": 3, "maxItems": 1}, "array"),
        ({"type": "object", "minProperties": 3, "maxProperties": 1}, "object"),
    ],
)
def test_one_type_schemas_are_rejected_by_the_generated_code(
    schema: dict[str, Any], kind: str
) -> None:
    found = empty_range(schema)
    assert found is not None
    assert f"no {kind} satisfies both, so the generated code rejects every one" in found[1]


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "integer", "exclusiveMinimum": 1, "exclusiveMaximum": 2},  # 3.1's numbers
        {"type": "integer", "minimum": 1.2, "maximum": 1.8},
        {
            "type": "integer",
            "minimum": 1,
            "maximum": 2,
            "exclusiveMinimum": True,
            "exclusiveMaximum": True,
        },
        {"type": ["integer", "null"], "minimum": -1.5, "exclusiveMaximum": -1},
        {"type": ["integer", "string"], "exclusiveMinimum": 0, "maximum": 0.5},
    ],
)
def test_integer_bounds_with_no_integer_between(schema: dict[str, Any]) -> None:
    found = empty_range(schema)
    assert found is not None and "with no integer between them" in found[1]


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "number", "exclusiveMinimum": 1, "exclusiveMaximum": 2},  # 1.5 fits
        {"minimum": 1.2, "maximum": 1.8},  # untyped: numbers too
        {"type": "integer", "minimum": 1.2, "maximum": 2},
        {"type": "integer", "exclusiveMinimum": 0.5, "exclusiveMaximum": 1.5},
        {"type": "integer", "minimum": 0.5, "maximum": float("inf")},
        {"type": "integer", "minimum": float("nan"), "maximum": 0},  # NaN is no bound
        {"type": "integer", "minimum": 0.5, "maximum": 10**400},  # no float holds it
    ],
)
def test_bounds_with_an_integer_or_a_number_between(schema: dict[str, Any]) -> None:
    assert empty_range(schema) is None
