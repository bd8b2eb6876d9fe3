"""The ``apiforge`` process exits without tearing the interpreter down, and nobody can tell.

:func:`apiforge.cli.main.run` (the console script and ``python -m apiforge``) ends with
``os._exit``: output must still be flushed, exit codes kept, exit handlers run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "specs"


def _apiforge(
    tmp_path: Path, *args: str, code: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "APIFORGE_CACHE_DIR": str(tmp_path / "cache")}
    argv = ["-c", code] if code is not None else ["-m", "apiforge"]
    return subprocess.run(
        [sys.executable, *argv, *args],
        check=False,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )


def test_output_and_exit_code_of_a_generation(tmp_path: Path) -> None:
    done = _apiforge(tmp_path, "generate", str(FIXTURES / "enums.yaml"), "--output", "out")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()  # the status line reached the pipe: stdout was flushed
    assert (tmp_path / "out").is_dir()


def test_a_failed_generation_exits_1_with_its_diagnostics(tmp_path: Path) -> None:
    spec = tmp_path / "broken.yaml"
    spec.write_text("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {/a: 5}\n")
    done = _apiforge(tmp_path, "generate", str(spec), "--output", "out")
    assert done.returncode == 1
    assert "broken.yaml" in done.stderr


def test_a_usage_error_exits_2(tmp_path: Path) -> None:
    done = _apiforge(tmp_path, "generate", "--no-such-flag")
    assert done.returncode == 2
    assert "no-such-flag" in done.stderr


@pytest.mark.parametrize(("argv", "status"), [(["--version"], 0), (["generate", "--nope"], 2)])
def test_exit_handlers_still_run(tmp_path: Path, argv: list[str], status: int) -> None:
    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('handler ran', flush=True))\n"
        f"sys.argv = ['apiforge', *{argv!r}]\n"
        "from apiforge.cli.main import run\n"
        "run()\n"
    )
    done = _apiforge(tmp_path, code=code)
    assert done.returncode == status
    assert done.stdout.rstrip().endswith("handler ran")


def test_ctrl_c_during_start_up_aborts_without_a_traceback(tmp_path: Path) -> None:
    """Interrupted in its imports (here: installing the code tables), as click aborts later."""
    code = (
        "import apiforge.code_cache as cache\n"
        "def interrupted(): raise KeyboardInterrupt\n"
        "cache.install = interrupted\n"
        "from apiforge.cli.start import run\n"
        "run()\n"
    )
    done = _apiforge(tmp_path, "--version", code=code)
    assert (done.returncode, done.stderr) == (1, "Aborted!\n")
