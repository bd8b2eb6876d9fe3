"""The loaded document as the IR reads it, and the per-node checks on it, in one walk where it can.

:func:`prepare` relaxes the oneOfs marked ``x-apiforge-one-of: any`` (``ir/one_of.py``),
normalises 3.1 keywords (``ir/dialect.py``), then checks every mapping outside example,
enum, const and default values (data, not schemas), keeping the path as a list of
tokens: a pointer is spelt only for a warning. It reports the ``one-of-overlap``
warnings first, then the 3.1 keyword warnings, each in document order. A 3.0 document
without the extension (the usual case) is walked once: the checking walk also looks for
the extension (in data too, as ``one_of.mentions`` does) and starts over only on a find.
That walk is skipped where no mapping could give it anything to report (most documents: no
oneOf, no 3.1 keyword, only bare ``$ref``s), as the mappings the loader's pass collected
(``load.validation.check_defaults``) tell, or else a first pass without paths (:func:`_unremarkable`).
"""

from __future__ import annotations

from typing import Any

from apiforge.diagnostics import Severity, Sink
from apiforge.ir.dialect import (
    CHECKED,
    DATA,
    check_root,
    check_schema,
    concerns,
    is_31,
    normalize_dialect,
)
from apiforge.ir.one_of import EXTENSION, mentions, open_members, overlap_warning, relax_one_of
from apiforge.load.validation import check_defaults

Tokens = tuple[str | int, ...]
# Keys that make a mapping worth the walk: the extension, a oneOf, what check_schema reads. The
# loader marks the mappings with a key of its SCHEMA_KEYS instead (tests/unit/test_ir_cheaper.py
# checks the two sets are equal).
_NOTICED = frozenset({EXTENSION, "oneOf"}) | CHECKED


def prepare(
    document: dict[str, Any],
    sink: Sink,
    file: str,
    marked: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """``document`` relaxed and normalised for the IR, its schema-like nodes checked into ``sink``.

    ``marked``: every mapping of ``document`` with a key of ``load.validation.SCHEMA_KEYS``
    (``LoadedSpec.marked``), when the loader collected them; None to look here.
    """
    changes = is_31(document) or document.get(EXTENSION) == "any"
    plain = _bare_refs(marked) if marked is not None else not changes and _unremarkable(document)
    if not changes and plain:
        check_root(document, sink, file)
        return document
    found = None if changes else _walk(document, looking=True)
    if found is None:  # relax_one_of or normalize_dialect makes a new document: check that one
        document = normalize_dialect(relax_one_of(document))
        found = _walk(document, looking=False)
    assert found is not None  # a walk that is not looking for the extension always finishes
    overlaps, flagged = found
    for path, members in overlaps:
        overlap_warning(sink, file, path, members)
    check_root(document, sink, file)
    for node, path in flagged:
        check_schema(node, file, path, sink)
    return document


def _walk(
    document: dict[str, Any], looking: bool
) -> tuple[list[tuple[Tokens, list[int]]], list[tuple[dict[str, Any], Tokens]]] | None:
    """The oneOfs with overlapping members and the nodes ``dialect.check_schema`` reads, by path;
    None when ``looking`` and the extension is somewhere (the walk stops there)."""
    overlaps: list[tuple[Tokens, list[int]]] = []
    flagged: list[tuple[dict[str, Any], Tokens]] = []
    tokens: list[str | int] = []

    def walk(node: Any) -> bool:  # False: the extension is there (only when looking)
        if isinstance(node, list):
            for index, item in enumerate(node):
                if isinstance(item, (dict, list)):
                    tokens.append(index)
                    if not walk(item):
                        return False
                    tokens.pop()
            return True
        if looking and EXTENSION in node:
            return False
        if "oneOf" in node:
            members = open_members(document, node)
            if len(members) > 1:
                overlaps.append((tuple(tokens), members))
        if concerns(node):
            flagged.append((node, tuple(tokens)))
        for key, value in node.items():
            if not isinstance(value, (dict, list)):
                continue
            if key not in DATA:
                tokens.append(key)
                if not walk(value):
                    return False
                tokens.pop()
            elif looking and mentions(value):
                return False
        return True

    return (overlaps, flagged) if walk(document) else None


def _unremarkable(document: dict[str, Any]) -> bool:
    """True when no mapping anywhere (data included) has the extension, a oneOf, or a key
    ``dialect.concerns`` looks for (a bare ``$ref`` aside): then :func:`_walk` finds nothing.

    For a document the loader did not mark: the loader's pass (``check_defaults``) marks it
    here, its warnings dropped (the loader reported them when it read the document).
    """
    return _bare_refs(check_defaults(document, _unreported))


def _bare_refs(marked: list[dict[str, Any]]) -> bool:
    """True when every marked mapping is a bare ``$ref`` (which none of the checks read)."""
    return all(len(node) == 1 and "$ref" in node for node in marked)


def _unreported(severity: Severity, code: str, message: str, pointer: str) -> None:
    """Drops a warning of ``check_defaults`` (see :func:`_unremarkable`)."""
