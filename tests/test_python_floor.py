"""The Python the README and CI ask for is the one the pinned test tools need.

``constraints/test.txt`` pins exact releases; when a bump pins one that drops a Python
version, the README's quick start and ``.ci/run`` must say so, or a contributor on that
version meets pip's ResolutionImpossible instead of a clear sentence.
"""

from __future__ import annotations

import sys
from importlib.metadata import PackageNotFoundError, metadata
from pathlib import Path

from packaging.specifiers import SpecifierSet
from packaging.version import Version

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

REPO = Path(__file__).resolve().parents[1]
CANDIDATES = [Version(f"3.{minor}") for minor in range(8, 20)]


def _pins() -> list[str]:
    lines = (REPO / "constraints" / "test.txt").read_text(encoding="utf-8").splitlines()
    return [line.split("==")[0] for line in lines if "==" in line and not line.startswith("#")]


def _test_floor() -> Version:
    """The oldest Python every installed pinned release accepts (their Requires-Python)."""
    allowed = SpecifierSet()
    for name in _pins():
        try:
            requires = metadata(name).get("Requires-Python")
        except PackageNotFoundError:
            continue  # pinned for a platform or extra this environment does not install
        if requires:
            allowed &= SpecifierSet(requires)
    return next(v for v in CANDIDATES if allowed.contains(v))


def test_the_readme_and_ci_ask_for_the_python_the_test_pins_need() -> None:
    floor = _test_floor()
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("```", 1)[0]
    assert f"the test\nsetup needs Python {floor}+" in quick_start
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert f"sys.version_info < ({floor.major}, {floor.minor})" in ci
    assert f"CI needs Python {floor}+" in ci


def test_the_readme_states_the_generators_own_python_floor() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    floor = next(v for v in CANDIDATES if SpecifierSet(project["requires-python"]).contains(v))
    quick_start = (REPO / "README.md").read_text(encoding="utf-8").split("## Quick start", 1)[1]
    assert f"run on Python {floor}+" in quick_start.split("```", 1)[0]
