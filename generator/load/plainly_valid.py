"""Component schemas that openapi-pydantic would accept, recognised without importing it.

After one schema of a large spec changed, its group of component schemas misses the
validation cache (:mod:`apiforge.load.validation_cache`), and validating that group
imports pydantic and openapi-pydantic (~0.25 s of CPU in the validating child) to find,
almost always, nothing. :func:`schemas_valid` answers ``True`` only for a group made of
the plain cases of OpenAPI 3.0's ``Schema`` and ``Reference`` models, value by value as
those models declare them (``tests/unit/test_load_plainly_valid.py`` checks the list of
fields against the installed models and every answer against them); for anything else it
answers ``False`` and the group is validated by openapi-pydantic as before. It never
decides that something is invalid, so no diagnostic comes from here.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

MAX_DEPTH = 64
"""Deeper schemas are left to openapi-pydantic."""

_DATA_TYPES = frozenset({"string", "number", "integer", "boolean", "array", "object"})
_LIMIT = 2**53  # an int within it is exact as a float and as a 64-bit int


def _text(value: Any, depth: int) -> bool:
    return type(value) is str


def _flag(value: Any, depth: int) -> bool:
    return type(value) is bool


def _number(value: Any, depth: int = 0) -> bool:
    if type(value) is int:
        return -_LIMIT < value < _LIMIT
    return type(value) is float and math.isfinite(value)


def _count(value: Any, depth: int) -> bool:
    return type(value) is int and 0 <= value < _LIMIT


def _anything(value: Any, depth: int) -> bool:
    return True


def _unknown(value: Any, depth: int) -> bool:
    return False  # a model of its own (discriminator, xml, externalDocs): openapi-pydantic decides


def _nodes(value: Any, depth: int) -> bool:
    return type(value) is list and all(_node(item, depth) for item in value)


def _properties(value: Any, depth: int) -> bool:
    return type(value) is dict and all(
        type(name) is str and _node(item, depth) for name, item in value.items()
    )


_CHECKS: dict[str, Callable[[Any, int], bool]] = {
    **dict.fromkeys(("title", "pattern", "description", "format"), _text),
    **dict.fromkeys(("exclusiveMaximum", "exclusiveMinimum", "uniqueItems"), _flag),
    **dict.fromkeys(("nullable", "readOnly", "writeOnly", "deprecated"), _flag),
    **dict.fromkeys(("maximum", "minimum"), _number),
    **dict.fromkeys(("maxLength", "minLength", "maxItems", "minItems"), _count),
    **dict.fromkeys(("maxProperties", "minProperties"), _count),
    **dict.fromkeys(("allOf", "oneOf", "anyOf"), _nodes),
    **dict.fromkeys(("not", "items"), lambda value, depth: _node(value, depth)),
    **dict.fromkeys(("default", "example"), _anything),
    **dict.fromkeys(("discriminator", "xml", "externalDocs"), _unknown),
    "multipleOf": lambda value, depth: _number(value) and value > 0,
    "type": lambda value, depth: type(value) is str and value in _DATA_TYPES,
    "properties": _properties,
    "additionalProperties": lambda value, depth: type(value) is bool or _node(value, depth),
    "required": lambda value, depth: (
        type(value) is list and bool(value) and all(type(item) is str for item in value)
    ),
    "enum": lambda value, depth: type(value) is list and bool(value),
}
"""How each field of the 3.0 ``Schema`` model (by its alias) takes a value other than None;
any other key is an extra, which the model allows."""
FIELDS = frozenset(_CHECKS)
FIELD_NAMES = frozenset({"schema_format", "schema_not"})
"""Its fields' Python names that differ from their aliases: the model reads them too."""


def schemas_valid(group: dict[str, Any], family: str) -> bool:
    """True when openapi-pydantic validates ``group`` (``components.schemas``) without an error.

    ``False`` means "not known": the caller validates with openapi-pydantic.
    """
    if family != "3.0":
        return False
    return all(type(name) is str and _node(schema, 0) for name, schema in group.items())


def _node(value: Any, depth: int) -> bool:
    """A ``Reference`` or a ``Schema`` that validates."""
    if type(value) is not dict or depth > MAX_DEPTH:
        return False
    if "$ref" in value:  # Reference: $ref is its only field, the rest are extras
        return type(value["$ref"]) is str and "ref" not in value
    return all(_field(key, item, depth + 1) for key, item in value.items())


def _field(key: Any, value: Any, depth: int) -> bool:
    if type(key) is not str or key in FIELD_NAMES:
        return False
    check = _CHECKS.get(key)
    return check is None or value is None or check(value, depth)
