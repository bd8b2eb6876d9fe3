"""Functional tests: generate a fixture spec, import its client and server, and run them.

``built("enums")`` generates ``tests/fixtures/specs/enums.yaml`` once per session into a
temporary directory (packages ``fn_enums_client``/``fn_enums_server``) and returns the
generation with both packages imported. ``mock_client`` wires a generated ``Client`` to
an ``httpx.MockTransport``; ``server_client`` wraps a generated app in starlette's
``TestClient`` (both in ``tests/apiforge_testkit.py``).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from apiforge_testkit import FIXTURES, Built, generate, load


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Built]:
    """Generate (once) and import the fixture spec ``tests/fixtures/specs/<feature>.yaml``."""
    out = tmp_path_factory.mktemp("functional")
    done: dict[str, Built] = {}

    def get(feature: str) -> Built:
        if feature not in done:
            generated = generate(FIXTURES / f"{feature}.yaml", out, f"fn_{feature}")
            assert generated.ok, generated.report()
            client, server = load(generated)
            done[feature] = Built(generated, client, server)
        return done[feature]

    return get
