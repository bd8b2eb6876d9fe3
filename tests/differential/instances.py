"""Bounded instances of a component schema, and what the schema itself says about each.

``instances(key, schemas)`` yields ``(kind, value)`` pairs: the schema's own examples and
defaults (kind ``example``), one value built to be valid (``valid``), and mutations of
it that probe one rule each (``missing:<p>`` drops a property, ``null:<p>`` sends null,
``wrong-type:<p>`` a value of another JSON type, ``extra`` an undeclared property,
``null``/``wrong-type`` for the whole value). Nothing random: the same schemas give the
same instances, a few dozen at most per component.

``verdict(key, schemas, openapi_31, value)`` is the JSON Schema answer (``jsonschema``,
OpenAPI 3.0's ``nullable`` and boolean ``exclusiveMinimum`` rewritten as JSON Schema).
Formats are not asserted by it, so the builder only makes values of the right format.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jsonschema

PREFIX = "#/components/schemas/"
_FORMATS = {
    "date-time": "2024-01-02T03:04:05Z",
    "date": "2024-01-02",
    "time": "03:04:05",
    "uuid": "6f1c2a7e-1d2b-4c3d-9e8f-0a1b2c3d4e5f",
    "email": "someone@example.com",
    "uri": "https://example.com/x",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "duration": "P1D",
    "byte": "aGk=",
    "hostname": "example.com",
}
MAX_PROPERTIES = 12  # mutations probe at most this many properties of one object


def _target(ref: str, schemas: dict[str, Any]) -> Any:
    key = (
        ref[len(PREFIX) :].replace("~1", "/").replace("~0", "~") if ref.startswith(PREFIX) else None
    )
    return schemas.get(key) if key is not None else None


def build(schema: Any, schemas: dict[str, Any], depth: int = 0) -> Any:
    """A value meant to be valid for ``schema`` (bounded depth: a recursive schema ends in null or [])."""
    if not isinstance(schema, dict) or depth > 6:
        return None
    if isinstance(schema.get("$ref"), str):
        return build(_target(schema["$ref"], schemas), schemas, depth + 1)
    for key in ("example", "default", "const"):
        if key in schema and key != "example":
            return schema[key]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    if isinstance(schema.get("allOf"), list):
        merged: dict[str, Any] = {}
        for member in schema["allOf"]:
            part = build(member, schemas, depth + 1)
            if isinstance(part, dict):
                merged.update(part)
        own = {k: v for k, v in schema.items() if k != "allOf"}
        extra = build(own, schemas, depth + 1) if own.get("properties") else {}
        return {**merged, **(extra if isinstance(extra, dict) else {})}
    for key in ("oneOf", "anyOf"):
        if isinstance(schema.get(key), list) and schema[key]:
            real = [m for m in schema[key] if not (isinstance(m, dict) and m.get("type") == "null")]
            return build(real[0] if real else schema[key][0], schemas, depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "string" or kind is None and ("minLength" in schema or "format" in schema):
        text = _FORMATS.get(schema.get("format", ""), "text")
        low, high = schema.get("minLength", 0), schema.get("maxLength")
        text = text + "x" * max(0, low - len(text)) if isinstance(low, int) else text
        return text[:high] if isinstance(high, int) and schema.get("format") is None else text
    if kind in ("integer", "number"):
        low = schema.get("minimum", schema.get("exclusiveMinimum"))
        value = low + 1 if isinstance(low, (int, float)) and not isinstance(low, bool) else 1
        return value if kind == "integer" else float(value) + 0.5
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    if kind == "array" or "items" in schema:
        count = schema.get("minItems", 1) if isinstance(schema.get("minItems"), int) else 1
        item = build(schema.get("items", {}), schemas, depth + 1) if depth < 4 else None
        return [] if item is None and depth >= 4 else [item] * max(count, 1 if depth < 4 else 0)
    if kind == "object" or "properties" in schema or "additionalProperties" in schema:
        value = {
            name: build(sub, schemas, depth + 1)
            for name, sub in (schema.get("properties") or {}).items()
        }
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict) and extra and not value:
            value["key"] = build(extra, schemas, depth + 1)
        return value
    return "anything"


def _other(value: Any) -> Any:
    """A value of another JSON type than ``value``."""
    return (
        12345
        if isinstance(value, str)
        else "not-a-number"
        if isinstance(value, (int, float))
        else ["x"]
    )


def instances(key: str, schemas: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """The bounded instances of component ``key``."""
    schema = schemas[key]
    for word in ("example", "default"):
        if word in schema:
            yield "example", schema[word]
    for example in schema.get("examples") or () if isinstance(schema.get("examples"), list) else ():
        yield "example", example
    valid = build(schema, schemas)
    yield "valid", valid
    yield "null", None
    yield "wrong-type", _other(valid)
    if not isinstance(valid, dict):
        return
    yield "extra", {**valid, "zz_undeclared": 1}
    for name in list(valid)[:MAX_PROPERTIES]:
        yield f"missing:{name}", {k: v for k, v in valid.items() if k != name}
        yield f"null:{name}", {**valid, name: None}
        yield f"wrong-type:{name}", {**valid, name: _other(valid[name])}


def as_json_schema(node: Any, openapi_31: bool) -> Any:
    """An OpenAPI schema as JSON Schema (3.0's ``nullable`` and boolean exclusive bounds rewritten)."""
    if isinstance(node, list):
        return [as_json_schema(n, openapi_31) for n in node]
    if not isinstance(node, dict):
        return node
    result = {
        k: as_json_schema(v, openapi_31)
        for k, v in node.items()
        if k not in ("nullable", "discriminator", "example")
    }
    if not openapi_31:
        for bound, flag in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
            if node.get(flag) is True and bound in node:
                result[flag] = node[bound]
                del result[bound]
            elif isinstance(node.get(flag), bool):
                del result[flag]
        if node.get("nullable") is True:
            return {"anyOf": [result, {"type": "null"}]}
    return result


_FORMAT_CHECKER = jsonschema.FormatChecker()


@_FORMAT_CHECKER.checks("byte", raises=ValueError)
def _base64(value: object) -> bool:
    """OpenAPI's ``byte``: base64-encoded text."""
    import base64

    return not isinstance(value, str) or bool(base64.b64decode(value, validate=True)) or True


def verdict(
    key: str, schemas: dict[str, Any], openapi_31: bool, value: Any
) -> tuple[bool, set[str]]:
    """Whether JSON Schema accepts ``value`` for component ``key`` (formats asserted), and if not, why.

    Why: the keyword of every error, down into the branches of a failed anyOf/oneOf
    (``null`` for a type error on null).
    """
    root = {
        "$ref": PREFIX + key.replace("~", "~0").replace("/", "~1"),
        "components": {"schemas": as_json_schema(schemas, openapi_31)},
    }
    validator = jsonschema.Draft202012Validator(root, format_checker=_FORMAT_CHECKER)
    reasons: set[str] = set()
    stack = list(validator.iter_errors(value))
    while stack:
        error = stack.pop()
        reasons.add(
            "null"
            if error.validator in ("type", "anyOf", "oneOf") and error.instance is None
            else str(error.validator)
        )
        stack += error.context or []
    return not reasons, reasons
