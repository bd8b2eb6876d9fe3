"""The ``Field`` keywords of a scalar, array or map schema, and the types string formats become.

:func:`constraints` turns a schema's validation keywords (``maxLength``, ``minimum``,
``maxItems``...) into ``Field`` keyword arguments; a pattern goes to pydantic's Rust
engine, or to Python's ``re`` where only that compiles it (:func:`regex_engine`).
"""

from __future__ import annotations

import functools
import math
from typing import Any, Literal

from apiforge.render.escape import literal
from apiforge.render.patterns import rust_compiles

# format -> the type a string of that format is spelt as
STRING_FORMATS = {
    "date-time": "AwareDatetime",
    "date": "_dt.date",
    "time": "_dt.time",
    "duration": "_dt.timedelta",
    "uuid": "_uuid.UUID",
    "uri": "AnyUrl",
    "ipv4": "_ipaddress.IPv4Address",
    "ipv6": "_ipaddress.IPv6Address",
    "binary": "bytes",
}
# The string keywords pydantic applies to each formatted type above; on the others
# (a date, a UUID...) Field(max_length=...) raises TypeError on every value, valid or not.
_FORMAT_TAKES = {
    "uri": frozenset({"minLength", "maxLength"}),
    "binary": frozenset({"minLength", "maxLength", "pattern"}),
}


def json_types(schema: dict[str, Any]) -> list[str]:
    """The JSON types ``schema`` names (``null`` only when it names no other)."""
    kind = schema.get("type")
    if isinstance(kind, list):
        return [k for k in kind if isinstance(k, str) and k != "null"] or (
            ["null"] if "null" in kind else []
        )
    return [kind] if isinstance(kind, str) else []


_STRING_KEYS = (("minLength", "min_length"), ("maxLength", "max_length"), ("pattern", "pattern"))
_NUMBER_KEYS = (
    ("minimum", "ge"),
    ("maximum", "le"),
    ("exclusiveMinimum", "gt"),
    ("exclusiveMaximum", "lt"),
    ("multipleOf", "multiple_of"),
)
_ARRAY_KEYS = (("minItems", "min_length"), ("maxItems", "max_length"))
_MAP_KEYS = (("minProperties", "min_length"), ("maxProperties", "max_length"))
_KEYS = {
    "string": _STRING_KEYS,
    "integer": _NUMBER_KEYS,
    "number": _NUMBER_KEYS,
    "array": _ARRAY_KEYS,
    "object": _MAP_KEYS,
}
_CONSTRAINING = frozenset(key for table in _KEYS.values() for key, _ in table)
_UNCONSTRAINED = frozenset({"$ref", "oneOf", "anyOf", "allOf", "enum", "const"})  # typed elsewhere


def constraints(schema: dict[str, Any]) -> list[tuple[str, str]]:
    """``Field`` keyword arguments for the validation keywords of a single-typed schema.

    A string keyword on a format spelt as another type (``maxLength`` on a date) is left
    out: that type's own parsing checks the value, and pydantic cannot apply the keyword.
    """
    if _CONSTRAINING.isdisjoint(schema) or not _UNCONSTRAINED.isdisjoint(schema):
        return []  # the usual case: no keyword to check
    kinds = json_types(schema) or _spelt_kind(schema)
    if len(kinds) != 1:
        return []
    kind = kinds[0]
    table = _KEYS.get(kind, ())
    if kind == "object" and "properties" in schema:
        return []
    fmt = schema.get("format")
    if kind == "string" and isinstance(fmt, str) and fmt in STRING_FORMATS:
        taken = _FORMAT_TAKES.get(fmt, frozenset())
        table = tuple(pair for pair in table if pair[0] in taken)
    result: list[tuple[str, str]] = []
    for key, argument in table:
        value = schema.get(key)
        if key == "pattern":
            if isinstance(value, str) and regex_engine(value) is not None:
                result.append((argument, literal(value)))
            continue
        if isinstance(value, bool) and key.startswith(
            "exclusive"
        ):  # OpenAPI 3.0: a flag on minimum/maximum
            continue
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
        ):
            continue
        if (
            key in ("minimum", "maximum")
            and schema.get("exclusive" + key[0].upper() + key[1:]) is True
        ):
            argument = "gt" if key == "minimum" else "lt"
        result.append((argument, literal(value)))
    return result


def _spelt_kind(schema: dict[str, Any]) -> list[str]:
    """An untyped schema's kind as the models spell it: a list beside ``items``, a dict beside
    an ``additionalProperties`` schema (``model_types.Speller``), else none."""
    if "items" in schema:
        return ["array"]
    extra = schema.get("additionalProperties")
    return ["object"] if isinstance(extra, dict) and "properties" not in schema else []


@functools.cache
def regex_engine(pattern: str) -> Literal["rust-regex", "python-re"] | None:
    """The pydantic regex engine that compiles ``pattern`` (pydantic's own first), None when neither does."""
    if rust_compiles(pattern):
        return "rust-regex"
    # re only for a spec with a pattern the Rust engine refuses (it compiles the spec's
    # pattern, never generated code)
    import re

    try:
        re.compile(pattern)
    except re.error:
        return None
    return "python-re"


def python_patterns(node: Any) -> bool:
    """Whether a schema (not what it refers to) holds a pattern only Python's engine compiles."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            pattern = item.get("pattern")
            if isinstance(pattern, str) and regex_engine(pattern) == "python-re":
                return True
            for key, value in item.items():
                if isinstance(value, (dict, list)) and key not in _DATA:
                    stack.append(value)
    return False


_DATA = frozenset({"enum", "default", "example", "examples", "const"})  # values, not schemas
