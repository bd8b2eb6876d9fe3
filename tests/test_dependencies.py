"""Every third-party package the generator imports is declared in pyproject.toml's dependencies."""

from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

REPO = Path(__file__).resolve().parents[1]


def _imported_modules() -> set[str]:
    found: set[str] = set()
    for path in (REPO / "generator").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_imported_distribution_is_declared() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {
        _normalise(re.split(r"[<>=!~;\[ ]", dep, maxsplit=1)[0]) for dep in project["dependencies"]
    }
    optional = {
        _normalise(re.split(r"[<>=!~;\[ ]", dep, maxsplit=1)[0])
        for deps in project["optional-dependencies"].values()
        for dep in deps
    }
    distributions = packages_distributions()
    missing = {}
    for module in sorted(_imported_modules() - set(sys.stdlib_module_names) - {"apiforge"}):
        names = {_normalise(d) for d in distributions.get(module, [module])}
        if not names & (declared | optional):
            missing[module] = sorted(names)
    assert not missing, f"imported by generator/ but not declared in pyproject.toml: {missing}"
