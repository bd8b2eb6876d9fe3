"""Signature rules: parameters, request bodies and responses of one matched operation.

The generated server calls an implementation with every parameter by keyword,
so *any* parameter added or removed changes the interface method's signature
(an implementation without it raises TypeError), while for callers only
required additions and removals break.
"""

from __future__ import annotations

from apiforge.diagnostics import SpecLocation
from apiforge.diff.flow import CONSTRAINTS, MISSING, Shift, constraint_shift, type_shift
from apiforge.diff.model import Audience, Level
from apiforge.diff.pair import Pair, flow_levels, same
from apiforge.diff.snapshot import Direction, Snapshot
from apiforge.ir.model import Content, Operation, Parameter, preferred_request, preferred_response
from apiforge.naming.names import param_key

B, P, C = Level.BREAKING, Level.POSSIBLY_BREAKING, Level.COMPATIBLE


def _py(side: Snapshot, op: Operation, param: Parameter) -> str:
    names = side.names.operations[op.operation_id].params
    return str(names.get(param_key(param.location, param.name), param.name))


def _symbols(
    pair: Pair, op: Operation, argument: str, old_side: bool = False
) -> dict[Audience, str]:
    side = pair.old if old_side else pair.new
    return {"client": side.client_call(op, argument), "server": side.server_call(op, argument)}


def parameters(pair: Pair, old: Operation, new: Operation) -> None:
    """Parameters removed, added, renamed, moved, made required/optional, retyped or re-constrained."""
    before = {(p.location, p.name): p for p in old.parameters}
    after = {(p.location, p.name): p for p in new.parameters}
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
            _symbols(pair, old, arg, old_side=True),
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
            _symbols(pair, new, arg),
            old.spec_location,
            param.spec_location,
        )
    for key, param in before.items():
        if key in after:
            _parameter(pair, old, new, param, after[key])
    _positional_order(pair, old, new)


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
            _symbols(pair, new, after + "=..."),
            a.spec_location,
            b.spec_location,
        )
        return
    pair.emit(
        "parameter-renamed",
        same(B),
        f"parameter {before}= is now {after}= ({b.location} {b.name!r})",
        _symbols(pair, old, before + "=...", old_side=True),
        a.spec_location,
        b.spec_location,
        _symbols(pair, new, after + "=..."),
    )


def _parameter(
    pair: Pair, old_op: Operation, new_op: Operation, old: Parameter, new: Parameter
) -> None:
    before, after = _py(pair.old, old_op, old), _py(pair.new, new_op, new)
    symbols = _symbols(pair, new_op, after + "=...")
    where = (old.spec_location, new.spec_location)
    if before != after:
        pair.emit(
            "parameter-renamed",
            same(B),
            f"parameter {before}= is now {after}=",
            _symbols(pair, old_op, before + "=...", old_side=True),
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
    retyped = type_shift(old.type, new.type)
    if retyped is not None:
        pair.emit(
            f"parameter-type-{retyped.value}",
            flow_levels(["request"], retyped, B),
            f"{new.location} parameter {new.name!r}: type {retyped.value}",
            symbols,
            *where,
        )
    before_kw, after_kw = dict(old.keywords), dict(new.keywords)
    for keyword in CONSTRAINTS:
        moved = constraint_shift(
            keyword, before_kw.get(keyword, MISSING), after_kw.get(keyword, MISSING)
        )
        if moved is not None:
            spelt = f"{before_kw.get(keyword, MISSING)!r} -> {after_kw.get(keyword, MISSING)!r}"
            pair.emit(
                f"parameter-constraint-{moved.value}",
                flow_levels(["request"], moved, P),
                f"{new.location} parameter {new.name!r}: {keyword} {spelt}",
                symbols,
                *where,
            )
    _default(pair, old, new, symbols, where)


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
    if was == now:
        return
    label = f"{new.location} parameter {new.name!r}"
    if was is not None and now is not None:
        pair.emit(
            "parameter-default-changed",
            {"client": P, "server": C},
            f"default of {new.name!r} is now {now[1]!r} (was {was[1]!r}): "
            "calls that omit it behave differently",
            symbols,
            *where,
        )
    elif now is not None:
        pair.emit(
            "parameter-default-added",
            {"client": P, "server": C},
            {
                "client": f"{label} now defaults to {now[1]!r}: calls that omit it may behave "
                "differently",
                "server": f"{label} now defaults to {now[1]!r}: the route passes it, not None, "
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
                "client": f"{label} no longer defaults to {was[1]!r}: calls that omit it may "
                "behave differently",
                "server": f"{label} no longer defaults to {was[1]!r}: the route passes None "
                "when a call omits the parameter",
            },
            symbols,
            *where,
        )


def _spec_default(param: Parameter) -> tuple[type, object] | None:
    """The parameter's default with its type (``1`` is not ``True``), or None when it has none."""
    if not param.default or param.default[0] is None:
        return None
    return type(param.default[0]), param.default[0]


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
            _symbols(pair, new, ", ".join(after)),
            old.spec_location,
            new.spec_location,
        )


def body(pair: Pair, old: Operation, new: Operation) -> None:
    """The request body appeared, vanished, became required/optional, or changed type or media type."""
    symbols = _symbols(pair, new, "body=...")
    if old.body is None and new.body is None:
        return
    if old.body is None or new.body is None:
        present = new.body if new.body is not None else old.body
        assert present is not None
        rule = "request-body-removed" if new.body is None else "request-body-added"
        client = B if new.body is None or new.body.required else C
        pair.emit(
            rule,
            {"client": client, "server": B},
            {
                "client": f"{'required ' if present.required else ''}request body "
                f"{'removed' if new.body is None else 'added'}",
                "server": f"the route {'no longer passes' if new.body is None else 'now passes'} body=",
            },
            symbols,
            old.body.spec_location if old.body else None,
            new.body.spec_location if new.body else None,
        )
        return
    where: Where = (old.body.spec_location, new.body.spec_location)
    if old.body.required != new.body.required:
        shift = Shift.NARROWER if new.body.required else Shift.WIDER
        state = "required" if new.body.required else "optional"
        pair.emit(
            f"request-body-made-{state}",
            flow_levels(["request"], shift, B),
            f"request body is now {state}",
            symbols,
            *where,
        )
    _content(
        pair,
        preferred_request(old.body.contents),
        preferred_request(new.body.contents),
        "request",
        symbols,
        where,
    )


Where = tuple[SpecLocation | None, SpecLocation | None]


def _content(
    pair: Pair,
    old: Content | None,
    new: Content | None,
    direction: Direction,
    symbols: dict[Audience, str],
    where: Where,
) -> None:
    if old is None or new is None:
        return
    if old.kind != new.kind:
        pair.emit(
            f"{direction}-media-type-changed",
            same(P),
            f"{direction} body is now {new.media_type} (was {old.media_type})",
            symbols,
            *where,
        )
        return
    if old.type is None or new.type is None:
        return
    shift = type_shift(old.type, new.type)
    if shift is not None:
        pair.emit(
            f"{direction}-body-type-{shift.value}",
            flow_levels([direction], shift, B),
            f"{direction} body type {shift.value}",
            symbols,
            *where,
        )


def responses(pair: Pair, old: Operation, new: Operation) -> None:
    """Success statuses, response bodies appearing or vanishing, response types; new error statuses."""
    symbols = _symbols(pair, new, "")
    before = {r.status: r for r in old.success_responses}
    after = {r.status: r for r in new.success_responses}
    if set(before) != set(after) and before and after:
        pair.emit(
            "success-status-changed",
            same(P),
            f"success status {', '.join(after)} (was {', '.join(before)}); the return type's status "
            "wrappers follow it",
            symbols,
            old.spec_location.child("responses"),
            new.spec_location.child("responses"),
        )
    for status, response in after.items():
        previous = before.get(status)
        if previous is None:
            continue
        was, now = preferred_response(previous.contents), preferred_response(response.contents)
        where: Where = (previous.spec_location, response.spec_location)
        if (was is None) != (now is None):
            gained = now is not None
            pair.emit(
                "response-body-added" if gained else "response-body-removed",
                {"client": C, "server": B} if gained else {"client": B, "server": C},
                {
                    "client": f"{status} response {'now has a body' if gained else 'no longer has a body'}",
                    "server": f"the implementation {'must now return' if gained else 'no longer returns'} "
                    f"a {status} body",
                },
                symbols,
                *where,
            )
            continue
        _content(pair, was, now, "response", symbols, where)
    errors_before = {
        r.status: r for r in old.responses if not r.is_success and r.status != "default"
    }
    errors_after = {
        r.status: r for r in new.responses if not r.is_success and r.status != "default"
    }
    for status, response in errors_after.items():
        if status not in errors_before:
            pair.emit(
                "error-response-added",
                same(C),
                f"documents error status {status}",
                symbols,
                new=response.spec_location,
            )
    for status, response in errors_before.items():
        if status not in errors_after:
            pair.emit(
                "error-response-removed",
                same(C),
                f"no longer documents error status {status}",
                symbols,
                old=response.spec_location,
            )


SIGNATURE_RULES = (parameters, body, responses)
