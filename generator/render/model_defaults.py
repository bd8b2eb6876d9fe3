"""A property's ``default`` as a Python expression the field's type accepts (or None: left out).

* an enum's default is its member (``Order.desc``); one that is not a member is left
  out (the load stage already warned: ``default-not-in-enum``), so the field type-checks;
  an enum that is no ``Enum`` (see :func:`enumerable`) validates its default's value;
* a string default of a date, UUID, URL... field is kept as the spec's string and
  validated into the field's type (``validate_default=True``) where pydantic converts
  it; one that does not convert is left out (``default-dropped``);
* an object or array default of a model field is validated into the model the same way;
* a default of the wrong JSON type (a string for an integer) is left out (``default-dropped``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from apiforge.diagnostics import Sink, SpecLocation
from apiforge.ir.nested import component_key
from apiforge.ir.shapes import Shape
from apiforge.naming.names import Names
from apiforge.render.escape import literal
from apiforge.render.model_types import Type

_CONVERTED = {
    "date": "date",
    "date-time": "datetime",
    "time": "time",
    "duration": "timedelta",
    "uuid": "uuid",
    "ipv4": "ipv4",
    "ipv6": "ipv6",
    "uri": "uri",
}
_KINDS = {"str": (str,), "int": (int,), "float": (int, float), "bool": (bool,)}


@dataclass(frozen=True)
class Default:
    """The expression, and whether pydantic must validate it into the field's type."""

    expression: str
    validate: bool = False


def json_literal(value: Any) -> str | None:
    """A Python literal for a JSON value (None when ``value`` is no JSON value)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, (str, int, float, bool)):
        return literal(value)
    if isinstance(value, list):
        items = [json_literal(v) for v in value]
        return None if None in items else "[" + ", ".join(items) + "]"  # type: ignore[arg-type]
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        pairs = [(literal(k), json_literal(v)) for k, v in value.items()]
        return (
            None
            if any(v is None for _, v in pairs)
            else "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"
        )
    return None


@dataclass(frozen=True)
class Defaults:
    """Converts defaults for one module; warnings go to ``sink``."""

    shapes: dict[str, Shape]
    names: Names
    sink: Sink

    def convert(
        self, schema: dict[str, Any], value: Any, t: Type, location: SpecLocation
    ) -> Default | None:
        """The default of a property typed ``t`` (``value`` is not None)."""
        target = target_component(schema)
        shape = self.shapes.get(target) if target is not None else None
        if shape is not None and shape.kind == "enum" and enumerable(shape.enum_values):
            for index, member in enumerate(shape.enum_values):
                if member == value and type(member) is type(value):
                    cls = (
                        t.text
                        if t.kind == "class"
                        else next(a.text for a in t.args if a.kind == "class")
                    )
                    assert target is not None  # a shape was found under it
                    return Default(f"{cls}.{self.names.members[target][index]}")
            return None  # not a member: warned as default-not-in-enum when the spec was loaded
        text = json_literal(value)
        if text is None:
            self._dropped(value, "is not a JSON value", location)
            return None
        fmt = schema.get("format")
        if isinstance(value, str) and fmt in _CONVERTED:
            if not _converts(value, _CONVERTED[fmt]):
                self._dropped(value, f"is not a valid {fmt} value the models can convert", location)
                return None
            return Default(text, validate=True)
        bare = (
            t.args[0] if t.kind == "union" and len(t.args) == 2 and t.args[1].text == "None" else t
        )
        if bare.kind == "annotated":
            bare = bare.args[0]
        if bare.kind == "name" and bare.text in _KINDS:
            if (
                isinstance(value, bool)
                and bare.text != "bool"
                or not isinstance(value, _KINDS[bare.text])
            ):
                self._dropped(value, f"is not a {bare.text}", location)
                return None
            return Default(text)
        if bare.kind == "generic" and isinstance(value, list if bare.text == "list" else dict):
            return Default(text)
        if bare.kind in ("name", "literal") and bare.text == "Any":
            return Default(text)
        return Default(text, validate=True)

    def _dropped(self, value: Any, why: str, location: SpecLocation) -> None:
        self.sink.warning(
            "default-dropped",
            f"the default {value!r} {why}; it is left out (the field defaults to None)",
            location.child("default"),
        )


def enumerable(values: tuple[Any, ...]) -> bool:
    """Whether an enum's ``values`` can be the members of a Python ``Enum``: scalars, and no
    boolean equal to a number (``true`` and ``1`` would be one member, sent back as ``1``)."""
    if not all(v is None or isinstance(v, (str, int, float, bool)) for v in values):
        return False
    bools = [v for v in values if isinstance(v, bool)]
    return not any(v == b for v in values if not isinstance(v, (str, bool)) for b in bools)


def target_component(schema: dict[str, Any]) -> str | None:
    """The component a property refers to (directly or through a one-member allOf)."""
    ref = schema.get("$ref")
    members = schema.get("allOf")
    if (
        not isinstance(ref, str)
        and isinstance(members, list)
        and len(members) == 1
        and isinstance(members[0], dict)
    ):
        ref = members[0].get("$ref")
    return component_key(ref) if isinstance(ref, str) else None


def _converts(value: str, kind: str) -> bool:
    """Whether pydantic converts the string ``value`` to the type a field of this format has."""
    # pydantic (and these) only for a spec with a formatted default: off every other path
    import datetime
    import ipaddress
    import uuid

    from pydantic import AnyUrl, AwareDatetime, TypeAdapter, ValidationError  # as above

    types: dict[str, Any] = {
        "date": datetime.date,
        "datetime": AwareDatetime,
        "time": datetime.time,
        "timedelta": datetime.timedelta,
        "uuid": uuid.UUID,
        "ipv4": ipaddress.IPv4Address,
        "ipv6": ipaddress.IPv6Address,
        "uri": AnyUrl,
    }
    try:
        TypeAdapter(types[kind]).validate_python(value)
    except ValidationError:
        return False
    return True


def with_inherited_default(schema: dict[str, Any], shapes: dict[str, Shape]) -> dict[str, Any]:
    """A property's schema with the default of the enum or scalar component it refers to, if it has none."""
    shape = shapes.get(target_component(schema) or "")
    if (
        "default" in schema
        or shape is None
        or shape.kind not in ("enum", "alias")
        or "default" not in shape.schema
    ):
        return schema
    return {**schema, "default": shape.schema["default"]}
