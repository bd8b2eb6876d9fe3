"""Model field defaults: what the models fill in when a field is left out.

Both packages' models declare a field's ``default`` (``tag: str = "x"``); the client
sends only the fields set (``exclude_unset``), so the receiving side's model fills
in its own default. A default added, changed or dropped therefore changes the value
code sees whenever the field is left out, as a parameter's default does.
"""

from __future__ import annotations

from typing import Any

from apiforge.diff.model import Audience, Level
from apiforge.diff.pair import Pair, both, same
from apiforge.diff.snapshot import Direction
from apiforge.diff.values import identical

P, C = Level.POSSIBLY_BREAKING, Level.COMPATIBLE


def default_of(schema: dict[str, Any], name: str) -> tuple[Any, ...]:
    """``(default,)`` when property ``name`` of a raw schema has a default, else ``()``.

    A required field with a default never has to be given: the models fill it in
    on both sides, so making it required (or optional) moves nothing for anyone.
    """
    prop = (schema.get("properties") or {}).get(name)
    return (prop["default"],) if isinstance(prop, dict) and "default" in prop else ()


def defaults(
    pair: Pair,
    field: str,
    name: str,
    raw: tuple[dict[str, Any], dict[str, Any]],
    ways: list[Direction],
    used: dict[Audience, str],
    where: tuple[Any, Any],
) -> None:
    """A field's default added, changed or removed (compatible when no data travels in it).

    Callers see another value where the field is left out (possibly breaking); the
    implementation receives the new default where it received the old one (compatible),
    or None where it always received a value (possibly breaking: its type now allows None).
    """
    was, now = (tuple(v for v in default_of(schema, name) if v is not None) for schema in raw)
    if identical(was, now):  # 1 is not True as a default, nor [1] [True]
        return
    if was and now:
        rule, text, server = "changed", f"now defaults to {now[0]!r} (was {was[0]!r})", C
    elif now:
        rule, text, server = "added", f"now defaults to {now[0]!r}", C
    else:
        rule, text, server = "removed", f"no longer defaults to {was[0]!r}", P
    pair.emit(
        f"field-default-{rule}",
        {"client": P, "server": server} if ways else same(C),
        {
            a: f"field {name!r} {text}: code leaving it out sees another value" + used[a]
            for a in used
        },
        both(field),
        *where,
    )
