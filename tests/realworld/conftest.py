"""Real-world corpus: put the shared test helpers on sys.path; print the results table."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from apiforge_testkit import RESULTS


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The table of every real-world spec this session generated."""
    if not RESULTS:
        return
    terminalreporter.section("real-world specs")
    header = f"{'spec':<22} {'ops':>4} {'models':>6}  {'generate':<10} {'import/app':<10} {'ruff':<6} {'mypy':<6} notes"
    terminalreporter.write_line(header)
    terminalreporter.write_line("-" * len(header))
    for name, row in sorted(RESULTS.items()):
        terminalreporter.write_line(
            f"{name:<22} {row.get('ops', '-'):>4} {row.get('models', '-'):>6}  {row.get('generate', '-'):<10} "
            f"{row.get('import', '-'):<10} {row.get('ruff', '-'):<6} {row.get('mypy', '-'):<6} {row.get('notes', '')}"
        )
