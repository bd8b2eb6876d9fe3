"""Generated modules come out of rendering with their imports as ruff's isort rules keep them.

The formatting stage no longer sorts imports (render/imports.py writes each block in
order), so the pinned ruff's import rule (``I``, its defaults) must find nothing in a
fresh PostHog client and server, nor in a black-formatted package.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from apiforge_testkit import FIXTURES, REPO, generate

RUFF = Path(sys.executable).parent / "ruff"


def _unsorted(root: Path) -> str:
    """ruff's findings of rule I under ``root`` ("" when none)."""
    checked = subprocess.run(
        [str(RUFF), "check", "--isolated", "--select", "I", "--target-version", "py310",
         "--no-cache", "--output-format", "concise", str(root)],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    return "" if checked.returncode == 0 else checked.stdout + checked.stderr


@pytest.mark.parametrize(
    ("spec", "formatter"),
    [(REPO / "spec" / "posthog.yaml", "ruff"), (FIXTURES / "composition.yaml", "black")],
)
def test_imports_need_no_sorting(spec: Path, formatter: str, tmp_path: Path) -> None:
    generated = generate(spec, tmp_path, "sorted", formatter=formatter)
    assert generated.ok, generated.report()
    assert generated.rendered is not None
    modules = [p for p in generated.rendered.files if p.endswith(".py")]
    assert any("/routes/" in p for p in modules) and any("/client/" in p for p in modules)
    assert _unsorted(tmp_path) == ""
