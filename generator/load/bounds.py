"""Schemas whose bounds leave no value: ``minimum`` above ``maximum``, and the like.

Such a schema is a typo more often than not (the two bounds swapped), and the generated
models, which check both bounds, reject every value. The load stage's walk over the
document (:func:`apiforge.load.validation.scan`) asks :func:`empty_range` of every mapping
with an upper bound, and warns (``contradictory-bounds``) at the upper bound's pointer.
"""

from __future__ import annotations

from typing import Any

UPPER_BOUNDS = frozenset({"maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties"})
_COUNTS = (("minLength", "maxLength"), ("minItems", "maxItems"), ("minProperties", "maxProperties"))


def empty_range(schema: dict[str, Any]) -> tuple[str, str] | None:
    """(the upper bound's keyword, the warning's message) when ``schema``'s bounds leave none, else None.

    Numbers: ``minimum``/``maximum`` with OpenAPI 3.0's boolean ``exclusiveMinimum``/
    ``exclusiveMaximum`` or 3.1's numeric ones (``minimum: 1, exclusiveMaximum: 1`` leaves
    none either); lengths, item and property counts: their ``min*`` above their ``max*``.
    A bound that is not a number (a property named ``maximum``) is no bound.
    """
    for low, high in _COUNTS:
        least, most = _number(schema.get(low)), _number(schema.get(high))
        if least is not None and most is not None and least > most:
            return high, _empty(f"{low} {least!r} is above {high} {most!r}", swapped=True)
    lower = _bound(schema, "minimum", "exclusiveMinimum")
    upper = _bound(schema, "maximum", "exclusiveMaximum")
    if lower is None or upper is None:
        return None
    (low_key, least, low_open), (high_key, most, high_open) = lower, upper
    if least < most or (least == most and not (low_open or high_open)):
        return None
    relation = "above" if least > most else "equal to"
    why = f"{_spelt(schema, low_key, least)} is {relation} {_spelt(schema, high_key, most)}"
    return high_key, _empty(why, swapped=least > most)


def _empty(why: str, swapped: bool) -> str:
    """The warning's message: ``why`` no value fits, and what follows."""
    hint = " (are they swapped?)" if swapped else ""
    return f"{why}: no value satisfies both, so the generated code rejects every one{hint}"


def _spelt(schema: dict[str, Any], keyword: str, value: float) -> str:
    """``minimum 1``, or ``minimum 1 (exclusiveMinimum: true)`` where 3.0's flag excludes it."""
    flag = "exclusive" + keyword[0].upper() + keyword[1:]
    return f"{keyword} {value!r}" + (f" ({flag}: true)" if schema.get(flag) is True else "")


def _bound(
    schema: dict[str, Any], inclusive: str, exclusive: str
) -> tuple[str, float, bool] | None:
    """The tighter of a schema's bounds on one side: (keyword, value, whether it is excluded)."""
    flag = schema.get(exclusive)
    found = []
    value = _number(schema.get(inclusive))
    if value is not None:
        found.append((inclusive, value, flag is True))
    value = _number(flag)
    if value is not None:
        found.append((exclusive, value, True))
    if not found:
        return None
    upper = inclusive == "maximum"
    # the tighter: the least maximum (an excluded one first), the greatest minimum
    return (
        min(found, key=lambda b: (b[1], not b[2]))
        if upper
        else max(found, key=lambda b: (b[1], b[2]))
    )


def _number(value: Any) -> float | None:
    """``value`` when it is a JSON number (not a boolean), else None."""
    return value if value.__class__ in (int, float) else None
