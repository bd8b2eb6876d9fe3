"""Suite-wide: tests/ is on sys.path (shared helpers); the ``spec_corpus`` fixture."""

from __future__ import annotations

from pathlib import Path

import pytest
from shared_specs import SPECS_DIR, require_specs


@pytest.fixture
def spec_corpus() -> Path:
    """The real-world spec corpus; skips the test without it (fails in CI, see shared_specs)."""
    require_specs()
    return SPECS_DIR
