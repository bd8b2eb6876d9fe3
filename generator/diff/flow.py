"""Who a data change hurts: producers of narrowed data, consumers of widened data.

Data flows one way: request data from the client (producer) to the server
implementation (consumer), response data the other way. Narrowing what is
accepted (a new ``maxLength``, a field made required, ``number`` -> ``integer``)
can break whoever produces the data; widening it (a limit dropped, a field made
optional, ``nullable`` added) can break whoever consumes it. Every data rule is
this one table applied to a :class:`Shift`.
"""

from __future__ import annotations

import enum
from typing import Any

from apiforge.diff.model import AUDIENCES, Audience, Level
from apiforge.diff.snapshot import Direction
from apiforge.diff.values import identical, json_key
from apiforge.ir.model import TypeRef


class Shift(str, enum.Enum):
    """How the set of valid values moved."""

    WIDER = "wider"  # accepts everything it did, and more
    NARROWER = "narrower"  # accepts a subset of what it did
    CHANGED = "changed"  # neither: values valid before are invalid now and vice versa


def producer(direction: Direction) -> Audience:
    """Whose code produces data travelling in ``direction``."""
    return "client" if direction == "request" else "server"


def consumer(direction: Direction) -> Audience:
    """Whose code consumes data travelling in ``direction``."""
    return "server" if direction == "request" else "client"


def levels(direction: Direction, shift: Shift, hurt: Level) -> dict[Audience, Level]:
    """The level each audience sees: ``hurt`` for the side the shift can break, compatible else."""
    if shift is Shift.WIDER:
        hurt_sides = {consumer(direction)}
    elif shift is Shift.NARROWER:
        hurt_sides = {producer(direction)}
    else:
        hurt_sides = set(AUDIENCES)
    return {a: hurt if a in hurt_sides else Level.COMPATIBLE for a in AUDIENCES}


def combine(a: Shift | None, b: Shift | None) -> Shift | None:
    """Two shifts of one value taken together (None is no shift)."""
    if a is None or a == b:
        return b
    if b is None:
        return a
    return Shift.CHANGED


_NUMBERS = {"integer": 0, "number": 1}
# The string formats spelt as another Python type than ``str``: by the models
# (render/model_constraints.STRING_FORMATS, but binary, which the IR makes a kind of
# its own) and by operations' parameters and bodies (render/types._FORMATS).
MODEL_FORMATS = frozenset({"date-time", "date", "time", "duration", "uuid", "uri", "ipv4", "ipv6"})
OPERATION_FORMATS = frozenset({"date-time", "date", "time", "uuid"})


def type_shift(old: TypeRef, new: TypeRef, typed: frozenset[str] = MODEL_FORMATS) -> Shift | None:
    """How a type's set of values moved; None when equal.

    Component schemas compare by key only (their own edits are compared once,
    per component): a different component is a :attr:`Shift.CHANGED`. A string
    format given or dropped narrows or widens it, unless one of the two is in
    ``typed`` (spelt as ``datetime``, ``UUID``...): the Python type changes, which
    breaks code on both sides (a ``str`` method on a ``datetime``), so it is changed.
    """
    if identical(old, new):
        return None
    null = (
        None if old.nullable == new.nullable else (Shift.WIDER if new.nullable else Shift.NARROWER)
    )
    return combine(null, _kind_shift(old, new, typed))


def _kind_shift(old: TypeRef, new: TypeRef, typed: frozenset[str]) -> Shift | None:
    if new.kind == "any" and old.kind != "any":
        return Shift.WIDER
    if old.kind == "any" and new.kind != "any":
        return Shift.NARROWER
    if old.kind != new.kind:
        if old.kind in _NUMBERS and new.kind in _NUMBERS:
            return Shift.WIDER if new.kind == "number" else Shift.NARROWER
        return Shift.CHANGED
    if old.kind == "model":
        return None if old.model == new.model else Shift.CHANGED
    if old.kind == "string" and old.format != new.format:
        if {old.format, new.format} & typed:
            return Shift.CHANGED
        if old.format is None or new.format is None:
            return Shift.NARROWER if new.format else Shift.WIDER
        return Shift.CHANGED
    if old.kind == "literal":
        return set_shift(set(map(json_key, old.values)), set(map(json_key, new.values)))
    if old.kind in ("array", "map") and old.item is not None and new.item is not None:
        return type_shift(old.item, new.item, typed)
    return None


def const_shift(old: Any, new: Any) -> Shift | None:
    """How a raw schema's ``const`` moved (the models spell it ``Literal[...]``, which the IR's
    summary of a model field leaves out); None when neither is a dict with one."""
    was, now = (s.get("const", MISSING) if isinstance(s, dict) else MISSING for s in (old, new))
    if was is MISSING and now is MISSING:
        return None
    if was is MISSING or now is MISSING:
        return Shift.NARROWER if was is MISSING else Shift.WIDER
    return None if identical(was, now) else Shift.CHANGED


def set_shift(old: set[Any], new: set[Any]) -> Shift | None:
    """Allowed values (enum, const) as sets."""
    if old == new:
        return None
    if old <= new:
        return Shift.WIDER
    if new <= old:
        return Shift.NARROWER
    return Shift.CHANGED


# Keywords whose value is a lower bound (bigger is narrower) or an upper bound (smaller is narrower).
_LOWER = frozenset({"minimum", "minLength", "minItems", "minProperties"})
_UPPER = frozenset({"maximum", "maxLength", "maxItems", "maxProperties"})
CONSTRAINTS = (
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
)


def constraint_shift(keyword: str, old: Any, new: Any) -> Shift | None:
    """How one validation keyword moved (:data:`MISSING` stands for an absent keyword)."""
    if old == new:
        return None
    if old is MISSING:
        return Shift.NARROWER if new is not False else None
    if new is MISSING:
        return Shift.WIDER if old is not False else None
    numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (old, new))
    if numeric and keyword in _LOWER:
        return Shift.NARROWER if new > old else Shift.WIDER
    if numeric and keyword in _UPPER:
        return Shift.NARROWER if new < old else Shift.WIDER
    if keyword == "uniqueItems":
        return Shift.NARROWER if new is True else Shift.WIDER
    return Shift.CHANGED


def keyword_moves(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, Shift, Any, Any]]:
    """(keyword, shift, old value, new value) of each of :data:`CONSTRAINTS` that moved."""
    moves = []
    for keyword in CONSTRAINTS:
        before, after = old.get(keyword, MISSING), new.get(keyword, MISSING)
        moved = constraint_shift(keyword, before, after)
        if moved is not None:
            moves.append((keyword, moved, before, after))
    return moves


# The integer formats whose range the server's models check, narrowest first; any other
# format (or none) leaves an integer unbounded.
_INTEGER_RANGES = ("int32", "int64")


def integer_format_shift(old: dict[str, Any], new: dict[str, Any]) -> Shift | None:
    """How an integer schema's range moved with its ``format`` (int32 < int64 < unbounded).

    None unless both sides are integers: a type change is a rule of its own.
    """
    if not (_is_integer(old) and _is_integer(new)):
        return None
    before, after = (_range_rank(schema.get("format")) for schema in (old, new))
    if before == after:
        return None
    return Shift.NARROWER if after < before else Shift.WIDER


def closed_shift(old: dict[str, Any], new: dict[str, Any]) -> Shift | None:
    """``additionalProperties: false`` added (narrower: unlisted properties are rejected) or dropped."""
    before, after = (schema.get("additionalProperties") is False for schema in (old, new))
    if before == after:
        return None
    return Shift.NARROWER if after else Shift.WIDER


def _is_integer(schema: dict[str, Any]) -> bool:
    kind = schema.get("type")
    return kind == "integer" or (isinstance(kind, list) and "integer" in kind)


def _range_rank(value: Any) -> int:
    return _INTEGER_RANGES.index(value) if value in _INTEGER_RANGES else len(_INTEGER_RANGES)


class _Missing:
    def __repr__(self) -> str:
        return "absent"


MISSING: Any = _Missing()
