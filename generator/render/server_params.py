"""Server parameters: which ones FastAPI reads, and the validation keywords a route passes it.

FastAPI reads scalars and exploded ``form`` query arrays itself. Every other
parameter (a non-exploded or delimited array, an object, a ``deepObject``, a
``label``/``matrix`` path segment, a query parameter named like a path parameter,
whose value FastAPI would take from the path, and every cookie, whose percent-escapes
FastAPI leaves undecoded) is read by a runtime ``rt.StyledParameter`` dependency that
splits the text as the style says and validates it with pydantic; it documents the
parameter with its style itself.

FastAPI both enforces and documents ``ge``/``max_length``/``pattern``..., so the
generated server answers 422 for a value the spec rules out and ``app.openapi()``
shows the same keywords. Keywords that do not apply to the Python type (a
``minLength`` on an integer) would make pydantic refuse to build the app; they
are left out with a ``server-parameter-keyword`` warning, as is a pattern the
pydantic regex engine cannot compile. An inline request body schema's keywords are
checked the same way (``body_checks``; ``server-body-keyword`` for one left out).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator

from apiforge.diagnostics import Sink, SpecLocation
from apiforge.ir.model import Content, Operation, Parameter, TypeRef
from apiforge.render.escape import literal
from apiforge.render.patterns import rust_compiles
from apiforge.render.types import Annotator

_NUMERIC = {
    "minimum": "ge",
    "maximum": "le",
    "exclusiveMinimum": "gt",
    "exclusiveMaximum": "lt",
    "multipleOf": "multiple_of",
}
_STRING = {"minLength": "min_length", "maxLength": "max_length", "pattern": "pattern"}
_ARRAY = {"minItems": "min_length", "maxItems": "max_length"}
# Annotations whose JSON schema carries no ``format``: the spec's format is documented as written.
_FORMATLESS = ("str", "int", "float", "bool")


def native_param(param: Parameter, op: Operation, annotator: Annotator) -> bool:
    """True when FastAPI reads ``param`` itself: a scalar or an exploded query array, styled by
    default, in a path, a query or a header (the client percent-escapes a cookie's text)."""
    if param.location == "cookie":
        return False
    default_style = "form" if param.location == "query" else "simple"
    style, explode = param.serialization
    if style != default_style or explode != (style == "form"):
        return False  # FastAPI would document the default style
    if param.location != "path" and any(
        p.location == "path" and p.name == param.name for p in op.parameters
    ):
        return False  # FastAPI takes a parameter named like a path parameter from the path
    ref = param.type
    if _is_scalar(ref, annotator):
        return True
    return (
        ref.kind == "array"
        and ref.item is not None
        and _is_scalar(ref.item, annotator)
        and param.location == "query"
    )


def reader_expr(
    param: Parameter,
    op: Operation,
    annotation: str,
    checks: list[tuple[str, str]],
    metadata: list[str],
    credential_cookies: tuple[str, ...] = (),
) -> str:
    """The ``rt.StyledParameter(...)`` constant reading ``param`` (see the module docstring).

    ``credential_cookies``: the cookies the API's security schemes read, which an object
    cookie without declared properties leaves to them.
    """
    style, explode = param.serialization
    type_expr = annotation
    field = [f"pydantic.Field({', '.join(f'{k}={v}' for k, v in checks)})"] if checks else []
    if field or metadata:
        type_expr = f"Annotated[{', '.join([annotation, *field, *metadata])}]"
    extra = ""
    if (
        param.default
        and param.default[0] is not None
        and not param.required
        and _json_value(param.default[0])
    ):
        extra += f", default={literal(param.default[0])}"
    if param.description:
        extra += f", description={literal(param.description)}"
    if param.deprecated:
        extra += ", deprecated=True"
    if param.type.kind == "map" and param.location in ("query", "cookie"):
        taken = {p.name for p in op.parameters if p.location == param.location}
        if param.location == "cookie":
            taken.update(credential_cookies)
        others = sorted(taken - {param.name})
        extra += f", reserved={literal(tuple(others))}"
    return (
        f"rt.StyledParameter({type_expr}, {literal(param.location)}, {literal(param.name)}, style={literal(style)}, "
        f"explode={literal(explode)}, required={literal(param.required)}{extra})"
    )


def _json_value(value: object) -> bool:
    """True for the values a JSON document holds (a YAML date or ``.inf`` is none)."""
    if isinstance(value, float):
        return math.isfinite(value)
    if value is None or isinstance(value, (str, int, bool)):
        return True
    if isinstance(value, list):
        return all(_json_value(v) for v in value)
    return isinstance(value, dict) and all(
        isinstance(k, str) and _json_value(v) for k, v in value.items()
    )


def _is_scalar(ref: TypeRef, annotator: Annotator) -> bool:
    if ref.kind in ("string", "integer", "number", "boolean", "any", "literal"):
        return True
    schema = annotator.api.schemas.get(ref.model or "") if ref.kind == "model" else None
    if schema is None or schema.kind != "enum" or ref.model not in annotator.models.names:
        return False
    # An enum of arrays (or of mixed types) is rendered as a RootModel, which FastAPI would
    # take for a model of query parameters: only a real Enum class is a scalar.
    return annotator.models.class_for(schema.key, "request") in annotator.models.enums


def param_metadata(
    keywords: tuple[tuple[str, object], ...], ref: TypeRef, annotator: Annotator
) -> list[str]:
    """Validator metadata following a parameter's (or inline body's) marker in ``Annotated``.

    ``rt.from_text(values)`` where an enum lists values other than strings (text such as
    ``?mixed=1`` is read as the member ``1``), ``rt.EMPTY_ITEMS_NULL`` where an array's items
    admit null (an empty item failing validation is null: the client sends ``None`` so),
    ``rt.UNIQUE_ITEMS`` for ``uniqueItems``.
    """
    metadata = []
    item = ref.item if ref.kind == "array" and ref.item else ref
    values = _enum_values(item, annotator)
    if any(value is not None and not isinstance(value, str) for value in values):
        metadata.append(f"rt.from_text({literal(values)})")
    if item is not ref and (item.nullable or None in values):
        metadata.append("rt.EMPTY_ITEMS_NULL")
    if checks_unique_items(keywords, ref):
        metadata.append("rt.UNIQUE_ITEMS")
    return metadata


def checks_unique_items(keywords: tuple[tuple[str, object], ...], ref: TypeRef) -> bool:
    """True when ``rt.UNIQUE_ITEMS`` checks a parameter's or body's ``uniqueItems``."""
    return ref.kind == "array" and dict(keywords).get("uniqueItems") is True


def _enum_values(ref: TypeRef, annotator: Annotator) -> tuple[object, ...]:
    if ref.kind == "literal":
        return ref.values
    schema = annotator.api.schemas.get(ref.model or "") if ref.kind == "model" else None
    return schema.enum_values if schema is not None and schema.kind == "enum" else ()


def param_checks(param: Parameter, annotation: str, sink: Sink) -> list[tuple[str, str]]:
    """``(keyword argument, python literal)`` pairs for ``param``'s marker, in spec order."""
    bare = annotation.split(" | ")[0]

    def refuse(key: str, value: object) -> None:
        sink.warning(
            "server-parameter-keyword",
            f"{key}: {value!r} cannot be enforced on {param.location} parameter {param.name!r} "
            f"(a {bare}); the server neither checks nor documents it",
            param.spec_location,
        )

    return list(_checks(param.keywords, param.type, bare, refuse))


def body_checks(
    content: Content, annotation: str, location: SpecLocation, sink: Sink
) -> list[tuple[str, str]]:
    """``(keyword argument, python literal)`` pairs checking a body of ``content`` (its inline schema's).

    A component's model checks its own keywords; an inline string, number or array body
    is checked by its ``Body(...)`` marker (or the reader's ``Field``), like a parameter.
    """
    if content.type is None or not content.keywords:
        return []
    bare = annotation.split(" | ")[0]

    def refuse(key: str, value: object) -> None:
        sink.warning(
            "server-body-keyword",
            f"{key}: {value!r} cannot be enforced on the {content.media_type} request body "
            f"(a {bare}); the server neither checks nor documents it",
            location.child("content", content.media_type, "schema"),
        )

    return list(_checks(content.keywords, content.type, bare, refuse))


def _checks(
    keywords: tuple[tuple[str, object], ...],
    ref: TypeRef,
    bare: str,
    refuse: Callable[[str, object], None],
) -> Iterator[tuple[str, str]]:
    given = dict(keywords)
    kind = ref.kind
    for key, value in keywords:
        if key == "uniqueItems" and (checks_unique_items(keywords, ref) or value is not True):
            continue  # checked by rt.UNIQUE_ITEMS (param_metadata); false says nothing
        if key == "format":
            if isinstance(value, str) and bare in _FORMATLESS:
                yield "json_schema_extra", literal({"format": value})
            continue
        if key in _NUMERIC and kind in ("integer", "number"):
            argument = _NUMERIC[key]
            if key in ("exclusiveMinimum", "exclusiveMaximum") and isinstance(value, bool):
                continue  # OpenAPI 3.0's boolean form: it qualifies minimum/maximum below
            if key in ("minimum", "maximum") and given.get("exclusive" + key.title()) is True:
                argument = "gt" if key == "minimum" else "lt"
            if _number(value):
                yield argument, literal(value)
                continue
        elif key in _STRING and kind == "string" and bare == "str":
            if key == "pattern" and isinstance(value, str) and rust_compiles(value):
                yield "pattern", literal(value)
                continue
            if key != "pattern" and _count(value):
                yield _STRING[key], literal(value)
                continue
        elif key in _ARRAY and kind == "array" and _count(value):
            yield _ARRAY[key], literal(value)
            continue
        refuse(key, value)


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
