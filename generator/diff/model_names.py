"""Model naming rules: the Python spellings of one component moved while its data did not.

What users import and spell is the naming pass's: the classes a component becomes
(one, or a ``*Request`` and a ``*Response`` class once a readOnly or writeOnly
property splits it, or a schema it refers to does), its fields' attribute names and
its enum members' names. Each can move with no change to the data (an
``x-enum-varnames`` edit, a readOnly flag, another schema taking a class name), and
each move breaks code on both sides whatever the direction.
"""

from __future__ import annotations

import json

from apiforge.diff.model import Level
from apiforge.diff.pair import Pair, both, same
from apiforge.diff.snapshot import Snapshot
from apiforge.ir.model import Schema
from apiforge.naming.names import Names

B = Level.BREAKING


def classes(side: Snapshot, key: str) -> tuple[str, ...]:
    """The classes component ``key`` becomes: its Request and Response variants where it splits."""
    names = side.names
    return tuple(names.variants.get(key) or (names.schemas.get(key, key),))


def differ(was: Names, now: Names, key: str) -> bool:
    """Whether any Python spelling of component ``key`` differs between two namings."""
    return (
        was.schemas.get(key) != now.schemas.get(key)
        or was.variants.get(key) != now.variants.get(key)
        or was.fields.get(key) != now.fields.get(key)
        or was.members.get(key) != now.members.get(key)
    )


def renamed(pair: Pair, key: str, old: Schema, new: Schema) -> None:
    """Every naming rule for one component present on both sides."""
    _classes(pair, key, old, new)
    if old.kind == new.kind == "object":
        _fields(pair, key, old, new)
    elif old.kind == new.kind == "enum":
        _members(pair, key, old, new)


def moved(pair: Pair, key: str, new_key: str) -> None:
    """A schema moved, unchanged, to another key (:attr:`~apiforge.diff.pair.Pair.moved`):
    the same model, renamed only when its classes are."""
    _classes(pair, key, pair.old.api.schemas[key], pair.new.api.schemas[new_key], new_key)


def _classes(pair: Pair, key: str, old: Schema, new: Schema, new_key: str = "") -> None:
    new_key = new_key or key
    before, after = classes(pair.old, key), classes(pair.new, new_key)
    if before == after:
        return
    if len(before) == len(after):
        why = "" if new_key == key else f" (its schema moved to the key {new_key!r})"
    elif len(after) == 2:
        why = " (a readOnly or writeOnly property splits it into a request and a response class)"
    else:
        why = " (it no longer splits into a request and a response class)"
    pair.emit(
        "model-renamed",
        same(B),
        f"now {pair.new.model(new_key)}{why}: imports of the old name fail",
        both(pair.old.model(key)),
        old.spec_location,
        new.spec_location,
        both(pair.new.model(new_key)),
    )


def _fields(pair: Pair, key: str, old: Schema, new: Schema) -> None:
    # a snapshot keeps only the fields not named as on the wire (see snapshot.from_built)
    was, now = pair.old.names.fields.get(key, {}), pair.new.names.fields.get(key, {})
    fresh = {prop.name for prop in new.properties}
    for prop in old.properties:
        if prop.name not in fresh:
            continue  # a field removed is the field rules'
        before, after = was.get(prop.name, prop.name), now.get(prop.name, prop.name)
        if before == after:
            continue
        pair.emit(
            "field-renamed",
            same(B),
            f"field {prop.name!r} is now the attribute {after} (was {before}): "
            "code reading or setting the old one fails",
            both(pair.old.model(key, before)),
            old.spec_location.child("properties", prop.name),
            new.spec_location.child("properties", prop.name),
            both(pair.new.model(key, after)),
        )


def _identity(value: object) -> str:
    """An enum value as the models tell values apart (``1`` and ``True`` differ)."""
    return json.dumps(value, sort_keys=True, default=str)


def _member_names(schema: Schema, members: tuple[str, ...]) -> dict[str, str]:
    """Each distinct enum value (by :func:`_identity`) -> its member name; empty when unknown."""
    values = list(dict.fromkeys(_identity(v) for v in schema.enum_values))
    return dict(zip(values, members)) if len(values) == len(members) else {}


def _members(pair: Pair, key: str, old: Schema, new: Schema) -> None:
    was = _member_names(old, pair.old.names.members.get(key, ()))
    now = _member_names(new, pair.new.names.members.get(key, ()))
    for value, before in was.items():
        after = now.get(value)
        if after is None or after == before:
            continue  # a value removed is enum-value-removed
        pair.emit(
            "enum-member-renamed",
            same(B),
            f"the member of value {value} is now {pair.new.model(key, after)} (was {before}): "
            "code naming the old member fails",
            both(pair.old.model(key, before)),
            old.spec_location,
            new.spec_location,
            both(pair.new.model(key, after)),
        )
