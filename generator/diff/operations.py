"""Operation rules: operations and resources removed, added or renamed; endpoints, pagination
(an operation's own security requirements: :mod:`~apiforge.diff.auth`; the client's
credential arguments and the schemes: :mod:`~apiforge.diff.credentials`).

Operations match by operationId, then (for the rest) by method and path shape,
so a renamed operationId shows up as a renamed Python method, not as one
removal plus one addition.
"""

from __future__ import annotations

from collections.abc import Iterator

from apiforge.diff import deprecation
from apiforge.diff.auth import security
from apiforge.diff.model import AUDIENCES, Level
from apiforge.diff.pair import Pair, same
from apiforge.diff.snapshot import Snapshot
from apiforge.ir.model import Operation, preferred_response
from apiforge.naming.words import PyName

B, P, C = Level.BREAKING, Level.POSSIBLY_BREAKING, Level.COMPATIBLE


def _shape(op: Operation) -> tuple[str, str]:
    return op.method, "/".join(
        "{}" if s.startswith("{") else s for s in op.path.strip("/").split("/")
    )


def match_operations(
    old: Snapshot, new: Snapshot
) -> Iterator[tuple[Operation | None, Operation | None]]:
    """(old, new) pairs: matched, then removed (new None), then added (old None), each in spec order."""
    unmatched_new = {
        op.operation_id: op for op in new.api.operations if op.operation_id not in old.operations
    }
    by_shape = {_shape(op): op for op in unmatched_new.values()}
    removed = []
    for op in old.api.operations:
        partner = new.operations.get(op.operation_id) or by_shape.pop(_shape(op), None)
        if partner is None:
            removed.append(op)
            continue
        unmatched_new.pop(partner.operation_id, None)
        yield op, partner
    for op in removed:
        yield op, None
    for op in unmatched_new.values():
        yield None, op


def removed(pair: Pair, op: Operation) -> None:
    """An operation is gone: callers break; implementations merely keep a method nobody calls."""
    old = pair.old
    was = " (it was deprecated)" if op.deprecated else ""
    pair.emit(
        "operation-removed",
        {"client": B, "server": C},
        {
            "client": f"operation {op.method} {op.path} removed{was}",
            "server": f"operation {op.method} {op.path} removed; the implementation's method is no longer called",
        },
        old.calls(op),
        old=op.spec_location,
    )


def added(pair: Pair, op: Operation) -> None:
    """A new operation: a new call for clients, a method implementations must now provide."""
    new = pair.new
    pair.emit(
        "operation-added",
        {"client": C, "server": P},
        {
            "client": f"new operation {op.method} {op.path}",
            "server": f"new interface method for {op.method} {op.path}: implementations must add it "
            "(until they do, the route answers 501 and mypy flags the implementation)",
        },
        new.calls(op),
        new=op.spec_location,
    )


def python_names(pair: Pair, old: Operation, new: Operation) -> None:
    """The operation's Python spelling moved (operationId edit, or a naming collision renumbered it)."""
    before = pair.old.calls(old)
    after = pair.new.calls(new)
    for audience in AUDIENCES:
        if before[audience] != after[audience]:
            pair.emit(
                "operation-renamed",
                {audience: B},
                f"renamed to {after[audience]}",
                before,
                old.spec_location,
                new.spec_location,
                after,
            )
    old_kw = pair.old.names.groups[pair.old.names.operations[old.operation_id].resource].keyword
    new_kw = pair.new.names.groups[pair.new.names.operations[new.operation_id].resource].keyword
    if old_kw != new_kw:
        pair.emit(
            "implementation-keyword-renamed",
            {"server": B},
            f"create_app keyword {old_kw}= is now {new_kw}=",
            {"server": f"create_app({old_kw}=...)"},
            old.spec_location,
            new.spec_location,
            {"server": f"create_app({new_kw}=...)"},
        )


def endpoint(pair: Pair, old: Operation, new: Operation) -> None:
    """Method or path changed: the Python call is the same, clients built from the old spec miss.

    Paths compare by shape (``/pets/{}``), so renaming a path template variable is not an
    endpoint change (the parameter rules report what it does to the signature).
    """
    if _shape(old) == _shape(new):
        return  # a path parameter renamed in the template alone: the same requests
    pair.emit(
        "endpoint-changed",
        {"client": B, "server": C},
        {
            "client": f"now {new.method} {new.path} (was {old.method} {old.path}); the call is unchanged "
            "but clients generated from the old spec reach the old endpoint",
            "server": f"served at {new.method} {new.path} (was {old.method} {old.path})",
        },
        pair.new.calls(new),
        old.spec_location,
        new.spec_location,
    )


def page_item(snapshot: Snapshot, op: Operation) -> bool:
    """True when the client gives ``op`` a ``*_all`` iterator (a GET returning results + next)."""
    if op.method != "GET":
        return False
    for response in op.success_responses:
        content = preferred_response(response.contents)
        ref = content.type if content else None
        schema = snapshot.api.schemas.get(ref.model or "") if ref and ref.kind == "model" else None
        props = {p.name: p.type for p in schema.properties} if schema else {}
        if "next" in props and "results" in props and props["results"].kind == "array":
            return True
    return False


def pagination(pair: Pair, old: Operation, new: Operation) -> None:
    """The ``list_all`` iterator appears or disappears with the page shape."""
    was, now = page_item(pair.old, old), page_item(pair.new, new)
    if was == now:
        return
    method = pair.new.names.operations[new.operation_id].method
    iterator = "list_all" if method == "list" else f"{method}_all"
    call = pair.new.client_call(new).replace(f".{method}(", f".{iterator}(")
    if was:
        pair.emit(
            "pagination-removed",
            {"client": B},
            f"no longer paginated: {iterator}() is gone",
            {"client": call},
            old.spec_location,
            new.spec_location,
        )
    else:
        pair.emit(
            "pagination-added",
            {"client": C},
            f"now paginated: {iterator}() iterates every page",
            {"client": call},
            old.spec_location,
            new.spec_location,
        )


def resources(pair: Pair) -> None:
    """A resource chain (``client.dashboards``) or its interface vanishes or appears as a whole."""

    def chains(snapshot: Snapshot) -> set[tuple[PyName, ...]]:
        return {snapshot.names.operations[op_id].resource for op_id in snapshot.operations}

    before, after = chains(pair.old), chains(pair.new)
    for chain in sorted(before - after):
        group = pair.old.names.groups[chain]
        pair.emit(
            "resource-removed",
            same(B),
            {
                "client": "resource removed with all its operations",
                "server": f"interface {group.interface} removed: passing {group.keyword}= to create_app "
                "raises TypeError",
            },
            {"client": "client." + ".".join(chain), "server": f"create_app({group.keyword}=...)"},
        )
    for chain in sorted(after - before):
        group = pair.new.names.groups[chain]
        pair.emit(
            "resource-added",
            same(C),
            {
                "client": "new resource",
                "server": f"new interface {group.interface}, bound by "
                f"create_app({group.keyword}=...); its routes answer 501 until it is given",
            },
            {"client": "client." + ".".join(chain), "server": f"create_app({group.keyword}=...)"},
        )


OPERATION_RULES = (python_names, endpoint, deprecation.operation, security, pagination)
