"""Defaults, enum values and consts compared as JSON values: ``true`` is not ``1``.

Python has ``True == 1``, ``{1} == {True}`` and ``[1] == [True]``; the models render
another value of another type, so each such edit must be reported.
"""

from __future__ import annotations

from typing import Any

from diff_base import base, diff, edited, op, schema, snapshot

from apiforge.diff.engine import compare
from apiforge.diff.values import identical, json_key


def _rules(old: dict[str, Any], new: dict[str, Any]) -> set[tuple[str, str]]:
    return {(c.rule, c.symbol) for c in diff(old, new).changes if c.audience == "client"}


def _status(*values: Any) -> dict[str, Any]:
    return edited(
        lambda d: d["components"]["schemas"].__setitem__(
            "Status", {"type": "integer", "enum": list(values)}
        )
    )


def test_an_enum_value_from_1_to_true_is_removed_and_added() -> None:
    found = _rules(_status(0, 1), _status(0, True))
    assert ("enum-value-removed", "models.Status") in found
    assert ("enum-value-added", "models.Status") in found


def test_a_field_default_from_a_list_of_1_to_a_list_of_true_changed() -> None:
    def tags(value: Any) -> dict[str, Any]:
        prop = {"type": "array", "items": {}, "default": value}
        return edited(lambda d: schema(d, "Pet")["properties"].__setitem__("tags", prop))

    assert ("field-default-changed", "models.Pet.tags") in _rules(tags([1]), tags([True]))
    assert _rules(tags([1]), tags([1.0])) == set()  # the same JSON number


def test_a_const_from_1_to_true_changes_the_field_type() -> None:
    def kind(value: Any) -> dict[str, Any]:
        def edit(d: dict[str, Any]) -> None:
            d["openapi"] = "3.1.0"  # const is 3.1's
            schema(d, "Pet")["properties"]["kind"] = {"const": value}

        return edited(edit)

    assert ("field-type-changed", "models.Pet.kind") in _rules(kind(1), kind(True))


def test_an_operation_equal_but_for_a_boolean_default_is_compared() -> None:
    """Both sides in one file (the release step): the IR compares equal in Python."""

    def limit(value: Any) -> dict[str, Any]:
        return edited(
            lambda d: op(d, "/pets/", "get")["parameters"][0]["schema"].__setitem__(
                "default", value
            )
        )

    report = compare(snapshot(limit(0), "shop.yaml"), snapshot(limit(False), "shop.yaml"))
    assert {c.rule for c in report.changes} == {"parameter-default-changed"}


def test_identical_tells_booleans_from_numbers_at_any_depth() -> None:
    assert identical({"a": [1, {"b": 2.0}]}, {"a": [1, {"b": 2}]})
    assert not identical({"a": [1, {"b": 1}]}, {"a": [1, {"b": True}]})
    assert json_key(1) != json_key(True) and json_key(1) == json_key(1.0)
    assert identical(base(), base())


def test_a_model_fields_const_is_its_type() -> None:
    """The models spell a field's ``const`` as ``Literal["a"]``: another value is another type."""

    def kind(**prop: Any) -> dict[str, Any]:
        def edit(d: dict[str, Any]) -> None:
            d["openapi"] = "3.1.0"
            schema(d, "Pet")["properties"]["kind"] = {"type": "string", **prop}

        return edited(edit)

    assert ("field-type-changed", "models.Pet.kind") in _rules(kind(const="a"), kind(const="b"))
    assert ("field-type-narrower", "models.Pet.kind") in _rules(kind(), kind(const="a"))
    assert _rules(kind(const="a"), kind(const="a", description="x")) == set()
