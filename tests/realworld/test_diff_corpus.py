"""``apiforge diff`` over the real-world corpus: two builds of a spec agree; an edit mirrors its inverse.

For every spec of the shared corpus that loads: two independent builds of it
compare equal (naming and hoisting are deterministic), and a release-like edit
(the first path dropped, the first property of the first object schemas
dropped) gives a report whose inverse is its mirror image, without a crash on
any of the corpus's shapes (Swagger 2.0, multi-file, 3.1, forms, callbacks...).
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import Any

import pytest
from shared_specs import SPECS_DIR, require_specs

from apiforge.diagnostics import GenerationFailed, Sink
from apiforge.diff.engine import compare
from apiforge.diff.snapshot import from_document
from apiforge.load.load import load

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
from diff_base import canonical

FILES = sorted(
    p for p in SPECS_DIR.rglob("*") if p.suffix in (".yaml", ".yml", ".json") and p.is_file()
)


def _edited(document: dict[str, Any]) -> dict[str, Any]:
    new = copy.deepcopy(document)
    paths = new.get("paths") or {}
    if paths:
        del paths[next(iter(paths))]
    schemas = (new.get("components") or {}).get("schemas") or {}
    for schema in list(schemas.values())[:5]:
        if (
            isinstance(schema, dict)
            and isinstance(schema.get("properties"), dict)
            and schema["properties"]
        ):
            schema["properties"].pop(next(iter(schema["properties"])))
    return new


def test_the_corpus_is_there() -> None:
    require_specs()
    assert FILES


@pytest.mark.parametrize("path", FILES, ids=[p.relative_to(SPECS_DIR).as_posix() for p in FILES])
def test_corpus_spec_diffs_cleanly(path: Path) -> None:
    sink = Sink()
    loaded = load(path, sink)
    if loaded is None or sink.has_errors():
        pytest.skip("the spec itself does not load (covered by test_realworld)")
    document = loaded.document
    try:
        first = from_document(copy.deepcopy(document), "a.yaml", Sink())
        second = from_document(copy.deepcopy(document), "b.yaml", Sink())
        changed = from_document(_edited(document), "c.yaml", Sink())
    except GenerationFailed:
        pytest.skip("the IR builder reports errors (covered by test_realworld)")
    assert compare(first, second).changes == ()
    forward, backward = compare(first, changed), compare(changed, first)
    assert canonical(forward, mirrored=False) == canonical(backward, mirrored=True)
