"""Lines from one definition's unit over the real-world corpus: they equal the whole-file lines.

For every YAML file of the shared corpus, every node pointer (and each extended by a
member that does not exist) gets the same (line, column) from
``load/yaml_unit_positions.py`` as from composing the whole file; and ``apiforge validate``
prints exactly the same text (exit code, stdout and stderr) with the unit path as
without it (every lookup sent to the whole-file compose), each run with a cold cache.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from shared_specs import SPECS_DIR, require_specs

from apiforge.cli.main import main
from apiforge.load.yaml_unit_positions import UnitPositions

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
from test_yaml_unit_positions import compare

FILES = sorted(p for p in SPECS_DIR.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
IDS = [p.relative_to(SPECS_DIR).as_posix() for p in FILES]


def test_the_corpus_is_there() -> None:
    require_specs()
    assert FILES


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_every_pointer_has_the_whole_file_position(path: Path) -> None:
    compare(path.read_text(encoding="utf-8"))


def _validate(path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(cache))
    result = CliRunner().invoke(main, ["validate", str(path)], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_validate_prints_the_same_with_and_without_units(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real = UnitPositions.from_unit

    def spy(self: UnitPositions, pointer: str) -> tuple[int, int] | None:
        calls.append(pointer)
        return real(self, pointer)

    monkeypatch.setattr(UnitPositions, "from_unit", spy)
    fast = _validate(path, tmp_path / "fast", monkeypatch)
    monkeypatch.setattr(UnitPositions, "from_unit", lambda self, pointer: None)
    whole = _validate(path, tmp_path / "whole", monkeypatch)
    assert fast == whole
    if "#/" in fast[2]:
        assert calls or "warning[yaml-" in fast[2]  # units were asked (unless parsing reported)
