"""The per-node checks of the loaded document, in one walk over it.

Visits every mapping of the document outside example, enum, const and default values
(which are data, not schemas), keeping the path as a list of tokens: a pointer is spelt
only for a warning. Reports the ``one-of-overlap`` warnings (``ir/one_of.py``) first, then
the 3.1 keyword warnings (``ir/dialect.py``), each in document order.
"""

from __future__ import annotations

from typing import Any

from apiforge.diagnostics import Sink
from apiforge.ir.dialect import DATA, check_root, check_schema, concerns
from apiforge.ir.one_of import open_members, overlap_warning


def check_document(document: dict[str, Any], sink: Sink, file: str) -> None:
    """Report what ``one_of.py`` and ``dialect.py`` check on every schema-like node."""
    overlaps: list[tuple[tuple[str | int, ...], list[int]]] = []
    flagged: list[tuple[dict[str, Any], tuple[str | int, ...]]] = []
    tokens: list[str | int] = []

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for index, item in enumerate(node):
                if isinstance(item, (dict, list)):
                    tokens.append(index)
                    walk(item)
                    tokens.pop()
            return
        if "oneOf" in node:
            found = open_members(document, node)
            if len(found) > 1:
                overlaps.append((tuple(tokens), found))
        if concerns(node):
            flagged.append((node, tuple(tokens)))
        for key, value in node.items():
            if isinstance(value, (dict, list)) and key not in DATA:
                tokens.append(key)
                walk(value)
                tokens.pop()

    if isinstance(document, (dict, list)):
        walk(document)
    for path, found in overlaps:
        overlap_warning(sink, file, path, found)
    if isinstance(document, dict):
        check_root(document, sink, file)
    for node, path in flagged:
        check_schema(node, file, path, sink)
