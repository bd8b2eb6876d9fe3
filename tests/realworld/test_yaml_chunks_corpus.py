"""The per-definition YAML parse over the real-world corpus: it equals the whole-file parse.

Every YAML file of the shared corpus, cold and after a few seeded line edits (each kept
only while the text still parses), goes through ``load/yaml_chunks.py`` with a content
cache; whenever it answers, the whole-file parse reports nothing and gives the same data,
``$ref`` holders and sharing of aliased nodes (see ``tests/unit/test_load_yaml_chunks.py``).
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest
from shared_specs import SPECS_DIR, require_specs

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
from test_load_yaml_chunks import _check, _edit

FILES = sorted(p for p in SPECS_DIR.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def test_the_corpus_is_there() -> None:
    require_specs()
    assert FILES


@pytest.mark.parametrize("path", FILES, ids=[p.relative_to(SPECS_DIR).as_posix() for p in FILES])
def test_the_chunked_parse_equals_the_whole_parse(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "cache"))
    text = path.read_text(encoding="utf-8")
    _check(text, str(path))
    rng = random.Random(path.name)
    lines = text.split("\n")
    for _ in range(5):
        edited = _edit(lines, rng)
        if _check("\n".join(edited), str(path)):
            lines = edited
