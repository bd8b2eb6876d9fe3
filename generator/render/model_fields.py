"""What a property's schema alone makes of a model field, worked out once per distinct schema.

Thousands of properties share a handful of schemas (``{"type": "string", "format":
"uuid"}``, a ``$ref``...). :class:`FieldFacts` holds what ``model_views`` derives from the
schema and the flavour alone: the type, the constraint keywords, the docstring, whether
None is admitted. A :class:`FieldMemo` keeps them for one ``render_models`` run (the
shapes and names it was made with), keyed by :func:`schema_key`, so an equal schema is
worked out once per flavour, role and kind of body (multipart or not). Warnings depend
on a property's location: the caller still checks and reports per property.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from apiforge.render.model_types import Type

Key = tuple[Any, ...]


@dataclass(frozen=True)
class FieldFacts:
    """A property schema's field, apart from its name, default and tags.

    Attributes:
        schema: the schema with the default it inherits from the component it refers to.
        type: the type it spells; kwargs: its ``Field`` constraint keywords.
        doc: the docstring of its description ("" without one).
        deprecated: ``deprecated: true``.
        root_null: a reference to a RootModel or an enum that admits null.
        direct: the annotation admits None; shown: the annotation; optional: with None.
        python_re: the schema holds a pattern only Python's engine compiles.
    """

    schema: dict[str, Any]
    type: Type
    kwargs: tuple[tuple[str, str], ...]
    doc: str
    deprecated: bool
    root_null: bool
    direct: bool
    shown: str
    optional: str
    python_re: bool


FieldMemo = dict[tuple[bool, str, bool, Key], FieldFacts]
"""(server, role, files, :func:`schema_key`) -> facts, for one run's shapes and names
(``files``: the class is a multipart body's, ``model_types.Speller.files``)."""


class _Marker:
    """A value of the key that no JSON value equals (JSON's true/false, a list's start)."""

    __slots__ = ()


_TRUE, _FALSE, _LIST = _Marker(), _Marker(), _Marker()


def schema_key(value: dict[str, Any] | list[Any]) -> Key | None:
    """A hashable key equal only for schemas that are equal and of the same JSON kinds.

    A mapping's str keys and values in order, a list's items after a marker; str, int
    and None as themselves, a bool as a marker (``1 == True`` would merge them), a
    nested mapping or list as its own key. None for anything else (floats, which equal
    ints; keys that are not str; odd types): such a schema is worked out each time.
    """
    parts: list[Any] = []
    if isinstance(value, list):
        parts.append(_LIST)
        for item in value:
            spelt = _item_key(item)
            if spelt is _NO_KEY:
                return None
            parts.append(spelt)
        return tuple(parts)
    for name, item in value.items():
        spelt = _item_key(item)
        if spelt is _NO_KEY or name.__class__ is not str:
            return None
        parts += (name, spelt)
    return tuple(parts)


_NO_KEY = _Marker()


def _item_key(item: Any) -> Any:
    kind = item.__class__
    if kind is str or kind is int or item is None:
        return item
    if kind is bool:
        return _TRUE if item else _FALSE
    if kind is dict or kind is list:
        nested = schema_key(item)
        return _NO_KEY if nested is None else nested
    return _NO_KEY
