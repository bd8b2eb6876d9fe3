"""Parameter text read back as the JSON value it spells, where the parameter's schema can tell.

A query, path, header or cookie value (and a form body's field) arrives as text:
``?price=1.5`` is the string ``"1.5"``. pydantic reads text as a number for a ``float``
parameter, but a union with a string member (``float | str``) takes the text as the
string, so the implementation would get ``"1.5"`` where the caller sent ``1.5``. The
rule: where a value's schema admits an integer, a number or a boolean, a text that spells
one as JSON does (``1.5``, ``-2``, ``1e+20``, ``true``; no spaces, no ``NaN``) and that the
value spells back alike (not ``1.10``, ``-0`` or ``1e3``) is read as that value when its
type is one the schema admits there (an integer is a number too, up to 2**53); any other
text stays text. In an array each item, in an object each property, is read by
its own schema. The value read so is validated first; where it fails, the failing items
and properties alone go back to their text (if that fails too, the errors reported are
the text's). So a string that spells a number (``"1.5"`` sent for ``float | str``) reads
as the number: the wire does not tell them apart. An item or property whose schema
admits only objects and arrays arrives as the JSON text it spells (as the generated
client sends it: no style spells a nested structure) and is read as that JSON. An empty
array item that fails validation is null where its schema admits null (the client sends a
``None`` item as the empty item): ``""`` stays a string where a string may be empty, and
is null for a nullable date, UUID, pattern, enum or number (:data:`EMPTY_ITEMS_NULL`).
"""

import json
from collections.abc import Callable, Collection, Iterator, Mapping
from typing import Any, Final

from pydantic import (
    TypeAdapter,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)

TextReader = Callable[[Any], Any]
_SCALAR_KINDS = frozenset({"integer", "number", "boolean"})
_STRUCTURES = frozenset({"object", "array"})
_NESTED = ("anyOf", "oneOf", "allOf")


def text_reader(
    schema: Mapping[str, Any], data: Collection[str] = (), *, nested: bool = False
) -> TextReader | None:
    """How text (a str, or a list or dict of them, as a style splits it) read for ``schema``
    becomes the values it spells; None where there is nothing to read (the text is the
    value): no part of ``schema`` admits an integer, a number or a boolean, and no item
    or property is an object or array sent as JSON text. ``schema``: a JSON schema, references
    inlined. ``data``: properties whose values are data, not text (a multipart part
    decoded as JSON), left as they are. ``nested``: ``schema`` is an item's or a
    property's, where an object or array arrives as the JSON text it spells (the whole
    value is split as its style says instead).
    """
    members = list(branches(schema))
    kinds = _scalar_kinds(members)
    structured = nested and _structured(members)
    items = _reader_of(b["items"] for b in members if isinstance(b.get("items"), Mapping))
    properties: dict[str, TextReader | None] = dict.fromkeys(data)
    for branch in members:
        for name, member in (branch.get("properties") or {}).items():
            if properties.get(name) is None and name not in data:
                properties[name] = (
                    text_reader(member, nested=True) if isinstance(member, Mapping) else None
                )
    extra = _reader_of(
        b["additionalProperties"]
        for b in members
        if isinstance(b.get("additionalProperties"), Mapping)
    )
    if not (kinds or structured or items or any(properties.values()) or extra):
        return None

    def read(value: Any) -> Any:
        if isinstance(value, str):
            if structured:
                return _json_structure(value)
            return _spelt(value, kinds) if kinds else value
        if isinstance(value, list) and items is not None:
            return [items(item) for item in value]
        if isinstance(value, dict):
            return {key: _read_by(properties.get(key, extra), item) for key, item in value.items()}
        return value

    return read


def validate_text(adapter: TypeAdapter[Any], raw: Any, reader: TextReader | None) -> Any:
    """``raw`` (text as read) validated by ``adapter``: as the values ``reader`` finds it
    spells first; where that fails, each failing item or property (by the errors'
    locations) goes back to its text as sent, its siblings keep their values; if the
    text as sent fails too, its errors are the ones raised. A part of an item read as
    JSON has no text of its own: where one fails, the errors are the value's as read.
    An empty array item that fails is retried as null (:func:`empty_items_null`)."""
    try:
        return _validate_read(adapter, raw, reader)
    except ValidationError as error:
        nulled = empty_items_null(raw, error)
        if nulled is raw:
            raise
        try:
            return _validate_read(adapter, nulled, reader)
        except ValidationError:
            raise error from None


def _validate_read(adapter: TypeAdapter[Any], raw: Any, reader: TextReader | None) -> Any:
    if reader is not None:
        typed = reader(raw)
        while typed != raw:
            try:
                return adapter.validate_python(typed, by_alias=True, by_name=False)
            except ValidationError as error:
                restored = typed
                for problem in error.errors(include_url=False):
                    restored = _restore(restored, raw, problem["loc"])
                if restored == typed:  # the failing leaves have no text of their own
                    raise
                typed = restored
    return adapter.validate_python(raw, by_alias=True, by_name=False)


def empty_items_null(value: Any, error: ValidationError) -> Any:
    """``value`` with each empty array item that ``error`` locates as failing replaced by
    None (a copy; ``value`` itself where there is none)."""
    for problem in error.errors(include_url=False):
        value = _null_at(value, problem["loc"])
    return value


def _null_at(value: Any, loc: tuple[int | str, ...]) -> Any:
    """``value`` with the empty array item at error location ``loc`` replaced by None
    (a copy; ``value`` itself where ``loc`` locates none: a step naming no item or
    property, as a union branch's tag, is passed)."""
    for index, step in enumerate(loc):
        if isinstance(value, list) and isinstance(step, int) and 0 <= step < len(value):
            copy = list(value)
            copy[step] = None if value[step] == "" else _null_at(value[step], loc[index + 1 :])
            return value if copy[step] is value[step] else copy
        if isinstance(value, dict) and step in value:
            inner = _null_at(value[step], loc[index + 1 :])
            return value if inner is value[step] else {**value, step: inner}
    return value


def _empty_items_null(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    try:
        return handler(value)
    except ValidationError as error:
        nulled = empty_items_null(value, error)
        if nulled is value:
            raise
        try:
            return handler(nulled)
        except ValidationError:
            raise error from None


# Validator metadata of a parameter (read by FastAPI) whose array items admit null: an
# empty item that fails validation is retried as null (as ``validate_text`` does).
EMPTY_ITEMS_NULL: Final = WrapValidator(_empty_items_null)


def _restore(typed: Any, raw: Any, loc: tuple[int | str, ...]) -> Any:
    """``typed`` with the part at error location ``loc`` replaced by the text ``raw`` has
    there (a copy; a step naming no item or property, as a union branch's tag, is passed;
    a part of JSON text read stays as read)."""
    for index, step in enumerate(loc):
        if isinstance(raw, str) and isinstance(typed, (dict, list)):
            return typed  # JSON text read: its parts have no text of their own
        if isinstance(typed, list) and isinstance(raw, list) and isinstance(step, int):
            if 0 <= step < min(len(typed), len(raw)):
                copy = list(typed)
                copy[step] = _restore(typed[step], raw[step], loc[index + 1 :])
                return copy
        elif isinstance(typed, dict) and isinstance(raw, dict) and step in typed and step in raw:
            return {**typed, step: _restore(typed[step], raw[step], loc[index + 1 :])}
    return raw


def _read_by(reader: TextReader | None, value: Any) -> Any:
    return value if reader is None else reader(value)


def _reader_of(schemas: Iterator[Mapping[str, Any]]) -> TextReader | None:
    """The first of ``schemas``' readers (an array's items, an object's other properties)."""
    readers = (text_reader(schema, nested=True) for schema in schemas)
    return next((r for r in readers if r is not None), None)


def branches(schema: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """``schema`` and every member of its anyOf/oneOf/allOf, nested ones too."""
    yield schema
    for key in _NESTED:
        for member in schema.get(key) or ():
            if isinstance(member, Mapping):
                yield from branches(member)


def _scalar_kinds(branches: list[Mapping[str, Any]]) -> frozenset[str]:
    """The integer/number/boolean types the branches admit (by ``type``, ``enum`` or ``const``)."""
    found: set[str] = set()
    for branch in branches:
        kind = branch.get("type")
        found.update(k for k in (kind if isinstance(kind, list) else [kind]) if isinstance(k, str))
        values = list(branch.get("enum") or ())
        if "const" in branch:
            values.append(branch["const"])
        found.update(_kind(value) for value in values)
    return frozenset(found & _SCALAR_KINDS)


def is_structured(schema: Any) -> bool:
    """True when ``schema`` (references inlined) admits only objects and arrays (and null)."""
    return isinstance(schema, Mapping) and _structured(list(branches(schema)))


def _structured(branches: list[Mapping[str, Any]]) -> bool:
    kinds: set[str] = set()
    for branch in branches:
        kind = branch.get("type")
        kinds.update(k for k in (kind if isinstance(kind, list) else [kind]) if isinstance(k, str))
        if "enum" in branch or "const" in branch:
            return False
    return bool(kinds & _STRUCTURES) and kinds <= _STRUCTURES | {"null"}


def _json_structure(text: str) -> Any:
    """The object or array ``text`` spells as JSON (the wire form of an array's object or
    array items, and of an object's), else ``text``."""
    if not text or text[0] not in "[{" or _too_deep(text):
        return text
    try:
        value = json.loads(text, parse_constant=_refuse)
    except (ValueError, RecursionError):
        return text
    return value if isinstance(value, (dict, list)) else text


_MAX_JSON_DEPTH = 64  # deeper JSON text stays text (json.loads recurses per level)


def _too_deep(text: str) -> bool:
    """True when the brackets outside strings in ``text`` nest beyond ``_MAX_JSON_DEPTH``."""
    if text.count("[") + text.count("{") <= _MAX_JSON_DEPTH:
        return False
    deepest = depth = 0
    quoted = escaped = False
    for char in text:
        if quoted:
            escaped, quoted = (False, True) if escaped else (char == "\\", char != '"')
        elif char == '"':
            quoted = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest > _MAX_JSON_DEPTH


def split_outside_json(text: str, delimiter: str) -> list[str]:
    """``text`` split on each ``delimiter`` outside a JSON object, array or string in it
    (a header's array of objects: ``{"a":1,"b":2},{"a":3}`` is two items)."""
    pieces: list[str] = []
    depth, start, quoted, escaped = 0, 0, False, False
    for at, char in enumerate(text):
        if quoted:
            escaped, quoted = (False, True) if escaped else (char == "\\", char != '"')
        elif char == '"' and depth:
            quoted = True
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth = max(depth - 1, 0)
        elif char == delimiter and not depth:
            pieces.append(text[start:at])
            start = at + 1
    pieces.append(text[start:])
    return pieces


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    return "integer" if isinstance(value, int) else "number" if isinstance(value, float) else ""


def _refuse(constant: str) -> Any:
    raise ValueError(constant)  # NaN and Infinity are no JSON numbers


_EXACT_FLOAT_INTEGER = 2**53  # beyond it an integer read as a number loses digits


def _spelt(text: str, kinds: frozenset[str]) -> Any:
    """The integer, number or boolean ``text`` spells as JSON, if ``kinds`` admits its type."""
    if not text or text != text.strip() or text[0] not in "-0123456789tf":
        return text
    try:
        value = json.loads(text, parse_constant=_refuse)
    except ValueError:
        return text
    if json.dumps(value) != text:  # 1.10, -0, 1e3: the number would not give the text back
        return text
    kind = _kind(value)
    if kind in kinds:
        return value
    if kind == "integer" and "number" in kinds and abs(value) <= _EXACT_FLOAT_INTEGER:
        return value
    return text
