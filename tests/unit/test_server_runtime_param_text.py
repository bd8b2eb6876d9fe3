"""The server runtime's reading of parameter text as the numbers and booleans it spells
(``templates/runtime/server/_runtime/param_text.py``), position by position of a schema."""

from __future__ import annotations

import datetime
import importlib
import uuid
from typing import Annotated, Any, Literal

import pytest
from annotated_types import Le
from pydantic import StringConstraints, TypeAdapter, ValidationError
from server_runtime_loader import FAKE_PACKAGE, load_server_runtime

load_server_runtime()
param_text = importlib.import_module(f"{FAKE_PACKAGE}._runtime.param_text")

NUMBER_OR_TEXT = {"anyOf": [{"type": "number"}, {"type": "string"}]}


def read(schema: dict[str, Any], value: Any, data: tuple[str, ...] = ()) -> Any:
    reader = param_text.text_reader(schema, data)
    return value if reader is None else reader(value)


def test_a_text_spelling_a_json_number_or_boolean_the_schema_admits_is_that_value() -> None:
    assert [read(NUMBER_OR_TEXT, t) for t in ("1.5", "-3", "1e+20", "abc")] == [
        1.5,
        -3,
        1e20,
        "abc",
    ]
    flag = {"oneOf": [{"type": "boolean"}, {"type": "string"}]}
    assert [read(flag, t) for t in ("true", "false", "1", "True")] == [True, False, "1", "True"]
    whole = {"anyOf": [{"type": "integer"}, {"type": "string"}]}
    assert [read(whole, t) for t in ("7", "7.5")] == [7, "7.5"]  # 7.5 is no integer


def test_text_that_is_no_json_spelling_stays_text() -> None:
    for text in (" 1", "1 ", "NaN", "Infinity", "-Infinity", "01", "", "+1", '"1"', "null"):
        assert read(NUMBER_OR_TEXT, text) == text


def test_only_strings_have_nothing_to_read() -> None:
    assert param_text.text_reader({"type": "string"}) is None
    assert param_text.text_reader({"type": "array", "items": {"type": "string"}}) is None


def test_each_item_and_property_is_read_by_its_own_schema() -> None:
    schema = {
        "type": "object",
        "properties": {
            "low": NUMBER_OR_TEXT,
            "name": {"type": "string"},
            "tags": {"type": "array", "items": NUMBER_OR_TEXT},
        },
        "additionalProperties": {"type": "integer"},
    }
    value = {"low": "2", "name": "3", "tags": ["4", "x"], "other": "5"}
    assert read(schema, value) == {"low": 2, "name": "3", "tags": [4, "x"], "other": 5}
    assert read(schema, value, data=("low",))["low"] == "2"  # data already: a JSON part
    nullable = {"anyOf": [{"type": "array", "items": NUMBER_OR_TEXT}, {"type": "null"}]}
    assert read(nullable, ["1", "a"]) == [1, "a"]


def test_the_text_is_validated_as_sent_when_the_value_it_spells_does_not_fit() -> None:
    adapter: TypeAdapter[Any] = TypeAdapter(Any)
    reader = param_text.text_reader(
        {"anyOf": [{"type": "number", "maximum": 1}, {"type": "string"}]}
    )
    assert param_text.validate_text(adapter, "5", reader) == 5  # Any takes the number
    bounded: TypeAdapter[Any] = TypeAdapter(float | str)
    assert param_text.validate_text(bounded, "5", reader) == 5.0
    strict_text: TypeAdapter[Any] = TypeAdapter(str)
    assert param_text.validate_text(strict_text, "5", reader) == "5"  # the number fails: the text


def test_only_the_failing_item_or_property_goes_back_to_its_text() -> None:
    schema = {"anyOf": [{"type": "integer", "maximum": 10}, {"type": "string"}]}
    reader = param_text.text_reader({"type": "array", "items": schema})
    small_or_text: TypeAdapter[Any] = TypeAdapter(list[Annotated[int, Le(10)] | str])
    assert param_text.validate_text(small_or_text, ["5", "50"], reader) == [5, "50"]
    reader = param_text.text_reader({"type": "object", "properties": {"a": schema, "b": schema}})
    pair: TypeAdapter[Any] = TypeAdapter(dict[str, Annotated[int, Le(10)] | str])
    assert param_text.validate_text(pair, {"a": "5", "b": "50"}, reader) == {"a": 5, "b": "50"}


def test_a_failing_part_of_a_json_item_is_named_in_the_errors() -> None:
    where = {"type": "object", "properties": {"min_age": {"type": "integer"}}}
    reader = param_text.text_reader({"type": "array", "items": where})
    lines: TypeAdapter[Any] = TypeAdapter(list[dict[str, int]])
    with pytest.raises(ValidationError) as raised:
        param_text.validate_text(lines, ['{"min_age":1}', '{"min_age":"old"}'], reader)
    assert [e["loc"] for e in raised.value.errors()] == [(1, "min_age")]


def test_an_object_or_array_item_is_read_as_the_json_it_spells() -> None:
    pairs = {"type": "array", "items": {"type": "array", "items": {"type": "integer"}}}
    assert read(pairs, ["[1,2]", "[3]", "x", "[4"]) == [[1, 2], [3], "x", "[4"]
    lines = {"type": "array", "items": {"anyOf": [{"type": "object"}, {"type": "null"}]}}
    assert read(lines, ['{"a":1}', "[1]", "1"]) == [{"a": 1}, [1], "1"]
    either = {"type": "array", "items": {"anyOf": [{"type": "object"}, {"type": "string"}]}}
    assert param_text.text_reader(either) is None  # a string item may look like JSON


def test_json_nested_beyond_64_levels_stays_text() -> None:
    pairs = {"type": "array", "items": {"type": "array", "items": {"type": "integer"}}}
    deep, wide = "[" * 1000 + "]" * 1000, "[" * 65 + "]" * 65
    assert read(pairs, [deep, wide]) == [deep, wide]  # no RecursionError: the text as sent
    quoted = '["' + "[" * 100 + '\\""]'  # brackets in a string do not nest
    assert read(pairs, [quoted]) == [["[" * 100 + '"']]


def test_split_outside_json_keeps_each_json_item_whole() -> None:
    split = param_text.split_outside_json
    assert split('{"a":1,"b":"x,}\\",y"},[1,2],3', ",") == ['{"a":1,"b":"x,}\\",y"}', "[1,2]", "3"]
    assert split("a|b", "|") == ["a", "b"]
    assert split("a,b]", ",") == ["a", "b]"]  # a stray closer is no nesting


def _validated(type_: Any, raw: Any) -> Any:
    adapter: TypeAdapter[Any] = TypeAdapter(type_)
    return param_text.validate_text(adapter, raw, param_text.text_reader(adapter.json_schema()))


def test_an_empty_item_is_null_where_its_schema_admits_null_and_not_the_empty_string() -> None:
    """The client sends a ``None`` item as the empty item; ``""`` stays text where it is a
    valid item (a string, any value), and a whole value's empty text is never null."""
    nullable = [
        list[int | bool | None],
        list[Literal["a"] | None],
        list[float | None],
        list[datetime.date | None],
        list[uuid.UUID | None],
        list[Annotated[str, StringConstraints(min_length=1)] | None],
        list[Annotated[str, StringConstraints(pattern="^a+$")] | None],
    ]
    for type_ in nullable:
        assert _validated(type_, ["", ""]) == [None, None], type_
    for type_ in (list[str | None], list[Literal[""] | None], list[Any]):
        assert _validated(type_, ["", ""]) == ["", ""], type_
    for type_, raw in ((list[int], ["1", ""]), (int | None, ""), (list[int | None], ["x", ""])):
        with pytest.raises(ValidationError) as refused:
            _validated(type_, raw)
        assert refused.value.errors()[-1]["input"] == "", type_  # the text's errors
    nulled = TypeAdapter(Annotated[list[datetime.date | None], param_text.EMPTY_ITEMS_NULL])
    assert nulled.validate_python(["2024-01-02", ""]) == [datetime.date(2024, 1, 2), None]
