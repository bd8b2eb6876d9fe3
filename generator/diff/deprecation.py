"""Deprecation rules: an operation, a parameter or a model field marked ``deprecated`` or no more.

Compatible for both audiences whichever way: nothing is removed, and code keeps working.
What the packages do with the flag: the client warns (``DeprecationWarning``) when a
deprecated operation is called, the models warn when a deprecated field is read, and the
server's routes document both, and deprecated parameters, in the OpenAPI they serve.
"""

from __future__ import annotations

from typing import Any

from apiforge.diagnostics import SpecLocation
from apiforge.diff.model import Audience, Level
from apiforge.diff.pair import Pair, both, same
from apiforge.ir.model import Operation, Parameter

C = Level.COMPATIBLE
Where = tuple[SpecLocation | None, SpecLocation | None]


def _state(deprecated: bool) -> str:
    return "deprecated" if deprecated else "no longer deprecated"


def _rule(kind: str, deprecated: bool) -> str:
    return f"{kind}-deprecated" if deprecated else f"{kind}-undeprecated"


def operation(pair: Pair, old: Operation, new: Operation) -> None:
    """Deprecating an operation makes the client warn when it is called; undeprecating is silent."""
    if old.deprecated == new.deprecated:
        return
    pair.emit(
        _rule("operation", new.deprecated),
        same(C),
        f"operation is now {_state(new.deprecated)}",
        pair.new.calls(new),
        old.spec_location,
        new.spec_location,
    )


def parameter(
    pair: Pair, old: Parameter, new: Parameter, symbols: dict[Audience, str], where: Where
) -> None:
    """A parameter marked ``deprecated`` or no more (the server's OpenAPI documents it)."""
    if old.deprecated == new.deprecated:
        return
    pair.emit(
        _rule("parameter", new.deprecated),
        same(C),
        f"{new.location} parameter {new.name!r} is now {_state(new.deprecated)}",
        symbols,
        *where,
    )


def field(
    pair: Pair,
    symbol: str,
    name: str,
    props: tuple[Any, Any],
    used: dict[Audience, str],
    where: tuple[Any, Any],
) -> None:
    """A model field marked ``deprecated`` or no more: reading it warns, or no longer does.

    ``props`` are the raw property schemas (``deprecated`` stays beside a ``$ref``'s
    ``allOf`` wrapper, where the field uses it).
    """
    was, now = (isinstance(p, dict) and p.get("deprecated") is True for p in props)
    if was == now:
        return
    warns = "; reading it warns (DeprecationWarning)" if now else ""
    pair.emit(
        _rule("field", now),
        same(C),
        {a: f"field {name!r} is now {_state(now)}{warns}{used[a]}" for a in used},
        both(symbol),
        *where,
    )
