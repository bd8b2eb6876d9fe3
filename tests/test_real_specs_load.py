"""Every root document of the shared real-world corpus loads without errors.

The corpus lives next to the repository (``/work/shared/specs``, listed in its
``SOURCES.md`` with the number of operations of each document); the test is
skipped when it is absent.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from generator.commands.validate import count_operations
from generator.diagnostics import Sink, render_text
from generator.load import load

SPECS = Path(__file__).resolve().parents[2] / "shared" / "specs"
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


ROOTS = _roots()


@pytest.mark.skipif(not ROOTS, reason=f"{SPECS} is not available")
def test_the_corpus_is_complete() -> None:
    assert len(ROOTS) == 22


@pytest.mark.skipif(not ROOTS, reason=f"{SPECS} is not available")
@pytest.mark.parametrize(("relative", "operations"), ROOTS, ids=[r for r, _ in ROOTS])
def test_real_spec_loads(relative: str, operations: int) -> None:
    sink = Sink()
    loaded = load(SPECS / relative, sink)
    assert loaded is not None, render_text(sink)
    assert not sink.has_errors(), render_text(sink)
    assert count_operations(loaded.document) == operations
    assert all(ref.startswith("#/") for ref in _refs(loaded.document))
    assert loaded.openapi_version.startswith(("3.0.", "3.1."))
    assert next(iter(loaded.file_hashes)) == str(SPECS / relative)
