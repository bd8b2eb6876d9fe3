"""Model rules: component schemas (given and hoisted) compared once each, weighed by who uses them.

Every component becomes a model the package exports, used by an operation or not
(``models/_unused.py``), so one that appears, vanishes or changes shape is reported
either way.

A schema that only travels in requests is produced by callers and consumed by
implementations; one in responses the other way round (see :mod:`apiforge.diff.flow`).
Some edits break Python code whatever the direction: a removed field is an
attribute that no longer exists, a removed enum value a member that no longer
exists, a renamed model an import that fails.
"""

from __future__ import annotations

import json
from typing import Any

from apiforge.diff import (
    aliases,
    deprecation,
    described,
    extras,
    field_access,
    model_names,
    nullable,
)
from apiforge.diff.field_defaults import default_of, defaults
from apiforge.diff.flow import (
    MISSING,
    Shift,
    closed_shift,
    combine,
    const_shift,
    integer_format_shift,
    keyword_moves,
)
from apiforge.diff.model import Audience, Level
from apiforge.diff.pair import Pair, both, flow_levels, same
from apiforge.diff.snapshot import Direction
from apiforge.diff.values import identical, json_key
from apiforge.ir.model import Property, Schema

B, P, C = Level.BREAKING, Level.POSSIBLY_BREAKING, Level.COMPATIBLE
_COMPOSITION = ("allOf", "oneOf", "anyOf", "discriminator")


def components(pair: Pair) -> None:
    """Compare every component present on either side."""
    old, new = pair.old.api.schemas, pair.new.api.schemas
    for key, schema in old.items():
        if key in pair.moved:
            model_names.moved(pair, key, pair.moved[key])
        elif key not in new:
            pair.emit(
                "model-removed",
                same(B),
                f"model {pair.old.model(key)} removed: importing it fails",
                both(pair.old.model(key)),
                old=schema.spec_location,
            )
        else:
            component(pair, key, schema, new[key])
    landed = set(pair.moved.values())
    for key, schema in new.items():
        if key not in old and key not in landed:
            pair.emit(
                "model-added",
                same(C),
                f"new model {pair.new.model(key)}",
                both(pair.new.model(key)),
                new=schema.spec_location,
            )


def _directions(pair: Pair, key: str) -> list[Direction]:
    found = pair.old.usage.get(key, frozenset()) | pair.new.usage.get(key, frozenset())
    return sorted(found)


class Used(dict[Audience, str]):
    """Per audience, `` (used by client.x.list(...) and 3 more)``; ``used + "text"`` prefixes it."""

    def __radd__(self, text: str) -> dict[Audience, str]:
        return {audience: text + suffix for audience, suffix in self.items()}


def _used_by(pair: Pair, key: str) -> Used:
    users = pair.new.users.get(key) or pair.old.users.get(key) or ()
    side = pair.new if pair.new.users.get(key) else pair.old
    if not users:
        return Used(client="", server="")
    more = f" and {len(users) - 1} more" if len(users) > 1 else ""
    op = side.operations[users[0]]
    return Used({a: f" (used by {side.call(a, op)}{more})" for a in ("client", "server")})


def component(pair: Pair, key: str, old: Schema, new: Schema) -> None:
    """Compare one component schema present on both sides."""
    new_name = pair.new.model(key)
    where = (old.spec_location, new.spec_location)
    model_names.renamed(pair, key, old, new)
    if identical(described.merge_inputs(pair.old, key), described.merge_inputs(pair.new, key)):
        return  # the same schema text, allOf members too (other $refs: under their own key)
    # Used by no operation on either side, no data flows through it: only the rules that
    # break Python code whatever the direction fire (the models export it all the same).
    directions = _directions(pair, key)
    used = _used_by(pair, key)
    raw_old, raw_new = pair.old.schemas.get(key, {}), pair.new.schemas.get(key, {})
    # an allOf-composed object is compared as its model: one class with every member's fields
    views = described.merged(pair.old, key), described.merged(pair.new, key)
    if views[0] is not None:
        old, raw_old = views[0]
    if views[1] is not None:
        new, raw_new = views[1]
    merged = all(v is not None for v, raw in zip(views, (raw_old, raw_new)) if "allOf" in raw)
    if old.kind != new.kind:
        pair.emit(
            "model-kind-changed",
            same(B),
            f"now {_kind(new)} (was {_kind(old)})" + used,
            both(new_name),
            *where,
        )
        return
    nullable.compare(pair, new_name, (old, new), (raw_old, raw_new), directions, used, where)
    if old.kind == "enum":
        _enum_values(pair, new_name, old, new, directions, used)
    else:
        if old.kind == "alias":
            aliases.compare(pair, new_name, (raw_old, raw_new), directions, used, where)
        _properties(pair, key, (old, new), (raw_old, raw_new), directions, used)
        _constraints(pair, new_name, raw_old, raw_new, directions, used, where)
        _closed(pair, new_name, raw_old, raw_new, directions, used, where)
        if old.kind == "object":
            extras.compare(pair, new_name, (raw_old, raw_new), directions, used, where)
    composition = _COMPOSITION[1:] if merged else _COMPOSITION  # merged: allOf is the fields
    if _canonical(raw_old, composition) != _canonical(raw_new, composition):
        pair.emit(
            "model-composition-changed",
            same(P),
            "allOf/oneOf/anyOf members changed" + used,
            both(new_name),
            *where,
        )


def _kind(schema: Schema) -> str:
    return {"object": "an object", "enum": "an enum", "alias": "a plain type"}[schema.kind]


def _canonical(schema: dict[str, Any], keys: tuple[str, ...]) -> str:
    return json.dumps({k: schema[k] for k in keys if k in schema}, sort_keys=True, default=str)


def _enum_values(
    pair: Pair, name: str, old: Schema, new: Schema, directions: list[Direction], used: Used
) -> None:
    before, after = ({json_key(v) for v in s.enum_values} for s in (old, new))
    gone = [v for v in old.enum_values if json_key(v) not in after]  # 1 is not True
    fresh = [v for v in new.enum_values if json_key(v) not in before]
    where = (old.spec_location, new.spec_location)
    if gone:
        spelt = ", ".join(repr(v) for v in gone)
        pair.emit(
            "enum-value-removed",
            same(B),
            f"value(s) {spelt} removed; their members no longer exist" + used,
            both(name),
            *where,
        )
    if not fresh:
        return
    by_audience = flow_levels(directions, Shift.WIDER, P)
    if "response" in directions:
        by_audience["client"] = C  # the client's enums are open: unknown values parse
    spelt = ", ".join(repr(v) for v in fresh)
    pair.emit(
        "enum-value-added",
        by_audience,
        {
            "client": f"new value(s) {spelt} (open enums absorb values they do not know)"
            + used["client"],
            "server": f"new value(s) {spelt}" + _server_enum_note(directions) + used["server"],
        },
        both(name),
        *where,
    )


def _server_enum_note(directions: list[Direction]) -> str:
    if "request" in directions:
        return "; requests may carry them, so exhaustive handling must cover them"
    return "; the implementation may now return them"


def _properties(
    pair: Pair,
    key: str,
    schemas: tuple[Schema, Schema],
    raws: tuple[dict[str, Any], dict[str, Any]],
    directions: list[Direction],
    used: Used,
) -> None:
    old, new = schemas
    before = {p.name: p for p in old.properties}
    after = {p.name: p for p in new.properties}
    location = (old.spec_location, new.spec_location)
    for name, prop in before.items():
        field = pair.old.model(key, name)
        if name not in after:
            pair.emit(
                "field-removed",
                same(B),
                f"field {name!r} removed: reading or setting it fails" + used,
                both(field),
                location[0].child("properties", name),
                location[1],
            )
            continue
        _property(
            pair,
            pair.new.model(key, name),
            prop,
            after[name],
            directions,
            used,
            (location[0].child("properties", name), location[1].child("properties", name)),
            *raws,
            key in pair.old.names.variants and key in pair.new.names.variants,
        )
    for name, prop in after.items():
        if name in before:
            continue
        field = pair.new.model(key, name)
        where = location[1].child("properties", name)
        default = default_of(raws[1], name)
        if prop.required and default:
            pair.emit(
                "field-added-required",
                same(C),
                f"new required field {name!r} with default {default[0]!r}: the models fill it in"
                + used,
                both(field),
                location[0],
                where,
            )
        elif prop.required:
            ways = field_access.travels(directions, raws[1], name)
            pair.emit(
                "field-added-required",
                flow_levels(ways, Shift.NARROWER, B),
                {
                    "client": _required_text("client", ways, name) + used["client"],
                    "server": _required_text("server", ways, name) + used["server"],
                },
                both(field),
                location[0],
                where,
            )
        else:
            pair.emit(
                "field-added",
                same(C),
                f"new optional field {name!r}" + used,
                both(field),
                location[0],
                where,
            )


def _required_text(audience: Audience, directions: list[Direction], name: str) -> str:
    """What a new required field means to one side, by who produces the data."""
    parts = []
    if "request" in directions:
        parts.append(
            f"callers must now send {name!r}"
            if audience == "client"
            else f"the implementation can rely on receiving {name!r}"
        )
    if "response" in directions:
        parts.append(
            f"responses always carry {name!r}"
            if audience == "client"
            else f"the implementation must now send {name!r}"
        )
    if not parts:  # readOnly in requests only, or writeOnly in responses only
        return f"new required field {name!r}, which its readOnly/writeOnly flag leaves out"
    return f"new required field {name!r}: " + "; ".join(parts)


def _property(
    pair: Pair,
    field: str,
    old: Property,
    new: Property,
    directions: list[Direction],
    used: Used,
    where: tuple[Any, Any],
    raw_old: dict[str, Any],
    raw_new: dict[str, Any],
    split: bool,
) -> None:
    if split:  # else the model splits or joins: model-renamed says so
        field_access.access(pair, field, new.name, (raw_old, raw_new), new.required, used, where)
    ways = field_access.travels(directions, raw_new, new.name)
    if old.required != new.required:
        shift = Shift.NARROWER if new.required else Shift.WIDER
        state = "required" if new.required else "optional"
        default = default_of(raw_new if new.required else raw_old, new.name)
        by_audience = same(C) if default else flow_levels(ways, shift, B)
        note = f" (its default {default[0]!r} fills it in)" if default else ""
        pair.emit(
            f"field-made-{state}",
            by_audience,
            f"field {new.name!r} is now {state}{note}" + used,
            both(field),
            *where,
        )
    prop_old = (raw_old.get("properties") or {}).get(old.name)
    prop_new = (raw_new.get("properties") or {}).get(new.name)
    retyped = combine(pair.type_shift(old.type, new.type), const_shift(prop_old, prop_new))
    if retyped is not None:
        pair.emit(
            f"field-type-{retyped.value}",
            flow_levels(ways, retyped, B),
            f"field {new.name!r}: type {retyped.value}" + used,
            both(field),
            *where,
        )
    defaults(pair, field, new.name, (raw_old, raw_new), ways, used, where)
    deprecation.field(pair, field, new.name, (prop_old, prop_new), used, where)
    if isinstance(prop_old, dict) and isinstance(prop_new, dict):
        _constraints(pair, field, prop_old, prop_new, ways, used, where)


def _constraints(
    pair: Pair,
    symbol: str,
    old: dict[str, Any],
    new: dict[str, Any],
    directions: list[Direction],
    used: Used,
    where: tuple[Any, Any],
    path: str = "",
) -> None:
    """Validation keywords: narrowing may reject what producers send, widening may surprise consumers.

    An inline array's items and an inline map's values are checked by the models too
    (``list[Annotated[str, Field(max_length=5)]]``): their keywords count, spelt
    ``items.maxLength``; a ``$ref``'d one is compared under its own key.
    """
    moves = keyword_moves(old, new)
    ranged = integer_format_shift(old, new)  # the server checks int32/int64
    if ranged is not None:
        moves.append(("format", ranged, old.get("format", MISSING), new.get("format", MISSING)))
    for keyword, moved, before, after in moves:
        pair.emit(
            f"constraint-{moved.value}",
            flow_levels(directions, moved, P),
            f"{path}{keyword} {before!r} -> {after!r}" + used,
            both(symbol),
            *where,
        )
    for part in ("items", "additionalProperties"):
        was, now = old.get(part), new.get(part)
        if (
            isinstance(was, dict)
            and isinstance(now, dict)
            and "$ref" not in was
            and "$ref" not in now
        ):
            _constraints(pair, symbol, was, now, directions, used, where, f"{path}{part}.")


def _closed(
    pair: Pair,
    symbol: str,
    old: dict[str, Any],
    new: dict[str, Any],
    directions: list[Direction],
    used: Used,
    where: tuple[Any, Any],
) -> None:
    """An object closed by ``additionalProperties: false`` (its models forbid extra keys) or opened."""
    moved = closed_shift(old, new)
    if moved is not None:
        before, after = (s.get("additionalProperties", MISSING) for s in (old, new))
        pair.emit(
            f"constraint-{moved.value}",
            flow_levels(directions, moved, P),
            f"additionalProperties {before!r} -> {after!r}" + used,
            both(symbol),
            *where,
        )
