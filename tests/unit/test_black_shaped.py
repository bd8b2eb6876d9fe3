"""The client templates emit code black leaves alone, so the format stage does one cheap pass.

black formats a changed file twice and works about twice as hard on text it must
rewrite (see generator/render/layout.py). Every client module of the reference
spec and of each fixture spec must come out of the templates (after the import
sort) exactly as black would write it.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import black
import pytest
from black.mode import TargetVersion

from generator.config import Target
from generator.diagnostics import Sink
from generator.format import LINE_LENGTH, _sort_imports, _split_header
from generator.pipeline import render

REPO = Path(__file__).resolve().parents[2]
SPECS = [REPO / "spec" / "posthog.yaml", *sorted((REPO / "tests" / "fixtures" / "specs").glob("*.yaml"))]
CLIENT_MODULES = ("__init__.py", "client/")  # the package's __init__.py and every module of client/
MODE = black.Mode(target_versions={TargetVersion.PY310}, line_length=LINE_LENGTH)


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_client_modules_are_black_fixed_points(spec: Path, tmp_path: Path) -> None:
    rendered = render(Target.for_spec(spec, tmp_path, server_package=None, format=False), Sink())
    assert rendered is not None
    package = f"{Target.for_spec(spec, tmp_path).client_package}/" * 2
    modules = {path: _split_header(text)[1] for path, text in rendered.files.items()
               if path.removeprefix(package) == "__init__.py" or path.removeprefix(package).startswith("client/")}
    assert len(modules) >= 3  # __init__.py, client/__init__.py, client/_client.py
    for path, text in _sort_imports(modules).items():
        formatted = black.format_str(text, mode=MODE)
        diff = "\n".join(difflib.unified_diff(text.splitlines(), formatted.splitlines(), path, "black", lineterm="", n=1))
        assert formatted == text, f"black would change {path}:\n{diff[:3000]}"
