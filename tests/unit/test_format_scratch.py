"""Where the format stage's scratch copies go: ``$TMPDIR``, else a roomy tmpfs, else the default."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest

from apiforge.diagnostics import Sink
from apiforge.output import format as fmt

FILES = {"pkg/pkg/a.py": "import os\nimport sys\nx = {'a':1}\n"}
EXPECTED = {"pkg/pkg/a.py": 'import os\nimport sys\n\nx = {"a": 1}\n'}


@pytest.fixture()
def shm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in for /dev/shm, with ``$TMPDIR`` unset and the content cache off."""
    folder = tmp_path / "shm"
    folder.mkdir()
    monkeypatch.setattr(fmt, "_SHM", str(folder))
    monkeypatch.delenv("TMPDIR", raising=False)
    monkeypatch.setenv("APIFORGE_CACHE_DIR", "off")
    return folder


def test_tmpfs_is_used_when_roomy(shm: Path) -> None:
    assert fmt._scratch_root(1000) == str(shm)


def test_too_little_room_falls_back_to_the_default(shm: Path) -> None:
    stat = os.statvfs(shm)
    free = stat.f_bavail * stat.f_frsize
    assert fmt._scratch_root(free) is None


def test_tmpdir_wins(shm: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMPDIR", str(shm.parent))
    assert fmt._scratch_root(1000) is None  # tempfile then honours $TMPDIR itself


def test_missing_tmpfs_falls_back_to_the_default(
    shm: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fmt, "_SHM", str(shm / "absent"))
    assert fmt._scratch_root(1000) is None


def test_format_runs_in_the_tmpfs_and_leaves_nothing(
    shm: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    used: list[Any] = []
    real = tempfile.TemporaryDirectory

    def spy(*args: Any, **kwargs: Any) -> Any:
        used.append(kwargs.get("dir"))
        return real(*args, **kwargs)

    monkeypatch.setattr(tempfile, "TemporaryDirectory", spy)
    sink = Sink()
    assert fmt.format_files(FILES, sink) == EXPECTED
    assert list(sink) == []
    assert used == [str(shm)]
    assert list(shm.iterdir()) == []
