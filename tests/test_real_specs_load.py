"""Every root document of the shared real-world corpus loads without errors.

The corpus is found through ``$APIFORGE_SPECS_DIR`` (default ``../shared/specs``; see
``tests/shared_specs.py``), listed in its ``SOURCES.md`` with the number of operations
of each document; without it the tests skip (fail in CI).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from shared_specs import SPECS_DIR, available, require_specs

from apiforge.diagnostics import Sink, render_text
from apiforge.ir.build import METHODS
from apiforge.load import jsonpointer
from apiforge.load.load import load

SPECS = SPECS_DIR

_ROW = re.compile(r"^\| `(?P<file>[^`]+)` \| (?P<version>[^|]+) \| (?P<ops>\d+) \|")


def _roots() -> list[tuple[str, int]]:
    sources = SPECS / "SOURCES.md"
    if not sources.exists():
        return []
    rows = (_ROW.match(line) for line in sources.read_text().splitlines())
    return [(row["file"], int(row["ops"])) for row in rows if row]


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []


def count_operations(document: dict[str, Any]) -> int:
    """Operations under ``paths`` (local path-item references are followed)."""
    paths = document.get("paths")
    total = 0
    for item in paths.values() if isinstance(paths, dict) else ():
        ref = item.get("$ref") if isinstance(item, dict) else None
        if isinstance(ref, str) and ref.startswith("#"):
            try:
                item = jsonpointer.resolve(document, ref[1:])
            except (LookupError, ValueError):
                continue
        if isinstance(item, dict):
            total += sum(1 for method in METHODS if isinstance(item.get(method), dict))
    return total


# Without the corpus one placeholder case stands for it (it skips, or fails in CI).
ROOTS = _roots() if available() else [("<no corpus>", 0)]


def test_the_corpus_is_complete() -> None:
    """Every document SOURCES.md lists is there (tests/realworld checks that it lists them all)."""
    require_specs()
    missing = [relative for relative, _ in ROOTS if not (SPECS / relative).is_file()]
    assert ROOTS and not missing


@pytest.mark.parametrize(("relative", "operations"), ROOTS, ids=[r for r, _ in ROOTS])
def test_real_spec_loads(relative: str, operations: int) -> None:
    require_specs()
    sink = Sink()
    loaded = load(SPECS / relative, sink)
    assert loaded is not None, render_text(sink)
    assert not sink.has_errors(), render_text(sink)
    assert count_operations(loaded.document) == operations
    assert all(ref.startswith("#/") for ref in _refs(loaded.document))
    assert loaded.openapi_version.startswith(("3.0.", "3.1."))
    assert next(iter(loaded.file_hashes)) == str(SPECS / relative)
