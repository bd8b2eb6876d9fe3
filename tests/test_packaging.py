"""apiforge installs and imports as ``apiforge``; its source folder is ``generator/``.

The wheel (built here in-process with hatchling, as ``python -m build`` does) must ship
the folder as ``apiforge/`` with the templates inside and nothing named ``generator``;
an editable install (``pip install -e .``, how this suite runs) maps ``apiforge`` to the
checkout through ``hatch_build.py``'s finder and installs no ``generator`` either.
"""

from __future__ import annotations

import configparser
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

PROBE = """\
import importlib.util, json, sys
import apiforge
from apiforge.resources import templates_dir
print(json.dumps({
    "apiforge": apiforge.__file__,
    "generator": importlib.util.find_spec("generator") is not None,
    "templates": str(templates_dir()),
    "api": [callable(apiforge.generate), callable(apiforge.check), callable(apiforge.validate)],
}))
"""


def _run(python_path: str | None, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if python_path is not None:
        env["PYTHONPATH"] = python_path
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from hatchling.builders.wheel import WheelBuilder

    out = tmp_path_factory.mktemp("wheel")
    (built,) = WheelBuilder(str(REPO)).build(directory=str(out), versions=["standard"])
    return Path(built)


def test_the_wheel_ships_apiforge_and_no_generator(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names}
    assert tops == {"apiforge", wheel.name.split("-py3")[0] + ".dist-info"}, tops
    assert "apiforge/__init__.py" in names and "apiforge/load/load.py" in names
    assert "apiforge/templates/client/_client.py.jinja" in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    entry_points = configparser.ConfigParser()
    dist_info = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    entry_points.read_string(zipfile.ZipFile(wheel).read(dist_info).decode())
    assert entry_points["console_scripts"]["apiforge"] == "apiforge.cli.start:run"
    assert entry_points["hatch"]["apiforge"] == "apiforge.cli.build_hook"


def test_the_installed_wheel_imports_as_apiforge(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    probe = _run(str(site), "-c", PROBE, cwd=tmp_path)
    assert probe.returncode == 0, probe.stderr
    found = json.loads(probe.stdout)
    assert Path(found["apiforge"]) == site / "apiforge" / "__init__.py"
    assert found["generator"] is False
    assert Path(found["templates"]) == site / "apiforge" / "templates"
    assert found["api"] == [True, True, True]
    helped = _run(str(site), "-m", "apiforge", "--help", cwd=tmp_path)
    assert helped.returncode == 0 and "generate" in helped.stdout, helped.stderr


def test_the_editable_install_maps_apiforge_to_the_checkout(tmp_path: Path) -> None:
    """This suite's own install (``pip install -e .``): no copy, no ``generator`` module."""
    probe = _run(None, "-c", PROBE, cwd=tmp_path)
    assert probe.returncode == 0, probe.stderr
    found = json.loads(probe.stdout)
    assert Path(found["apiforge"]) == REPO / "generator" / "__init__.py"
    assert found["generator"] is False
    assert Path(found["templates"]) == REPO / "templates"
    helped = _run(None, "-m", "apiforge", "--help", cwd=tmp_path)
    assert helped.returncode == 0 and "validate" in helped.stdout, helped.stderr
