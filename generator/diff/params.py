"""Signature rules: the parameters of one matched operation (bodies: :mod:`~apiforge.diff.bodies`).

The generated server calls an implementation with every parameter by keyword,
so *any* parameter added or removed changes the interface method's signature
(an implementation without it raises TypeError), while for callers only
required additions and removals break.
"""

from __future__ import annotations

from dataclasses import replace

from apiforge.diff import deprecation
from apiforge.diff.bodies import Where, responses
from apiforge.diff.flow import OPERATION_FORMATS, Shift, keyword_moves
from apiforge.diff.model import Audience, Level
from apiforge.diff.pair import Pair, flow_levels, same
from apiforge.diff.requests import body
from apiforge.diff.snapshot import Snapshot
from apiforge.diff.values import identical
from apiforge.ir.model import Operation, Parameter, TypeRef
from apiforge.naming.names import param_key

B, P, C = Level.BREAKING, Level.POSSIBLY_BREAKING, Level.COMPATIBLE


def _py(side: Snapshot, op: Operation, param: Parameter) -> str:
    names = side.names.operations[op.operation_id].params
    return str(names.get(param_key(param.location, param.name), param.name))


def parameters(pair: Pair, old: Operation, new: Operation) -> None:
    """Parameters removed, added, renamed, moved, made required/optional, retyped or re-constrained."""
    before = {_wire_key(p): p for p in old.parameters}
    after = {_wire_key(p): p for p in new.parameters}
    gone = [p for k, p in before.items() if k not in after]
    fresh = [p for k, p in after.items() if k not in before]
    for param in list(gone):
        twin = next((p for p in fresh if _twins(param, p)), None)
        if twin is not None:
            gone.remove(param)
            fresh.remove(twin)
            _renamed(pair, old, new, param, twin)
    for param in gone:
        arg = _py(pair.old, old, param) + "=..."
        pair.emit(
            "parameter-removed",
            same(B),
            {
                "client": f"{param.location} parameter {param.name!r} removed: passing {arg} raises TypeError",
                "server": f"{param.location} parameter {param.name!r} removed: the route no longer passes it",
            },
            pair.old.calls(old, arg),
            param.spec_location,
            new.spec_location,
        )
    for param in fresh:
        arg = _py(pair.new, new, param) + "=..."
        client = B if param.required else C
        pair.emit(
            "parameter-added-required" if param.required else "parameter-added",
            {"client": client, "server": B},
            {
                "client": f"new {'required' if param.required else 'optional'} {param.location} parameter "
                f"{param.name!r}",
                "server": f"new {param.location} parameter {param.name!r}: the route passes {arg}, "
                "so the implementation's method must accept it",
            },
            pair.new.calls(new, arg),
            old.spec_location,
            param.spec_location,
        )
    for key, param in before.items():
        if key in after:
            _parameter(pair, old, new, param, after[key])
    _positional_order(pair, old, new)


def _wire_key(param: Parameter) -> tuple[str, str]:
    """What tells parameters apart on the wire: a header's name in any case is one header."""
    name = param.name.lower() if param.location == "header" else param.name
    return param.location, name


def _twins(a: Parameter, b: Parameter) -> bool:
    """The same parameter under another wire name or in another location."""
    return (
        a.type == b.type
        and a.required == b.required
        and (a.location == b.location or a.name == b.name)
    )


def _renamed(pair: Pair, old: Operation, new: Operation, a: Parameter, b: Parameter) -> None:
    before, after = _py(pair.old, old, a), _py(pair.new, new, b)
    if before == after:
        pair.emit(
            "parameter-moved",
            {"client": B, "server": C},
            {
                "client": f"sent as {b.location} {b.name!r} (was {a.location} {a.name!r}); the call is "
                "unchanged but clients generated from the old spec send the old one",
                "server": f"read from {b.location} {b.name!r} (was {a.location} {a.name!r})",
            },
            pair.new.calls(new, after + "=..."),
            a.spec_location,
            b.spec_location,
        )
        return
    pair.emit(
        "parameter-renamed",
        same(B),
        f"parameter {before}= is now {after}= ({b.location} {b.name!r})",
        pair.old.calls(old, before + "=..."),
        a.spec_location,
        b.spec_location,
        pair.new.calls(new, after + "=..."),
    )


def _parameter(
    pair: Pair, old_op: Operation, new_op: Operation, old: Parameter, new: Parameter
) -> None:
    before, after = _py(pair.old, old_op, old), _py(pair.new, new_op, new)
    symbols = pair.new.calls(new_op, after + "=...")
    where = (old.spec_location, new.spec_location)
    if before != after:
        pair.emit(
            "parameter-renamed",
            same(B),
            f"parameter {before}= is now {after}=",
            pair.old.calls(old_op, before + "=..."),
            *where,
            symbols,
        )
    if old.required != new.required:
        shift = Shift.NARROWER if new.required else Shift.WIDER
        state = "required" if new.required else "optional"
        pair.emit(
            f"parameter-made-{state}",
            flow_levels(["request"], shift, B),
            f"{new.location} parameter {new.name!r} is now {state}",
            symbols,
            *where,
        )
    retyped = pair.type_shift(*_spelt_types(old, new), OPERATION_FORMATS)
    if retyped is not None:
        pair.emit(
            f"parameter-type-{retyped.value}",
            flow_levels(["request"], retyped, B),
            f"{new.location} parameter {new.name!r}: type {retyped.value}",
            symbols,
            *where,
        )
    _serialization(pair, old, new, symbols, where)
    _reserved(pair, old, new, symbols, where)
    deprecation.parameter(pair, old, new, symbols, where)
    for keyword, moved, was, now in keyword_moves(dict(old.keywords), dict(new.keywords)):
        pair.emit(
            f"parameter-constraint-{moved.value}",
            flow_levels(["request"], moved, P),
            f"{new.location} parameter {new.name!r}: {keyword} {was!r} -> {now!r}",
            symbols,
            *where,
        )
    _default(pair, old, new, symbols, where)


def _spelt_types(old: Parameter, new: Parameter) -> tuple[TypeRef, TypeRef]:
    """Both parameters' types as their signatures spell them: an optional parameter is
    ``X | None = None`` whether its schema is nullable or not, so between two optional ones
    ``nullable`` given or dropped changes no type (a query string carries no null either)."""
    if old.required or new.required:
        return old.type, new.type
    return replace(old.type, nullable=False), replace(new.type, nullable=False)


_SCALAR_STYLES = frozenset({"form", "simple", "spaceDelimited", "pipeDelimited"})


def _serialization(
    pair: Pair, old: Parameter, new: Parameter, symbols: dict[Audience, str], where: Where
) -> None:
    """``style`` or ``explode`` changed: the same call, spelt differently on the wire.

    Clients generated from the old spec keep sending the old spelling, which the new
    server splits another way (``?ids=1&ids=2`` read as ``1,2`` expects, say). A scalar
    in one of the styles that spell a scalar as itself is sent alike either way.
    """
    was, now = old.serialization, new.serialization
    if was == now:
        return
    scalar = old.type.kind not in ("array", "map", "model", "any")
    if scalar and was[0] in _SCALAR_STYLES and now[0] in _SCALAR_STYLES:
        return
    spelt = f"style={now[0]}, explode={now[1]} (was style={was[0]}, explode={was[1]})"
    pair.emit(
        "parameter-style-changed",
        {"client": B, "server": C},
        {
            "client": f"{new.location} parameter {new.name!r} is now sent as {spelt}; the call is "
            "unchanged but clients generated from the old spec send the old spelling",
            "server": f"{new.location} parameter {new.name!r} is now read as {spelt}",
        },
        symbols,
        *where,
    )


def _reserved(
    pair: Pair, old: Parameter, new: Parameter, symbols: dict[Audience, str], where: Where
) -> None:
    """``allowReserved`` set or dropped: the client sends ``/``, ``:``, ``,``... as they are, or
    escaped. The server reads a value alike either way, except that a literal ``,`` inside
    an item of a comma-separated array or object (``style=form, explode=false``) now splits it."""
    if old.allow_reserved == new.allow_reserved:
        return
    commas = new.serialization == ("form", False) and new.type.kind in ("array", "map", "model")
    state = "now sent as they are" if new.allow_reserved else "now escaped"
    pair.emit(
        "parameter-allow-reserved-changed",
        {"client": P if commas and new.allow_reserved else C, "server": C},
        f"{new.location} parameter {new.name!r}: reserved characters are {state}"
        + (
            "; an item holding ',' now reaches the server split in two"
            if commas and new.allow_reserved
            else ""
        ),
        symbols,
        *where,
    )


def _default(
    pair: Pair, old: Parameter, new: Parameter, symbols: dict[Audience, str], where: Where
) -> None:
    """A default added, removed or changed: what the server's route passes when a call omits it.

    Callers that omit the parameter get another behaviour (possibly breaking). The
    implementation receives the default instead of None: compatible when one is added
    or changed (it receives less variety), possibly breaking when one is removed (None
    now arrives where a value always did; its type allowed None all along).
    """
    was, now = _spec_default(old), _spec_default(new)
    if identical(was, now):
        return
    label = f"{new.location} parameter {new.name!r}"
    if was is not None and now is not None:
        pair.emit(
            "parameter-default-changed",
            {"client": P, "server": C},
            f"default of {new.name!r} is now {now[0]!r} (was {was[0]!r}): "
            "calls that omit it behave differently",
            symbols,
            *where,
        )
    elif now is not None:
        pair.emit(
            "parameter-default-added",
            {"client": P, "server": C},
            {
                "client": f"{label} now defaults to {now[0]!r}: calls that omit it may behave "
                "differently",
                "server": f"{label} now defaults to {now[0]!r}: the route passes it, not None, "
                "when a call omits the parameter",
            },
            symbols,
            *where,
        )
    elif was is not None:
        pair.emit(
            "parameter-default-removed",
            same(P),
            {
                "client": f"{label} no longer defaults to {was[0]!r}: calls that omit it may "
                "behave differently",
                "server": f"{label} no longer defaults to {was[0]!r}: the route passes None "
                "when a call omits the parameter",
            },
            symbols,
            *where,
        )


def _spec_default(param: Parameter) -> tuple[object] | None:
    """``(default,)``, or None when the parameter has none (compared by
    :func:`~apiforge.diff.values.identical`: ``1`` is not ``True``, ``[1]`` not ``[True]``)."""
    if not param.default or param.default[0] is None:
        return None
    return (param.default[0],)


def _positional_order(pair: Pair, old: Operation, new: Operation) -> None:
    """Path parameters are positional: reordering them silently swaps arguments."""

    def order(side: Snapshot, op: Operation) -> list[str]:
        path = sorted(
            (p for p in op.parameters if p.location == "path"),
            key=lambda p: op.path.find("{" + p.name + "}"),
        )
        return [_py(side, op, p) for p in path]

    before, after = order(pair.old, old), order(pair.new, new)
    if before != after and sorted(before) == sorted(after):
        pair.emit(
            "positional-order-changed",
            same(B),
            f"positional arguments are now ({', '.join(after)}) (were ({', '.join(before)}))",
            pair.new.calls(new, ", ".join(after)),
            old.spec_location,
            new.spec_location,
        )


SIGNATURE_RULES = (parameters, body, responses)
