"""readOnly and writeOnly fields: which way a field's data travels, and a flag that moves.

A component with a readOnly or writeOnly property is rendered as a ``*Request`` and a
``*Response`` class (see ``ir/shapes.split_keys``): a readOnly field is only in the
response class, a writeOnly one only in the request class. So a field travels in
fewer directions than its model (a new required readOnly field asks nothing of
callers), and a flag set or dropped takes the field out of one class or puts it in.
"""

from __future__ import annotations

from typing import Any

from apiforge.diff.flow import Shift
from apiforge.diff.model import Audience, Level
from apiforge.diff.pair import Pair, both, flow_levels, same
from apiforge.diff.snapshot import Direction

B, C = Level.BREAKING, Level.COMPATIBLE
# The direction a flag keeps a field out of, and the class that leaves it out.
_FLAGS: tuple[tuple[str, Direction, str], ...] = (
    ("readOnly", "request", "request"),
    ("writeOnly", "response", "response"),
)


def _flags(schema: dict[str, Any], name: str) -> set[str]:
    prop = (schema.get("properties") or {}).get(name)
    return {flag for flag, _, _ in _FLAGS if isinstance(prop, dict) and prop.get(flag) is True}


def travels(directions: list[Direction], schema: dict[str, Any], name: str) -> list[Direction]:
    """The directions property ``name`` of raw ``schema`` travels in, of its model's."""
    flags = _flags(schema, name)
    kept = {way for flag, way, _ in _FLAGS if flag in flags}
    return [d for d in directions if d not in kept]


def access(
    pair: Pair,
    symbol: str,
    name: str,
    schemas: tuple[dict[str, Any], dict[str, Any]],
    required: bool,
    used: dict[Audience, str],
    where: tuple[Any, Any],
) -> None:
    """A readOnly or writeOnly flag set (the field leaves one class) or dropped (it joins one)."""
    before, after = (_flags(schema, name) for schema in schemas)
    for flag, way, side in _FLAGS:
        if (flag in before) == (flag in after):
            continue
        if flag in after:
            pair.emit(
                "field-access-changed",
                same(B),
                {
                    a: f"field {name!r} is now {flag}: the {side} class no longer has it, so "
                    f"code reading or setting it there fails{used[a]}"
                    for a in ("client", "server")
                },
                both(symbol),
                *where,
            )
            continue
        shift = Shift.NARROWER if required else Shift.WIDER
        by_audience = flow_levels([way], shift, B) if required else same(C)
        pair.emit(
            "field-access-changed",
            by_audience,
            {
                a: f"field {name!r} is no longer {flag}: the {side} class has it now"
                + (", and it is required" if required else "")
                + used[a]
                for a in ("client", "server")
            },
            both(symbol),
            *where,
        )
