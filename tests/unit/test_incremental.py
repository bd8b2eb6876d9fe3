"""Regenerating after a one-definition change with a warm content cache equals a cold run.

Every cache (validation parts, compiled templates, formatted modules, the recorded
spec's snapshot) is keyed by what its result depends on; these tests change one
schema, one parameter or one shared response and check that nothing stale survives:
the regenerated tree is byte for byte what a cold run (an empty cache, an empty
output folder) writes for the edited spec.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from apiforge.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
import synth  # benchmarks/ is no package: on sys.path above

OPERATIONS = 20


def _generate(spec: Path, out: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(cache))
    result = CliRunner().invoke(main, ["generate", str(spec), "--output", str(out)])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == 0, result.output
    return result.output


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _schema(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    name = next(n for n in schemas if f"{n}Request" in schemas)
    schemas[name]["properties"]["added"] = {"type": "string", "description": "Added."}


def _parameter(document: dict[str, Any]) -> None:
    for item in document["paths"].values():
        for operation in item.values():
            for parameter in operation.get("parameters", ()):
                if parameter.get("in") == "query":
                    parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": 50}
                    parameter["description"] = "Changed."
                    return
    raise AssertionError("the synthetic spec has no query parameter")


def _renamed_enum_value(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    enum = next(s for s in schemas.values() if "enum" in s)
    enum["enum"] = [*enum["enum"][:-1], "renamed"]


@pytest.mark.parametrize("edit", [_schema, _parameter, _renamed_enum_value])
def test_a_warm_regeneration_after_one_change_equals_a_cold_run(
    edit: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    spec = tmp_path / "api.yaml"
    document = synth.generate(OPERATIONS)
    spec.write_text(synth.dump(document), encoding="utf-8")
    warm_cache, out = tmp_path / "cache", tmp_path / "out"
    _generate(spec, out, warm_cache, monkeypatch)
    before = _tree(out)
    edit(document)
    spec.write_text(synth.dump(document), encoding="utf-8")
    said = _generate(spec, out, warm_cache, monkeypatch)
    assert "run apiforge diff for details" in said  # compared with the recorded spec
    cold = tmp_path / "cold"
    cold_spec = cold / "api.yaml"
    cold_spec.parent.mkdir()
    cold_spec.write_text(spec.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(cold)
    _generate(Path("api.yaml"), cold / "out", cold / "cache", monkeypatch)
    monkeypatch.chdir(tmp_path)
    after, fresh = _tree(out), _tree(cold / "out")
    assert after != before  # the edit reached the output
    assert after.keys() == fresh.keys()
    assert [p for p in after if after[p] != fresh[p]] == []


def test_the_change_summary_resolves_no_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """generate's change summary names no file:line, so it never composes a position index."""
    from apiforge.load import reading as source

    monkeypatch.chdir(tmp_path)
    spec = tmp_path / "api.yaml"
    document = synth.generate(OPERATIONS)
    spec.write_text(synth.dump(document), encoding="utf-8")
    _generate(spec, tmp_path / "out", tmp_path / "cache", monkeypatch)
    _schema(document)
    spec.write_text(synth.dump(document), encoding="utf-8")
    located: list[str] = []
    real = source.SourceFile.locate

    def locate(self: source.SourceFile, pointer: str) -> Any:
        located.append(pointer)
        return real(self, pointer)

    monkeypatch.setattr(source.SourceFile, "locate", locate)
    said = _generate(spec, tmp_path / "out", tmp_path / "cache", monkeypatch)
    assert "compatible" in said  # a property was added: the summary says so
    assert located == []


def test_openapi_json_from_the_per_definition_cache_equals_json_dumps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server's openapi.json is json.dumps(indent=1)'s text, cold, warm and after an edit."""
    import datetime
    import json

    from apiforge.output.spec_json import spec_json

    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "cache"))
    document: dict[str, Any] = synth.generate(OPERATIONS)
    document["info"]["x-released"] = datetime.date(2024, 1, 2)  # YAML dates: default=str
    document["info"]["x-text"] = 'caf\u00e9 \u2603 "quoted"\nline'
    document["paths"]["/empty"] = {}
    document["components"]["examples"] = {}
    document["components"]["x-odd"] = {1: "an int key: json.dumps spells it"}
    document["webhooks"] = {"ping": {"post": {"responses": {200: {"description": "ok"}}}}}
    spec = tmp_path / "api.yaml"

    def expected() -> str:
        return json.dumps(document, indent=1, ensure_ascii=False, default=str) + "\n"

    assert spec_json(document, spec) == expected()  # cold
    assert spec_json(document, spec) == expected()  # every definition from the cache
    _schema(document)
    _parameter(document)
    assert spec_json(document, spec) == expected()  # the edited ones re-encoded
    document["paths"] = {1: {}}  # a non-str key where the top levels are spelt here
    assert spec_json(document, spec) == expected()
    monkeypatch.setenv("APIFORGE_CACHE_DIR", "off")
    assert spec_json(document, spec) == expected()


def test_unchanged_files_are_linked_from_the_previous_output_and_changed_ones_written(
    tmp_path: Path,
) -> None:
    """write_packages hard-links a file only when the old one holds its bytes and mode."""
    import os

    from apiforge.output.write import write_packages

    out = tmp_path / "out"
    first = {"a.py": b"old\n", "b.py": b"same\n", "sub/c.py": b"same too\n", "d.py": b"x\n"}
    write_packages(out, {"pkg": first})
    pkg = out / "pkg"
    inode = {name: (pkg / name).stat().st_ino for name in first}
    os.chmod(pkg / "d.py", 0o600)  # same bytes, another mode: written afresh
    second = {**first, "a.py": b"new\n", "e.py": b"added\n"}  # a.py first: sets the mode
    write_packages(out, {"pkg": second}, force=True)
    assert {n: (pkg / n).read_bytes() for n in second} == second
    assert (pkg / "b.py").stat().st_ino == inode["b.py"]
    assert (pkg / "sub/c.py").stat().st_ino == inode["sub/c.py"]
    assert (pkg / "a.py").stat().st_ino != inode["a.py"]
    assert (pkg / "d.py").stat().st_ino != inode["d.py"]
    assert (pkg / "d.py").stat().st_mode == (pkg / "e.py").stat().st_mode
    assert all((pkg / n).stat().st_nlink == 1 for n in second)  # the old tree is gone

    # a folder that became a symlink to elsewhere is never linked through
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "c.py").write_bytes(b"same too\n")
    os.chmod(elsewhere / "c.py", (pkg / "b.py").stat().st_mode & 0o7777)
    (pkg / "sub" / "c.py").unlink()
    (pkg / "sub").rmdir()
    (pkg / "sub").symlink_to(elsewhere)
    write_packages(out, {"pkg": second}, force=True)
    assert not (pkg / "sub").is_symlink()
    assert (pkg / "sub/c.py").stat().st_ino != (elsewhere / "c.py").stat().st_ino
    assert (pkg / "sub/c.py").read_bytes() == b"same too\n"
