"""Schemas whose bounds leave no value: ``minimum`` above ``maximum``, and the like.

Such a schema is a typo more often than not (the two bounds swapped), and the generated
models, which check both bounds, reject every value of the kind they bound. The load
stage's walk over the document (:func:`apiforge.load.validation.scan`) asks
:func:`empty_range` of every mapping with an upper bound, and warns
(``contradictory-bounds``) at the upper bound's pointer.
"""

from __future__ import annotations

import math
from typing import Any

from apiforge.load import jsonpointer
from apiforge.load.refs import NAMED_MAPS

UPPER_BOUNDS = frozenset({"maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties"})
_COUNTS = (
    ("minLength", "maxLength", "string"),
    ("minItems", "maxItems", "array"),
    ("minProperties", "maxProperties", "object"),
)
_NUMERIC = ("number", "integer")
_UNENFORCED = frozenset({"not", "if", "then", "else", "dependentSchemas"})
"""Keywords whose schemas apply only conditionally, or inverted: an empty one rejects nothing."""
_ALTERNATIVES = frozenset({"anyOf", "oneOf"})


def empty_range(schema: dict[str, Any], pointer: str = "") -> tuple[str, str] | None:
    """(the upper bound's keyword, the warning's message) when ``schema``'s bounds leave none, else None.

    Numbers: ``minimum``/``maximum`` with OpenAPI 3.0's boolean ``exclusiveMinimum``/
    ``exclusiveMaximum`` or 3.1's numeric ones (``minimum: 1, exclusiveMaximum: 1`` leaves
    none either), and for an integer-only ``type`` the integers between them
    (``minimum: 1.2, maximum: 1.8`` leaves none); lengths, item and property counts: their
    ``min*`` above their ``max*``. Each only where ``type`` is absent or admits the kind it
    bounds. A bound that is not a number (a property named ``maximum``) is no bound.
    ``pointer``, where the schema is in the document: none under ``not``, ``if``, ``then``,
    ``else`` or ``dependentSchemas``, which the generated code does not enforce. The message
    says the generated code rejects every value of the kind only where ``type`` names one
    type (it leaves the bounds of an untyped or multi-type schema unchecked); under
    ``anyOf``/``oneOf``, that such a value can match only another alternative.
    """
    declared = schema.get("type")
    found = _counts(schema, declared) or _numbers(schema, declared)
    if found is None:
        return None
    keyword, why, kind, swapped = found
    within = _context(pointer)
    if within is None:
        return None
    hint = " (are they swapped?)" if swapped else ""
    if within:
        article = "an" if kind[0] in "aeiou" else "a"
        return (
            keyword,
            f"{why}, so {article} {kind} here can match only another {within} alternative{hint}",
        )
    if _single(declared):  # the generated models check the bounds of one type, not of unions
        return keyword, f"{why}, so the generated code rejects every one{hint}"
    return keyword, why + hint


def _counts(schema: dict[str, Any], declared: Any) -> tuple[str, str, str, bool] | None:
    """A length, item or property count whose least is above its most, for a type it bounds."""
    for low, high, kind in _COUNTS:
        least, most = _number(schema.get(low)), _number(schema.get(high))
        if least is not None and most is not None and least > most and _admits(declared, (kind,)):
            return (
                high,
                f"{low} {least!r} is above {high} {most!r}: no {kind} satisfies both",
                kind,
                True,
            )
    return None


def _numbers(schema: dict[str, Any], declared: Any) -> tuple[str, str, str, bool] | None:
    """Numeric bounds that leave no number, or (integer-only ``type``) no integer."""
    lower = _bound(schema, "minimum", "exclusiveMinimum")
    upper = _bound(schema, "maximum", "exclusiveMaximum")
    if lower is None or upper is None or not _admits(declared, _NUMERIC):
        return None
    (low_key, least, low_open), (high_key, most, high_open) = lower, upper
    kind = "number" if _admits(declared, ("number",)) else "integer"
    if least > most or (least == most and (low_open or high_open)):
        relation, why = ("above" if least > most else "equal to"), f": no {kind} satisfies both"
    elif kind == "number" or _integer_between(least, low_open, most, high_open):
        return None
    else:
        relation, why = "below", " with no integer between them"
    spelt = f"{_spelt(schema, low_key, least)} is {relation} {_spelt(schema, high_key, most)}"
    return high_key, spelt + why, kind, least > most


def _integer_between(least: float, low_open: bool, most: float, high_open: bool) -> bool:
    """Whether an integer lies within the bounds (which do not cross); yes for infinite or NaN ones."""
    if _infinite(least) or _infinite(most):
        return True
    first = math.floor(least) + 1 if low_open else math.ceil(least)
    last = math.ceil(most) - 1 if high_open else math.floor(most)
    return first <= last


def _infinite(value: float) -> bool:
    """Whether a bound is an infinite or NaN float (an int, however large, is neither)."""
    return value.__class__ is float and not math.isfinite(value)


def _admits(declared: Any, kinds: tuple[str, ...]) -> bool:
    """Whether a schema's ``type`` (absent, a name or 3.1's list of names) admits one of ``kinds``."""
    if declared.__class__ is str:
        return declared in kinds
    if declared.__class__ is list:
        return any(kind in declared for kind in kinds)
    return True


def _single(declared: Any) -> bool:
    """Whether ``type`` names one type (``null`` aside)."""
    if declared.__class__ is list:
        return len([kind for kind in declared if kind != "null"]) == 1
    return declared.__class__ is str


def _context(pointer: str) -> str | None:
    """How the schema at ``pointer`` applies: ``""`` enforced, ``"anyOf"``/``"oneOf"`` as one
    alternative of the nearest such union, None not enforced (within :data:`_UNENFORCED`)."""
    within = ""
    name_next = False  # the token after ``properties`` and the like is a name, no keyword
    for token in jsonpointer.split(pointer):
        if name_next:
            name_next = False
        elif token in _UNENFORCED:
            return None
        elif token in _ALTERNATIVES:
            within = token
        elif token in NAMED_MAPS:
            name_next = True
    return within


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
