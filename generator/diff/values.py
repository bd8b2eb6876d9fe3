"""Spec values compared as JSON values: ``true`` is not ``1``, ``1`` is ``1.0``.

Python compares ``True == 1`` (and ``{1} == {True}``), so a default, an enum value or a
``const`` going from ``1`` to ``true`` would compare equal and go unreported, although
the models render another value of another type.
"""

from __future__ import annotations

import json
from dataclasses import fields, is_dataclass
from typing import Any


def identical(a: Any, b: Any) -> bool:
    """``a == b``, telling booleans from numbers at any depth (dicts, lists, tuples, IR dataclasses)."""
    return a == b and _same_types(a, b)


def _same_types(a: Any, b: Any) -> bool:
    """Whether two equal values hold booleans in the same places."""
    if a is b:
        return True
    if (a.__class__ is bool) is not (b.__class__ is bool):
        return False
    if isinstance(a, dict):
        return all(_same_types(v, b[k]) for k, v in a.items())
    if isinstance(a, (list, tuple)):
        return all(map(_same_types, a, b))
    if is_dataclass(a) and not isinstance(a, type):
        return all(_same_types(getattr(a, f.name), getattr(b, f.name)) for f in fields(a))
    return True


def json_key(value: Any) -> str:
    """A hashable spelling of a JSON value for sets and lookups: ``true`` and ``1`` differ."""
    return json.dumps(_numbers(value), sort_keys=True, default=str)


def _numbers(value: Any) -> Any:
    """``value`` with whole floats as ints (``1.0`` is the JSON number ``1``)."""
    if value.__class__ is float and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _numbers(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_numbers(v) for v in value]
    return value
