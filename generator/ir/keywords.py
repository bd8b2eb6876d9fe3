"""JSON Schema keywords the models stage neither types nor validates: each use is reported.

Part of the IR build (``ir/schemas.py``): every component, given or hoisted, is checked
once, and each such keyword earns an ``unsupported-schema-keyword`` warning at its
pointer (the value is typed loosely instead), in the order :func:`_report` walks.
Most schemas use none: :func:`_mentions` visits the same nodes without spelling a
path, and only a schema that uses one is walked again to report it.
"""

from __future__ import annotations

from typing import Any

from apiforge.diagnostics import Sink, SpecLocation

UNENFORCED = (
    "not",
    "if",
    "then",
    "else",
    "patternProperties",
    "dependentSchemas",
    "dependentRequired",
    "unevaluatedProperties",
    "unevaluatedItems",
    "contains",
    "propertyNames",
)
_UNENFORCED_SET = frozenset(UNENFORCED)
# The keys the walk goes into: a schema (``items``), a mapping of schemas, a list of schemas.
_INTO_ONE = ("items", "additionalProperties")
_INTO_MAPPING = ("properties", "$defs", "definitions")
_INTO_LIST = ("allOf", "oneOf", "anyOf", "prefixItems")
_INTO = frozenset((*_INTO_ONE, *_INTO_MAPPING, *_INTO_LIST))
# What the walk reports or goes into: a schema with none of these has nothing to say.
_WALKS = _UNENFORCED_SET | _INTO


def check_keywords(sink: Sink, schema: Any, location: SpecLocation) -> None:
    """Warn about every keyword of ``schema`` (at ``location``) that the models do not enforce."""
    if _mentions(schema):
        _report(sink, schema, location, ())


def _mentions(schema: Any) -> bool:
    """Whether :func:`_report` warns about ``schema``: the nodes it visits, in any order."""
    stack = [schema]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict) or _WALKS.isdisjoint(node):
            continue
        if not _UNENFORCED_SET.isdisjoint(node):
            return True
        for key in _INTO.intersection(node):
            sub = node[key]
            if key in _INTO_ONE:
                stack.append(sub)
            elif key in _INTO_MAPPING:
                if isinstance(sub, dict):
                    stack.extend(sub.values())
            elif isinstance(sub, list):
                stack.extend(sub)
    return False


def _report(sink: Sink, schema: Any, location: SpecLocation, path: tuple[str | int, ...]) -> None:
    """Warn about the unenforced keywords of ``schema`` and of the schemas inside it.

    ``path`` leads from ``location`` to ``schema``; a location is built only for a warning.
    """
    if not isinstance(schema, dict) or _WALKS.isdisjoint(schema):
        return
    for keyword in (
        () if _UNENFORCED_SET.isdisjoint(schema) else [k for k in UNENFORCED if k in schema]
    ):
        sink.warning(
            "unsupported-schema-keyword",
            f"{keyword!r} is not enforced by the generated models; the value is typed loosely",
            location.child(*path, keyword),
        )
    for key in _INTO_ONE:
        if key in schema:
            _report(sink, schema[key], location, (*path, key))
    for key in _INTO_MAPPING:
        subs = schema.get(key)
        if isinstance(subs, dict):
            for name, sub in subs.items():
                if sub.__class__ is not dict or not _WALKS.isdisjoint(sub):
                    _report(sink, sub, location, (*path, key, name))
    for key in _INTO_LIST:
        subs = schema.get(key)
        if isinstance(subs, list):
            for i, sub in enumerate(subs):
                _report(sink, sub, location, (*path, key, i))
