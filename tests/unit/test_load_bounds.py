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
