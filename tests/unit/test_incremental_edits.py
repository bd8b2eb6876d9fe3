"""Edits a person makes, regenerated with a warm cache (per-definition parse included), equal a cold run.

Each edit goes through ``apiforge generate`` twice: in a folder whose output and content
cache hold the generation before the edit, and in a fresh folder with an empty cache. The
trees (manifests and spec copies included) must be byte for byte the same; a broken edit
must fail with the diagnostics a cold run gives and leave the previous output as it was.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from apiforge.cli.main import main
from apiforge.load import yaml_chunks, yaml_reader

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
import synth  # benchmarks/ is no package: on sys.path above

Edit = Callable[[dict[str, Any]], None]


def _generate(folder: Path, monkeypatch: pytest.MonkeyPatch, *options: str) -> tuple[int, str]:
    monkeypatch.chdir(folder)
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(folder / "cache"))
    result = CliRunner().invoke(main, ["generate", "api.yaml", "--output", "out", *options])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def _reused(output: str) -> list[str]:
    """The packages ("client", "server") whose views a run reused, from its progress lines."""
    marker = " views unchanged: reusing "
    return [line.split(marker)[0].split()[-1] for line in output.splitlines() if marker in line]


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _object(document: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    schemas = document["components"]["schemas"]
    name = next(n for n, s in schemas.items() if len(s.get("properties", {})) > 2)
    return name, schemas[name]["properties"]


def _remove_property(document: dict[str, Any]) -> None:
    properties = _object(document)[1]
    del properties[list(properties)[-1]]


def _rename_property(document: dict[str, Any]) -> None:
    properties = _object(document)[1]
    last = list(properties)[-1]
    properties[last + "_renamed"] = properties.pop(last)


def _retype_property(document: dict[str, Any]) -> None:
    properties = _object(document)[1]
    properties[list(properties)[-1]] = {"type": "integer", "format": "int64"}


def _add_schema(document: dict[str, Any]) -> None:
    document["components"]["schemas"]["AddedThing"] = {
        "type": "object",
        "properties": {"label": {"type": "string"}},
    }


def _rename_schema(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    old = _object(document)[0]
    document["components"]["schemas"] = {
        (k + "Renamed" if k == old else k): v for k, v in schemas.items()
    }
    text = yaml.safe_dump(document, sort_keys=False).replace(
        f"#/components/schemas/{old}'", f"#/components/schemas/{old}Renamed'"
    )
    document.clear()
    document.update(yaml.safe_load(text))


def _touch_info(document: dict[str, Any]) -> None:
    document["info"]["description"] = "Edited: the API's own description."


def _describe_schema(document: dict[str, Any]) -> None:
    name = _object(document)[0]
    document["components"]["schemas"][name]["description"] = "A description added later."


SPECS = {
    "synthetic": lambda: synth.generate(12),
    "posthog": lambda: yaml.safe_load((ROOT / "spec" / "posthog.yaml").read_text()),
}


@pytest.mark.parametrize(
    ("spec", "edit"),
    [
        ("synthetic", _remove_property),
        ("synthetic", _rename_property),
        ("synthetic", _retype_property),
        ("synthetic", _add_schema),
        ("synthetic", _rename_schema),
        ("synthetic", _touch_info),
        ("posthog", _describe_schema),
        ("posthog", _rename_property),
    ],
)
def test_an_edit_regenerated_warm_equals_a_cold_run(
    spec: str, edit: Edit, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = SPECS[spec]()
    warm, cold = tmp_path / "warm", tmp_path / "cold"
    warm.mkdir()
    cold.mkdir()
    (warm / "api.yaml").write_text(synth.dump(document), encoding="utf-8")
    assert _generate(warm, monkeypatch)[0] == 0
    before = _tree(warm / "out")
    edit(document)
    text = synth.dump(document)
    (warm / "api.yaml").write_text(text, encoding="utf-8")
    (cold / "api.yaml").write_text(text, encoding="utf-8")
    parsed: list[str] = []
    real = yaml_reader.parse_clean

    def spy(source: str, *args: Any) -> Any:
        parsed.append(source)
        return real(source, *args)

    monkeypatch.setattr(yaml_reader, "parse_clean", spy)
    assert _generate(warm, monkeypatch)[0] == 0
    cut = yaml_chunks.split(text)
    assert cut is not None
    assert 0 < len(parsed) < len(yaml_chunks.units(text, *cut))  # the rest came from the cache
    monkeypatch.undo()
    assert _generate(cold, monkeypatch)[0] == 0
    after, fresh = _tree(warm / "out"), _tree(cold / "out")
    assert after != before
    assert after.keys() == fresh.keys()
    assert [p for p in after if after[p] != fresh[p]] == []


def test_a_broken_edit_fails_as_cold_and_leaves_the_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = synth.dump(synth.generate(12))
    warm, cold = tmp_path / "warm", tmp_path / "cold"
    warm.mkdir()
    cold.mkdir()
    (warm / "api.yaml").write_text(text, encoding="utf-8")
    assert _generate(warm, monkeypatch)[0] == 0
    before = _tree(warm / "out")
    lines = text.split("\n")
    at = lines.index("  schemas:") + 2  # the first schema's first member
    broken = "\n".join([*lines[:at], lines[at], *lines[at:]])  # a duplicate key
    (warm / "api.yaml").write_text(broken, encoding="utf-8")
    (cold / "api.yaml").write_text(broken, encoding="utf-8")
    code, said = _generate(warm, monkeypatch)
    cold_code, cold_said = _generate(cold, monkeypatch)
    assert code != 0 and cold_code != 0
    assert "duplicate-key" in said

    def problems(output: str) -> list[str]:
        return [line for line in output.splitlines() if "error" in line or "warning" in line]

    assert problems(said) == problems(cold_said)
    assert _tree(warm / "out") == before


def _remove_operation(document: dict[str, Any]) -> None:
    paths = document["paths"]
    del paths[list(paths)[-1]]


def _remove_added_schema(document: dict[str, Any]) -> None:
    document["components"]["schemas"].pop("AddedThing", None)


SEQUENCE_EDITS = [
    _remove_property,
    _rename_property,
    _retype_property,
    _add_schema,
    _remove_added_schema,
    _rename_schema,
    _touch_info,
    _describe_schema,
    _remove_operation,
]


def _folders(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_dir())


@pytest.mark.parametrize("seed", [2, 18])  # between them, every kind of edit but two
def test_a_random_sequence_of_edits_regenerated_warm_equals_cold_runs(
    seed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each step rewrites only what changed (write_in_place.py) and uses every warm cache."""
    import random

    from apiforge.output import write, write_in_place

    chosen = random.Random(seed).choices(SEQUENCE_EDITS, k=5)
    in_place: list[bool] = []

    def spy(*args: Any) -> int | None:
        written = write_in_place.write_changes(*args)
        in_place.append(written is not None)
        return written

    monkeypatch.setattr(write, "write_changes", spy)
    document = synth.generate(12)
    warm = tmp_path / "warm"
    warm.mkdir()
    (warm / "api.yaml").write_text(synth.dump(document), encoding="utf-8")
    assert _generate(warm, monkeypatch)[0] == 0
    for step, edit in enumerate(chosen):
        edit(document)
        text = synth.dump(document)
        cold = tmp_path / f"cold{step}"
        cold.mkdir()
        for folder in (warm, cold):
            (folder / "api.yaml").write_text(text, encoding="utf-8")
            assert _generate(folder, monkeypatch)[0] == 0, edit.__name__
        after, fresh = _tree(warm / "out"), _tree(cold / "out")
        assert after.keys() == fresh.keys(), edit.__name__
        assert [p for p in after if after[p] != fresh[p]] == [], edit.__name__
        assert _folders(warm / "out") == _folders(cold / "out"), edit.__name__
    assert in_place == [True] * len(chosen)  # (the first generation has no output to update)
