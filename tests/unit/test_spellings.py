"""A spec node's marshal spelling, kept within one generation, is the spelling made afresh.

``load/spellings.py`` keeps a container's spelling by its identity while a target is
generated, for the served ``openapi.json``'s pieces, the shapes' digests (a component
with nothing hoisted is the loaded node itself) and the release step's unit fingerprints. That is sound only while nothing changes the loaded document after
loading: the last test holds every stage to that, on a real spec and after an edit.
"""

from __future__ import annotations

import contextlib
import marshal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from apiforge.cli.main import main
from apiforge.diff import units
from apiforge.load import spellings
from apiforge.output.spec_json import spec_json

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
import incremental  # benchmarks/ is no package: on sys.path above
import synth


def test_outside_a_generation_nothing_is_kept() -> None:
    node: dict[str, Any] = {"type": "object", "properties": {"a": {"type": "string"}}}
    assert spellings.spelling(node) == marshal.dumps(node, 2)
    node["properties"]["b"] = {"type": "integer"}  # edited in place: spelt anew
    assert spellings.spelling(node) == marshal.dumps(node, 2)


def test_within_a_generation_a_container_is_spelt_once() -> None:
    node: dict[str, Any] = {"enum": [1, 1.0, True, None, "x"]}
    with spellings.kept():
        first = spellings.spelling(node)
        assert first == marshal.dumps(node, 2)
        assert spellings.spelling(node) is first
        assert spellings.spelling([1, (2,)]) == marshal.dumps([1, (2,)], 2)
        assert spellings.spelling({"when": object()}) is None  # marshal cannot spell it
        assert spellings.spelling("text") == marshal.dumps("text", 2)
    node["enum"].append(2)  # after the generation: spelt anew
    assert spellings.spelling(node) == marshal.dumps(node, 2)


def test_kept_spellings_give_the_keys_and_texts_of_fresh_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The served JSON and the unit fingerprints are the same whether spellings are kept or not."""
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "cache"))
    document: dict[str, Any] = synth.generate(20)
    document["components"]["schemas"]["Odd"] = {"default": {"when": object()}}  # JSON-keyed run
    expected = spec_json(document, tmp_path / "a.yaml")
    table = units.cut(document)
    assert table is not None
    prints = {k: units.fingerprint(n) for k, n in table.items()}
    assert prints["sOdd"] is None
    with spellings.kept():
        assert spec_json(document, tmp_path / "b.yaml") == expected
        assert {k: units.fingerprint(n) for k, n in table.items()} == prints
        assert spec_json(document, tmp_path / "a.yaml") == expected


@contextlib.contextmanager
def _checked(found: list[tuple[int, int]]) -> Iterator[None]:
    """:func:`spellings.kept`, recording (kept, stale) when the generation ends."""
    with _KEPT():
        try:
            yield
        finally:
            known = spellings._known or {}
            stale = sum(marshal.dumps(node, 2) != spelt for node, spelt in known.values())
            found.append((len(known), stale))


_KEPT = spellings.kept


def test_no_stage_changes_the_loaded_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every spelling kept to the end of a generation (the release step included) is still the
    spelling of its node: first run, then a warm run after a one-schema edit."""
    found: list[tuple[int, int]] = []
    monkeypatch.setattr(spellings, "kept", lambda: _checked(found))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "cache"))
    spec = tmp_path / "api.yaml"
    spec.write_text(yaml.safe_dump(synth.generate(40), sort_keys=False), encoding="utf-8")
    for edit in (None, 0, 1):
        if edit is not None:
            spec.write_text(incremental.edited(40, edit), encoding="utf-8")
        result = CliRunner().invoke(main, ["generate", "api.yaml", "--output", "out"])
        assert result.exit_code == 0, result.output
    assert len(found) == 3
    assert all(kept > 40 and stale == 0 for kept, stale in found), found
