"""``apiforge check`` lists files in generated package folders that no manifest names.

A module dropped into a generated package survives regeneration and ships in the wheel;
``check`` names it (a warning, failing only ``--strict``), names other unlisted files in
the package folder as information, skips what tools leave there, and never deletes any.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_cli_generate import FakePipeline, run, snapshot, write_spec

PACKAGE = Path("generated/shop_client")


@pytest.fixture(autouse=True)
def _generated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakePipeline:
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    fake = FakePipeline()
    write_spec("title: Shop\n")
    assert run(fake, "generate", "shop.txt")[0] == 0
    return fake


def _listed(fake: FakePipeline, *flags: str) -> tuple[int, dict[str, str]]:
    code, out, _ = run(fake, "check", "--format", "json", *flags, "shop.txt")
    return code, {
        d["file"]: d["severity"] for d in json.loads(out) if d["code"] == "untracked-file"
    }


def test_a_module_dropped_into_the_package_is_a_warning(_generated: FakePipeline) -> None:
    (PACKAGE / "shop_client/extra.py").write_text("STALE = True\n")
    (PACKAGE / "shop_client/sub").mkdir()
    (PACKAGE / "shop_client/sub/data.json").write_text("{}")
    code, listed = _listed(_generated)
    assert code == 0
    assert listed == {
        "generated/shop_client/shop_client/extra.py": "warning",
        "generated/shop_client/shop_client/sub/data.json": "warning",
    }
    code, out, err = run(_generated, "check", "shop.txt")
    assert code == 0 and "shop.txt: up to date" in out
    assert "generated/shop_client/shop_client/extra.py: warning[untracked-file]: " in err
    assert "ships in the wheel" in err


def test_strict_fails_on_it_and_nothing_is_deleted(_generated: FakePipeline) -> None:
    (PACKAGE / "shop_client/extra.py").write_text("STALE = True\n")
    before = snapshot(Path("generated"))
    code, listed = _listed(_generated, "--strict")
    assert code == 1 and listed == {"generated/shop_client/shop_client/extra.py": "error"}
    write_spec("title: Changed\n")  # rendered this time: the same verdict
    code, listed = _listed(_generated, "--strict")
    assert code == 1 and listed == {"generated/shop_client/shop_client/extra.py": "error"}
    assert snapshot(Path("generated")) == before


def test_a_file_kept_on_purpose_can_be_ignored_under_strict(_generated: FakePipeline) -> None:
    """A ``_version.py`` a build writes into the package: ``--ignore-warning untracked-file``
    (or ``ignore-warnings``) lets ``--strict`` pass, as for any warning; it was refused."""
    (PACKAGE / "shop_client/_version.py").write_text("VERSION = '1'\n")
    code, listed = _listed(_generated, "--strict", "--ignore-warning", "untracked-file")
    assert code == 0 and listed == {}


def test_notes_beside_the_package_are_information(_generated: FakePipeline) -> None:
    (PACKAGE / "NOTES.md").write_text("mine")
    assert _listed(_generated, "--strict") == (0, {"generated/shop_client/NOTES.md": "info"})
    code, _, err = run(_generated, "check", "-q", "shop.txt")
    assert code == 0 and "untracked-file" not in err


def test_what_tools_leave_is_not_listed(_generated: FakePipeline) -> None:
    for name in (
        "shop_client/__pycache__/__init__.cpython-312.pyc",
        "shop_client/stray.pyc",
        ".mypy_cache/3.12/x.json",
        "shop_client/.pytest_cache/v/cache",
        "dist/shop_client-1.0-py3-none-any.whl",
        "build/lib/shop_client/__init__.py",
        "shop_client.egg-info/PKG-INFO",
    ):
        path = PACKAGE / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("")
    assert _listed(_generated, "--strict") == (0, {})


def test_a_user_folder_named_like_build_output_inside_the_package_is_listed(
    _generated: FakePipeline,
) -> None:
    (PACKAGE / "shop_client/build").mkdir()
    (PACKAGE / "shop_client/build/step.py").write_text("")
    _, listed = _listed(_generated)
    assert listed == {"generated/shop_client/shop_client/build/step.py": "warning"}
