"""The runtime modules are copied verbatim into generated packages (not formatted there):
they must already be formatted as both formatters would leave them (ruff format, the default,
and black), ruff-clean and free of apiforge imports."""

from __future__ import annotations

import subprocess
from pathlib import Path

import black
import pytest
from ruff.__main__ import find_ruff_bin

from apiforge.output.format import LINE_LENGTH
from apiforge.render.server_responses import STATUS_CLASSES

RUNTIME = Path(__file__).resolve().parents[2] / "templates" / "runtime"
FILES = sorted(p for p in RUNTIME.rglob("*.py") if "__pycache__" not in p.parts)


@pytest.mark.parametrize("path", FILES, ids=[p.relative_to(RUNTIME).as_posix() for p in FILES])
def test_runtime_file_is_black_stable(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    mode = black.Mode(target_versions={black.TargetVersion.PY310}, line_length=LINE_LENGTH)
    assert black.format_str(text, mode=mode) == text, f"run black -l {LINE_LENGTH} on {path}"
    for package in ("generator", "apiforge"):  # generated code never imports the generator
        assert f"import {package}" not in text and f"from {package}" not in text


def test_runtime_files_are_ruff_format_stable() -> None:
    proc = subprocess.run(
        [
            find_ruff_bin(),
            "format",
            "--isolated",
            "--check",
            "--no-cache",
            "--target-version",
            "py310",
            "--line-length",
            str(LINE_LENGTH),
            *map(str, FILES),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_runtime_files_pass_ruff_with_its_defaults() -> None:
    proc = subprocess.run(
        [
            find_ruff_bin(),
            "check",
            "--isolated",
            "--no-cache",
            "--target-version",
            "py310",
            *map(str, FILES),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout


def test_status_wrapper_table_matches_the_server_runtime() -> None:
    """The server views name runtime status classes; both tables must agree."""
    from server_runtime_loader import load_server_runtime

    module = load_server_runtime()
    assert {code: cls.__name__ for code, cls in module.STATUS_CLASSES.items()} == STATUS_CLASSES


def test_server_runtime_modules_stay_small() -> None:
    """The server runtime is a package of small modules, like the client's."""
    modules = sorted((RUNTIME / "server" / "_runtime").glob("*.py"))
    assert len(modules) > 8
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in modules}
    assert max(sizes.values()) < 400, sizes
