"""The build hook and the sdist: ``python -m build`` builds the sdist, then the wheel from it.

The sdist must carry what that wheel build reads (the spec and every file it $refs), even
when the project's file selection leaves them out (``[tool.hatch.build] packages``, which
both targets obey); a spec outside the project cannot travel, and says so.
"""

from __future__ import annotations

import tarfile
import zipfile
from pathlib import Path

import pytest
from hatchling.builders.sdist import SdistBuilder
from hatchling.builders.wheel import WheelBuilder
from test_build_hook import HOOK_ONLY, PETS, sample_project

from apiforge.cli.build_hook import BuildFailed
from apiforge.output.journal import Journal
from apiforge.output.manifest import STAGING_PREFIX

SPLIT_PETS = PETS.split("components:")[0].replace("#/components/schemas/Pet", "schemas/pet.yaml")
PET = """\
type: object
required: [id, name]
properties:
  id: {type: integer}
  name: {type: string}
"""


def _only_the_package_everywhere(root: Path) -> None:
    """``packages`` under ``[tool.hatch.build]``: the sdist holds the package and no spec."""
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(text.replace("[tool.hatch.build.targets.wheel]", "[tool.hatch.build]"))


def test_the_sdist_carries_the_spec_and_its_refs_and_the_wheel_builds_from_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "cache"))
    root = sample_project(tmp_path / "sample", HOOK_ONLY)
    _only_the_package_everywhere(root)
    (root / "spec" / "pets.yaml").write_text(SPLIT_PETS)
    (root / "spec" / "schemas").mkdir()
    (root / "spec" / "schemas" / "pet.yaml").write_text(PET)
    (sdist,) = SdistBuilder(str(root)).build(directory=str(tmp_path / "dist"))
    with tarfile.open(sdist) as archive:
        names = archive.getnames()
        archive.extractall(tmp_path / "unpacked", filter="data")
    top = "sample_app-0.1.0"
    assert {f"{top}/spec/pets.yaml", f"{top}/spec/schemas/pet.yaml"} <= set(names), names
    (wheel,) = WheelBuilder(str(tmp_path / "unpacked" / top)).build(
        directory=str(tmp_path / "dist"), versions=["standard"]
    )
    models = zipfile.ZipFile(wheel).read("pets_client/models/pets.py").decode()
    assert "class Pet(" in models


def test_a_spec_outside_the_project_fails_the_sdist_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "pets.yaml").write_text(PETS)
    root = sample_project(tmp_path / "sample", HOOK_ONLY.replace("spec/", "../shared/"))
    with pytest.raises(BuildFailed, match=r"pets\.yaml is outside the project"):
        list(SdistBuilder(str(root)).build(directory=str(tmp_path / "dist")))
    (wheel,) = WheelBuilder(str(root)).build(
        directory=str(tmp_path / "dist"), versions=["standard"]
    )
    assert "pets_client/__init__.py" in zipfile.ZipFile(wheel).namelist()


def test_a_staging_folder_never_enters_the_sdist(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write another process is making (its journal locked) is left alone, and left out."""
    monkeypatch.setenv("APIFORGE_CACHE_DIR", str(tmp_path / "cache"))
    root = sample_project(tmp_path / "sample", HOOK_ONLY)
    staging = root / "generated" / f"{STAGING_PREFIX}live"
    (staging / "pets_client.old").mkdir(parents=True)
    (staging / "pets_client.old" / "README.md").write_text("the old package\n")
    journal = Journal(str(staging), "swap")  # held: a live writer's (recovery leaves it be)
    try:
        (sdist,) = SdistBuilder(str(root)).build(directory=str(tmp_path / "dist"))
    finally:
        journal.close()
    with tarfile.open(sdist) as archive:
        names = archive.getnames()
    assert "sample_app-0.1.0/generated/pets_client/pets_client/__init__.py" in names
    assert not [name for name in names if STAGING_PREFIX in name]
    assert staging.is_dir()  # not the hook's to delete
