"""Where the shared real-world spec corpus lives: one setting for every test that needs it.

``$APIFORGE_SPECS_DIR``, by default ``../shared/specs`` next to the repository (the
directory holding ``SOURCES.md``). Without it, tests that need the corpus skip; in CI
(``CI=true``) they fail instead, so a missing corpus cannot pass unnoticed.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SPECS_DIR = Path(os.environ.get("APIFORGE_SPECS_DIR") or REPO.parent / "shared" / "specs")


def available() -> bool:
    """True when the corpus is there (its ``SOURCES.md`` index exists)."""
    return (SPECS_DIR / "SOURCES.md").is_file()


def require_specs() -> None:
    """Skip the calling test when the corpus is missing, or fail it when running in CI."""
    if available():
        return
    message = f"no spec corpus at {SPECS_DIR} (set APIFORGE_SPECS_DIR)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)
