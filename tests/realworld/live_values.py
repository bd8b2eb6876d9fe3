"""Values for the live round trip: one instance valid for a Python type of the generated code.

:func:`value_for` walks a type (``Annotated`` constraints, unions, literals, enums,
containers, pydantic models, the standard scalar types) and builds a small deterministic
value, checked against the type with a pydantic ``TypeAdapter`` before it is returned.
Optional model fields are filled too (a wider round trip), as deep as :data:`MAX_DEPTH`.
A type it cannot satisfy raises :class:`CannotBuild` (the harness counts those
operations; it never drops them silently).
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import enum
import functools
import io
import math
import re
import types
import typing
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pydantic
import pydantic_core

MAX_DEPTH = 4
TEXT = "live"
BYTES = b"live-bytes"
_FALLBACKS: tuple[Any, ...] = (
    TEXT,
    "https://example.com/live",
    "live@example.com",
    1,
    1.5,
    True,
    {},
    [],
)


class CannotBuild(Exception):
    """No valid value was found for a type (the message says which and why)."""


_PYTHON_RE = pydantic.ConfigDict(regex_engine="python-re")


@functools.lru_cache(maxsize=4096)
def _cached_adapter(tp: Any) -> pydantic.TypeAdapter[Any]:
    return _new_adapter(tp)


def _new_adapter(tp: Any) -> pydantic.TypeAdapter[Any]:
    """An adapter for ``tp``: with Python's ``re`` when the Rust engine rejects a pattern,
    and checking by ``isinstance`` a class pydantic has no schema for (a binary body's
    ``IO[bytes]``).

    A type taken out of its model (a field's) loses the model's ``regex_engine="python-re"``,
    which the generated models set where a pattern has look-around or back-references.
    """
    config = pydantic.ConfigDict()
    while True:
        try:
            return pydantic.TypeAdapter(tp, config=config or None)
        except pydantic.PydanticSchemaGenerationError:
            if config.get("arbitrary_types_allowed"):
                raise
            config["arbitrary_types_allowed"] = True
        except pydantic_core.SchemaError:
            if config.get("regex_engine") == _PYTHON_RE["regex_engine"]:
                raise
            config.update(_PYTHON_RE)


def adapter(tp: Any) -> pydantic.TypeAdapter[Any]:
    """A (cached when the type is hashable) ``TypeAdapter`` for ``tp``."""
    try:
        return _cached_adapter(tp)
    except TypeError:  # unhashable metadata
        return _new_adapter(tp)


def valid(tp: Any, value: Any) -> bool:
    """True when ``value`` validates as ``tp`` (strict enough: pydantic's lax mode)."""
    try:
        checker = adapter(tp)
    except (TypeError, pydantic_core.SchemaError, pydantic.PydanticUserError) as error:
        raise CannotBuild(f"no validator for {tp!r}: {error}") from None
    try:
        checker.validate_python(value)
    except (pydantic.ValidationError, TypeError, ValueError):
        return False
    return True


def value_for(tp: Any, depth: int = 0) -> Any:
    """A value valid for ``tp``; :class:`CannotBuild` when none is found."""
    value = _build(tp, depth)
    if not valid(tp, value):
        raise CannotBuild(f"built {value!r} is not a valid {tp!r}")
    return value


def _build(tp: Any, depth: int) -> Any:
    if tp is Any or tp is object:
        return TEXT
    if tp is None or tp is types.NoneType:
        return None
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        base, *metadata = typing.get_args(tp)
        return _annotated(base, metadata, tp, depth)
    if origin is typing.Literal:
        return typing.get_args(tp)[0]
    if origin in (typing.Union, types.UnionType):
        return _union(tp, depth)
    if origin is not None:
        return _generic(tp, origin, depth)
    if isinstance(tp, typing.TypeVar):
        return TEXT
    if isinstance(tp, type):
        return _class(tp, depth)
    if isinstance(tp, typing.ForwardRef | str):
        raise CannotBuild(f"unresolved forward reference {tp!r}")
    raise CannotBuild(f"unknown type form {tp!r}")


def _union(tp: Any, depth: int) -> Any:
    members = [m for m in typing.get_args(tp) if m is not types.NoneType]
    errors = []
    for member in members:
        try:
            candidate = _build(member, depth)
        except CannotBuild as error:
            errors.append(str(error))
            continue
        if valid(tp, candidate):
            return candidate
        errors.append(f"{candidate!r} fits no single member of {tp!r}")
    if types.NoneType in typing.get_args(tp):
        return None
    raise CannotBuild("; ".join(errors) or f"empty union {tp!r}")


def _generic(tp: Any, origin: Any, depth: int) -> Any:
    args = typing.get_args(tp)
    if origin is type:
        raise CannotBuild(f"a class is wanted: {tp!r}")
    if isinstance(origin, type) and issubclass(origin, pydantic.BaseModel):
        return _class(tp, depth)
    if isinstance(origin, type) and issubclass(origin, Mapping | dict):
        key_type, value_type = args or (str, Any)
        if depth >= MAX_DEPTH:
            return {}
        return {_build(key_type, depth + 1): _build(value_type, depth + 1)}
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return (_build(args[0], depth + 1),)
        return tuple(_build(arg, depth + 1) for arg in args)
    if isinstance(origin, type) and issubclass(origin, set | frozenset):
        return set() if depth >= MAX_DEPTH else {_build(args[0], depth + 1)}
    if isinstance(origin, type) and issubclass(origin, Sequence | list):
        item = args[0] if args else Any
        return [] if depth >= MAX_DEPTH else [_build(item, depth + 1)]
    if isinstance(origin, type):
        return _class(origin, depth)
    raise CannotBuild(f"unknown generic {tp!r}")


def _class(cls: Any, depth: int) -> Any:
    origin = typing.get_origin(cls) or cls
    if isinstance(origin, type) and issubclass(origin, pydantic.RootModel):
        return cls.model_validate(_build(_field_type(origin.model_fields["root"]), depth))
    if isinstance(origin, type) and issubclass(origin, pydantic.BaseModel):
        return _model(cls, depth)
    if issubclass(origin, enum.Enum):
        return next(iter(origin))
    for kind, make in _SCALARS:
        if issubclass(origin, kind):
            return make()
    if issubclass(origin, io.IOBase):
        return io.BytesIO(BYTES)
    for candidate in _FALLBACKS:
        if valid(cls, candidate):
            return adapter(cls).validate_python(candidate)
    raise CannotBuild(f"no value for class {cls!r}")


_SCALARS: tuple[tuple[type, Callable[[], Any]], ...] = (
    (bool, lambda: True),
    (int, lambda: 7),
    (float, lambda: 1.5),
    (decimal.Decimal, lambda: decimal.Decimal("1.5")),
    (str, lambda: TEXT),
    (bytes, lambda: BYTES),
    (dt.datetime, lambda: dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)),
    (dt.date, lambda: dt.date(2024, 1, 2)),
    (dt.time, lambda: dt.time(3, 4, 5)),
    (dt.timedelta, lambda: dt.timedelta(seconds=90)),
    (uuid.UUID, lambda: uuid.UUID("12345678-1234-5678-1234-567812345678")),
)


def _model(cls: Any, depth: int) -> Any:
    data: dict[str, Any] = {}
    for name, field in cls.model_fields.items():
        annotation = _field_type(field)
        key = field.alias if isinstance(field.alias, str) else name
        if field.is_required():
            data[key] = _build(annotation, depth + 1)
        elif depth < MAX_DEPTH - 1:
            try:
                candidate = _build(annotation, depth + 1)
            except CannotBuild:
                continue
            if candidate is not None and valid(annotation, candidate):
                data[key] = candidate
    try:
        return cls.model_validate(data)
    except pydantic.ValidationError as error:
        raise CannotBuild(f"{cls.__name__}: {error.errors()[0]['msg']}") from None


def _field_type(field: Any) -> Any:
    """A model field's type with its constraints (pydantic keeps them in ``metadata``)."""
    if not field.metadata:
        return field.annotation
    return typing.Annotated[(field.annotation, *field.metadata)]


def _annotated(base: Any, metadata: list[Any], whole: Any, depth: int) -> Any:
    limits = _Limits.read(metadata)
    if limits.pattern is not None:
        return _matching(limits.pattern, limits)
    value = _build(base, depth)
    if isinstance(value, str):
        value = _fit_text(value, limits, metadata)
    elif isinstance(value, bool):
        pass
    elif isinstance(value, int | float | decimal.Decimal):
        value = _fit_number(value, limits)
    elif isinstance(value, list) and limits.min_length:
        value = _at_least(value, limits.min_length, base, depth)
    if valid(whole, value):
        return value
    raise CannotBuild(f"{value!r} breaks the constraints of {whole!r}")


def _at_least(items: list[Any], count: int, list_type: Any, depth: int) -> list[Any]:
    """``items`` grown to ``count`` (``minItems``), with an item built even past
    :data:`MAX_DEPTH` (where ``_generic`` gives up with ``[]``, no valid value here)."""
    if not items and typing.get_origin(list_type) in (list, Sequence):
        items = [_build(typing.get_args(list_type)[0], depth + 1)]
    return (items * count)[:count]


class _Limits:
    """The constraints a type's ``Annotated`` metadata sets (pydantic or annotated-types)."""

    NAMES = ("pattern", "min_length", "max_length", "gt", "ge", "lt", "le", "multiple_of")

    def __init__(self) -> None:
        self.pattern: str | None = None
        self.min_length = self.max_length = None
        self.gt = self.ge = self.lt = self.le = self.multiple_of = None

    @classmethod
    def read(cls, metadata: list[Any]) -> _Limits:
        limits = cls()
        for meta in metadata:
            nested = getattr(meta, "metadata", None)
            if isinstance(nested, list):  # a FieldInfo
                for inner in nested:
                    limits._take(inner)
            limits._take(meta)
        return limits

    def _take(self, meta: Any) -> None:
        for name in self.NAMES:
            found = getattr(meta, name, None)
            if found is not None and not callable(found):
                setattr(self, name, found)


def _format_name(metadata: list[Any]) -> str | None:
    for meta in metadata:
        name = getattr(meta, "name", None)
        if isinstance(name, str):
            return name
    return None


_FORMAT_SAMPLES = {
    "byte": base64.b64encode(BYTES).decode(),
    "email": "live@example.com",
    "idn-email": "live@example.com",
    "uri": "https://example.com/live",
    "url": "https://example.com/live",
    "hostname": "example.com",
    "ipv4": "127.0.0.1",
    "ipv6": "::1",
}


def _fit_text(value: str, limits: _Limits, metadata: list[Any]) -> str:
    value = _FORMAT_SAMPLES.get(_format_name(metadata) or "", value)
    low = limits.min_length or 0
    high = limits.max_length if limits.max_length is not None else max(low, len(value))
    if len(value) < low:
        value = (value * (low // max(len(value), 1) + 1))[:low]
    return value[:high]


def _fit_number(value: Any, limits: _Limits) -> Any:
    integral = isinstance(value, int)
    step = limits.multiple_of
    if limits.ge is not None:
        value = max(value, limits.ge)
    if limits.gt is not None and value <= limits.gt:
        value = limits.gt + (step or 1)
    if limits.le is not None:
        value = min(value, limits.le)
    if limits.lt is not None and value >= limits.lt:
        value = (
            limits.lt - (step or 1) if integral else (limits.lt + (limits.gt or limits.ge or 0)) / 2
        )
    if step:
        value = math.ceil(value / step) * step
        if (
            limits.le is not None
            and value > limits.le
            or limits.lt is not None
            and value >= limits.lt
        ):
            value -= step
    return int(value) if integral else value


# Tried before hypothesis, which takes a second or more a pattern: a host name, a text
# with every kind of character (password rules) and short ones (look-aheads such as (?!..)).
_PLAIN_MATCHES = (TEXT, "example.com", "Live-1.x", "ab", "a", "A", "1", "")


@functools.lru_cache(maxsize=1024)
def _example_of(pattern: str) -> str:
    from hypothesis import HealthCheck, find, settings
    from hypothesis import strategies as st

    return find(
        st.from_regex(pattern, fullmatch=True),
        lambda _: True,
        settings=settings(database=None, derandomize=True, suppress_health_check=list(HealthCheck)),
    )


def _plain_match(pattern: str, limits: _Limits) -> str | None:
    """The first of :data:`_PLAIN_MATCHES` the pattern matches whole, within the length limits."""
    low = limits.min_length or 0
    high = limits.max_length if limits.max_length is not None else len(max(_PLAIN_MATCHES, key=len))
    try:
        return next(
            (t for t in _PLAIN_MATCHES if low <= len(t) <= high and re.fullmatch(pattern, t)), None
        )
    except re.error:  # an ECMA-only pattern: hypothesis says so
        return None


def _matching(pattern: str, limits: _Limits) -> str:
    plain = _plain_match(pattern, limits)
    if plain is not None:
        return plain
    try:
        text = _example_of(pattern)
    except Exception as error:  # noqa: BLE001 -- an ECMA-only pattern, or no match found
        raise CannotBuild(f"no string matches {pattern!r}: {error}") from None
    return _fit_text(text, limits, []) if limits.min_length or limits.max_length else text
