"""``mypy --strict`` checks the example fake against the generated Protocols.

The generated packages are not installed, so mypy finds them through ``MYPYPATH``
(their ``py.typed`` markers play no part). ``Implementations`` in
``examples/posthog_fake/app.py`` types each field with its Protocol, so a method whose
signature or return type drifts from ``posthog_server.interfaces`` fails this test.
A deliberately wrong implementation shows the check has teeth.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from e2e_paths import GENERATED_CLIENT, GENERATED_SERVER, ROOT

WRONG_IMPLEMENTATION = """
from posthog_server import runtime as rt
from posthog_server.interfaces import EnvironmentsExportsApi


class Exports:
    async def list(self, project_id: str, *, limit: int | None, offset: int | None,
                   context: rt.RequestContext) -> None: ...
    async def create(self, project_id: str, *, body: object, context: rt.RequestContext) -> None: ...
    async def retrieve(self, project_id: str, id: int, *, context: rt.RequestContext) -> None: ...
    async def content_retrieve(self, project_id: str, id: str, *, context: rt.RequestContext) -> str:
        return ""


exports: EnvironmentsExportsApi = Exports()
"""


def run_mypy(*targets: str) -> subprocess.CompletedProcess[str]:
    """``mypy --strict`` over ``targets`` with the generated packages on MYPYPATH."""
    env = {
        **os.environ,
        "MYPYPATH": os.pathsep.join([str(GENERATED_SERVER), str(GENERATED_CLIENT)]),
    }
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-color-output", *targets],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_fake_passes_mypy_strict_against_the_generated_protocols() -> None:
    result = run_mypy("examples/posthog_fake")
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_wrong_implementation_is_rejected(tmp_path: Path) -> None:
    module = tmp_path / "wrong_exports.py"
    module.write_text(WRONG_IMPLEMENTATION)
    result = run_mypy(str(module))
    assert result.returncode == 1, result.stdout + result.stderr
    assert 'Incompatible types in assignment (expression has type "Exports"' in result.stdout
    assert "content_retrieve" in result.stdout
