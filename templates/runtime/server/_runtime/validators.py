"""Validator metadata of the generated routes' parameters and bodies: ``rt.from_text(...)``
(text spelling an enum's non-string member), ``rt.UNIQUE_ITEMS`` (``uniqueItems``) and
``rt.WIRE_NAMES`` (a JSON body's wire names only)."""

import json
from collections.abc import Iterable
from typing import (
    Any,
    Final,
    get_args,
)

from pydantic import (
    BaseModel,
    BeforeValidator,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    TypeAdapter,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema


def from_text(values: Iterable[object]) -> BeforeValidator:
    """Validator metadata of a parameter whose enum lists values other than strings.

    A parameter arrives as text: ``?mixed=1`` is the string ``"1"``, which pydantic
    would not match with the member ``1`` of the enum ``[1, "two"]``. Each text that
    spells one of ``values`` as JSON does (``1``, ``2.5``, ``true``) is read as that
    value, in a list item by item; a string member keeps its own text.
    """
    strings = {value for value in values if isinstance(value, str)}
    table = {
        spelt: value
        for value in values
        if value is not None and not isinstance(value, str)
        for spelt in (json.dumps(value),)
        if spelt not in strings
    }

    def read(value: Any) -> Any:
        if isinstance(value, str):
            return table.get(value, value)
        if isinstance(value, list):
            return [table.get(item, item) if isinstance(item, str) else item for item in value]
        return value

    return BeforeValidator(read)


_JSON_DATA: Final[TypeAdapter[Any]] = TypeAdapter(Any)


def _json_key(value: Any) -> Any:
    """JSON data as a hashable key, equal for equal JSON values (``1`` and ``1.0``, not ``true``)."""
    if isinstance(value, dict):
        return ("object", frozenset((key, _json_key(item)) for key, item in value.items()))
    if isinstance(value, list):
        return ("array", tuple(_json_key(item) for item in value))
    if isinstance(value, bool):
        return ("boolean", value)
    return ("number" if isinstance(value, (int, float)) else "other", value)


def _check_unique(items: Any) -> Any:
    """``items`` when no two are equal as JSON (a set of keys: linear in the array's length)."""
    seen: set[Any] = set()
    for item in _JSON_DATA.dump_python(items, mode="json", by_alias=True):
        key = _json_key(item)
        if key in seen:
            raise PydanticCustomError(
                "unique_items", "Items must be unique: {item} repeats", {"item": item}
            )
        seen.add(key)
    return items


class _UniqueItems:
    """Validator metadata: an array parameter's ``uniqueItems`` (no two items equal)."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return core_schema.no_info_after_validator_function(_check_unique, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        documented = handler(schema)
        branches = documented.get("anyOf")
        if isinstance(branches, list):  # an optional parameter: ``array | null``
            return {
                **documented,
                "anyOf": [
                    {**b, "uniqueItems": True} if b.get("type") == "array" else b for b in branches
                ],
            }
        return {**documented, "uniqueItems": True}


UNIQUE_ITEMS: Final = _UniqueItems()
"""Validator metadata of an array parameter (or body) whose schema says ``uniqueItems: true``."""


class _WireNames:
    """Validator metadata of a request body read by FastAPI: only wire names are accepted.

    The models let an implementation build them by Python name (``display_name=...``,
    ``populate_by_name``); a request spells each property as the spec does
    (``display-name``), so a body sending the Python name lacks the property. The body
    is validated by its own adapter with ``by_name=False``, nested models included;
    its JSON schema stays the model's. A body whose models (nested ones included) spell
    every property as the spec does is left to FastAPI, at no cost.
    """

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        schema = handler(source)
        if not _renames(source, set()):
            return schema  # every wire name is the Python name: nothing to refuse, no cost
        adapters: list[TypeAdapter[Any]] = []

        def validate(value: Any) -> Any:
            if not adapters:
                adapters.append(TypeAdapter(source))
            return adapters[0].validate_python(
                value, from_attributes=True, by_alias=True, by_name=False
            )

        return core_schema.no_info_plain_validator_function(
            validate, json_schema_input_schema=schema
        )


def _renames(annotation: Any, seen: set[type]) -> bool:
    """True when ``annotation`` holds a model with a property whose wire name is not its own."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return False
        seen.add(annotation)
        for name, field in annotation.model_fields.items():
            alias = field.validation_alias if field.validation_alias is not None else field.alias
            if (alias is not None and alias != name) or _renames(field.annotation, seen):
                return True
        return False
    return any(_renames(argument, seen) for argument in get_args(annotation))


WIRE_NAMES: Final = _WireNames()
"""Validator metadata of a JSON request body whose models rename properties (see ``_WireNames``)."""
