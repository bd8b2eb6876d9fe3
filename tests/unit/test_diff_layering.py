"""``apiforge diff`` compares IR and naming facts, never rendered text.

The diff's rules weigh a change by what the generated packages do with a body or a
type; those facts live in the IR (``ir/media.py``, ``ir/model.py``) where the render
layer reads them too. Only the report's own Markdown escaping comes from ``render/``.
"""

from __future__ import annotations

import ast
from pathlib import Path

DIFF = Path(__file__).resolve().parents[2] / "generator" / "diff"
ALLOWED = {"apiforge.render.escape"}  # the Markdown report's escaping


def _imported(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_diff_imports_nothing_rendered() -> None:
    reaching = {
        path.name: sorted(m for m in _imported(path) if m.startswith("apiforge.render"))
        for path in sorted(DIFF.glob("*.py"))
    }
    offending = {name: [m for m in found if m not in ALLOWED] for name, found in reaching.items()}
    assert not {name: found for name, found in offending.items() if found}
